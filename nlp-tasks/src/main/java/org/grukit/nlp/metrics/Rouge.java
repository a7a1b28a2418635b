package org.grukit.nlp.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ROUGE-1, ROUGE-2 and ROUGE-L as Google's rouge-score computes them (Lin 2004): text lower-cased, every run of
 * characters other than a-z and 0-9 made a space, split, and with stemming every token longer than three letters
 * Porter-stemmed (NLTK's default mode, {@link PorterStemmer}). ROUGE-N counts clipped n-gram overlaps; ROUGE-L is
 * the longest common subsequence of the two token lists (sentence level, rouge-score's "rougeL", not "rougeLsum").
 * Each gives precision, recall and F1. With several references the one with the best F1 counts, per metric, as
 * rouge-score's score_multi does; a corpus score is the mean of the per-summary scores.
 */
public final class Rouge {
    /** One metric of one summary. */
    public record Score(double precision, double recall, double f1) {
        static Score of(int overlap, int predicted, int reference) {
            double p = predicted == 0 ? 0 : (double) overlap / predicted, r = reference == 0 ? 0 : (double) overlap / reference;
            return new Score(p, r, p + r > 0 ? 2 * p * r / (p + r) : 0);
        }
    }

    /** The three metrics of one summary (or their corpus means). */
    public record Scores(Score rouge1, Score rouge2, Score rougeL) {}

    private final boolean stem;
    private final PorterStemmer stemmer = new PorterStemmer();

    /** With or without Porter stemming (rouge-score's use_stemmer). */
    public Rouge(boolean stem) {
        this.stem = stem;
    }

    /** rouge-score's tokenization. */
    public List<String> tokenize(String text) {
        String norm = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", " ");
        List<String> out = new ArrayList<>();
        for (String t : norm.split("\\s+")) {
            if (t.isEmpty()) continue;
            out.add(stem && t.length() > 3 ? stemmer.stem(t) : t);
        }
        return out;
    }

    /** The scores of {@code prediction} against one reference. */
    public Scores score(String reference, String prediction) {
        List<String> ref = tokenize(reference), pred = tokenize(prediction);
        return new Scores(ngrams(ref, pred, 1), ngrams(ref, pred, 2), Score.of(lcs(ref, pred), pred.size(), ref.size()));
    }

    /** Against several references: for each metric, the reference with the best F1. */
    public Scores score(List<String> references, String prediction) {
        if (references.isEmpty()) throw new IllegalArgumentException("need at least one reference");
        Score r1 = null, r2 = null, rl = null;
        for (String ref : references) {
            Scores s = score(ref, prediction);
            if (r1 == null || s.rouge1().f1() > r1.f1()) r1 = s.rouge1();
            if (r2 == null || s.rouge2().f1() > r2.f1()) r2 = s.rouge2();
            if (rl == null || s.rougeL().f1() > rl.f1()) rl = s.rougeL();
        }
        return new Scores(r1, r2, rl);
    }

    /** Mean scores over a corpus: references.get(i) are the references of predictions.get(i). */
    public Scores corpus(List<List<String>> references, List<String> predictions) {
        if (references.size() != predictions.size()) {
            throw new IllegalArgumentException("expected references for each prediction: " + references.size() + " reference lists, "
                    + predictions.size() + " predictions");
        }
        double[] sum = new double[9];
        for (int i = 0; i < predictions.size(); i++) {
            Scores s = score(references.get(i), predictions.get(i));
            Score[] all = {s.rouge1(), s.rouge2(), s.rougeL()};
            for (int k = 0; k < 3; k++) {
                sum[3 * k] += all[k].precision();
                sum[3 * k + 1] += all[k].recall();
                sum[3 * k + 2] += all[k].f1();
            }
        }
        int n = Math.max(1, predictions.size());
        return new Scores(new Score(sum[0] / n, sum[1] / n, sum[2] / n), new Score(sum[3] / n, sum[4] / n, sum[5] / n),
                new Score(sum[6] / n, sum[7] / n, sum[8] / n));
    }

    private static Score ngrams(List<String> ref, List<String> pred, int n) {
        Map<String, Integer> r = counts(ref, n), p = counts(pred, n);
        int overlap = 0;
        for (Map.Entry<String, Integer> e : p.entrySet()) overlap += Math.min(e.getValue(), r.getOrDefault(e.getKey(), 0));
        return Score.of(overlap, Math.max(0, pred.size() - n + 1), Math.max(0, ref.size() - n + 1));
    }

    private static Map<String, Integer> counts(List<String> tokens, int n) {
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) out.merge(String.join(" ", tokens.subList(i, i + n)), 1, Integer::sum);
        return out;
    }

    static int lcs(List<String> a, List<String> b) {
        int[] prev = new int[b.size() + 1], cur = new int[b.size() + 1];
        for (int i = 1; i <= a.size(); i++) {
            for (int j = 1; j <= b.size(); j++) {
                cur[j] = a.get(i - 1).equals(b.get(j - 1)) ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.size()];
    }
}
