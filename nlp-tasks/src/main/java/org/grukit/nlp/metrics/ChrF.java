package org.grukit.nlp.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Corpus chrF (Popović 2015) as sacreBLEU computes it by default: character n-grams of orders 1 to 6 with white
 * space removed, statistics summed over the corpus, precision and recall averaged over the orders that occur,
 * then F-beta with beta 2, 0 to 100. One reference per hypothesis.
 */
public final class ChrF {
    private ChrF() {}

    private static final int ORDER = 6;
    private static final double BETA = 2;

    public static double corpus(List<String> hypotheses, List<String> references) {
        if (hypotheses.size() != references.size()) {
            throw new IllegalArgumentException(hypotheses.size() + " hypotheses for " + references.size() + " references");
        }
        long[] hyp = new long[ORDER], ref = new long[ORDER], common = new long[ORDER];
        for (int i = 0; i < hypotheses.size(); i++) {
            String h = Text.removeWhitespace(hypotheses.get(i)), r = Text.removeWhitespace(references.get(i));
            for (int n = 1; n <= ORDER; n++) {
                Map<String, Integer> hn = grams(h, n), rn = grams(r, n);
                for (int c : hn.values()) hyp[n - 1] += c;
                for (int c : rn.values()) ref[n - 1] += c;
                for (var e : hn.entrySet()) common[n - 1] += Math.min(e.getValue(), rn.getOrDefault(e.getKey(), 0));
            }
        }
        double precision = 0, recall = 0;
        int effective = 0;
        for (int n = 0; n < ORDER; n++) {
            if (hyp[n] > 0 && ref[n] > 0) {
                precision += (double) common[n] / hyp[n];
                recall += (double) common[n] / ref[n];
                effective++;
            }
        }
        if (effective == 0) return 0;
        precision /= effective;
        recall /= effective;
        if (precision + recall == 0) return 0;
        double b2 = BETA * BETA;
        return 100 * (1 + b2) * precision * recall / (b2 * precision + recall);
    }

    /** Character n-grams of s, by code point as Python indexes a string. */
    private static Map<String, Integer> grams(String s, int n) {
        int[] cps = s.codePoints().toArray();
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i + n <= cps.length; i++) out.merge(new String(cps, i, n), 1, Integer::sum);
        return out;
    }
}
