package org.grukit.nlp.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Corpus BLEU as sacreBLEU computes it by default: the 13a tokenization of mteval-v13a, n-grams up to 4 with
 * counts clipped by the most any one reference has, the closest reference length (the shorter on a tie) for the
 * brevity penalty, and the 'exp' smoothing of mteval (an n-gram order with no match counts as 1 / (2^k total)).
 * Scores are 0 to 100. References come as streams, each aligned with the hypotheses, as sacreBLEU takes them;
 * an empty reference is left out of its sentence.
 */
public final class Bleu {
    private Bleu() {}

    private static final Pattern SYMBOLS = Pattern.compile("([\\{-~\\[-` -&\\(-\\+:-@/])");
    private static final Pattern PERIOD_COMMA_AFTER = Pattern.compile("([^0-9])([\\.,])");
    private static final Pattern PERIOD_COMMA_BEFORE = Pattern.compile("([\\.,])([^0-9])");
    private static final Pattern DASH_AFTER_DIGIT = Pattern.compile("([0-9])(-)");
    private static final int ORDER = 4;

    /** The 13a tokenization: a few entities unescaped, punctuation split off, periods and commas kept inside numbers. */
    public static String tokenise13a(String line) {
        String s = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
        if (s.indexOf('&') >= 0) s = s.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        s = " " + s + " ";
        s = SYMBOLS.matcher(s).replaceAll(" $1 ");
        s = PERIOD_COMMA_AFTER.matcher(s).replaceAll("$1 $2 ");
        s = PERIOD_COMMA_BEFORE.matcher(s).replaceAll(" $1 $2");
        s = DASH_AFTER_DIGIT.matcher(s).replaceAll("$1 $2 ");
        return String.join(" ", Text.splitWhitespace(s));
    }

    /** The score and its sufficient statistics. */
    public record Score(double score, double[] precisions, double brevityPenalty, long sysLen, long refLen, long[] correct, long[] total) {}

    /** Corpus BLEU of {@code hypotheses} against one or more reference streams (each as long as the hypotheses). */
    public static Score corpus(List<String> hypotheses, List<List<String>> referenceStreams) {
        if (referenceStreams.isEmpty()) throw new IllegalArgumentException("need at least one reference stream");
        for (List<String> r : referenceStreams) {
            if (r.size() != hypotheses.size()) {
                throw new IllegalArgumentException("a reference stream has " + r.size() + " lines for " + hypotheses.size() + " hypotheses");
            }
        }
        long[] correct = new long[ORDER], total = new long[ORDER];
        long sysLen = 0, refLen = 0;
        for (int i = 0; i < hypotheses.size(); i++) {
            String[] out = tokens(hypotheses.get(i));
            Map<String, Integer> maxRef = new HashMap<>();
            int closestDiff = -1, closestLen = 0, refs = 0;
            for (List<String> stream : referenceStreams) {
                String ref = stream.get(i);
                if (ref == null || ref.isEmpty()) continue;
                refs++;
                String[] r = tokens(ref);
                int diff = Math.abs(out.length - r.length);
                if (closestDiff < 0 || diff < closestDiff || (diff == closestDiff && r.length < closestLen)) {
                    closestDiff = diff;
                    closestLen = r.length;
                }
                ngrams(r).forEach((g, c) -> maxRef.merge(g, c, Math::max));
            }
            if (refs == 0) throw new IllegalArgumentException("line " + (i + 1) + " has no non-empty reference");
            sysLen += out.length;
            refLen += closestLen;
            for (var e : ngrams(out).entrySet()) {
                int n = order(e.getKey());
                correct[n - 1] += Math.min(e.getValue(), maxRef.getOrDefault(e.getKey(), 0));
                total[n - 1] += e.getValue();
            }
        }
        double[] precisions = new double[ORDER];
        double smooth = 1;
        for (int n = 0; n < ORDER; n++) {
            if (total[n] == 0) break;
            if (correct[n] == 0) {
                smooth *= 2;
                precisions[n] = 100.0 / (smooth * total[n]);
            } else {
                precisions[n] = 100.0 * correct[n] / total[n];
            }
        }
        double bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - (double) refLen / sysLen) : 0) : 1;
        double logSum = 0;
        for (double p : precisions) logSum += p == 0 ? -9999999999.0 : Math.log(p); // an empty order gives 0, as sacreBLEU
        return new Score(bp * Math.exp(logSum / ORDER), precisions, bp, sysLen, refLen, correct, total);
    }

    private static String[] tokens(String line) {
        String t = tokenise13a(Text.stripTrailing(line));
        return t.isEmpty() ? new String[0] : t.split(" ");
    }

    private static Map<String, Integer> ngrams(String[] t) {
        Map<String, Integer> out = new HashMap<>();
        for (int n = 1; n <= ORDER; n++) {
            for (int i = 0; i + n <= t.length; i++) out.merge(String.join(" ", java.util.Arrays.asList(t).subList(i, i + n)), 1, Integer::sum);
        }
        return out;
    }

    private static int order(String ngram) {
        int n = 1;
        for (int i = 0; i < ngram.length(); i++) if (ngram.charAt(i) == ' ') n++;
        return n;
    }
}
