package org.grukit.nlp.speech;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Decoding of CTC outputs: greedy (the best class per frame, repeats merged, blanks dropped) and prefix beam search
 * (Hannun et al. 2014), which sums over all frame alignments of each output prefix, keeping blank-ending and
 * label-ending probabilities apart, optionally with a word-level score (a word list or an n-gram language model)
 * added as alpha * log P(word | history) + beta each time a word is completed. Works on one utterance's
 * log-probabilities, frames x classes, row-major.
 */
public final class CtcDecoder {
    private CtcDecoder() {}

    /** The separator of {@link BeamOptions#withWords} when every label is a word of its own (word outputs). */
    public static final int EVERY_LABEL = -2;

    /** A score for a completed word given the words before it, as a natural-log probability. */
    public interface WordScorer {
        double score(List<String> history, String word);
    }

    /**
     * Beam search settings.
     *
     * @param blank          the blank class
     * @param beamWidth      prefixes kept per frame
     * @param nBest          results returned
     * @param classCutoff    classes tried per frame, the most likely first (the rest are too unlikely to matter)
     * @param separator      the class that ends a word (a space), {@link #EVERY_LABEL} when each label is a word, or -1
     * @param spell          the text of each class, for words given to the scorer; may be null without a scorer
     * @param scorer         word scores, or null
     * @param alpha          weight of the word score
     * @param beta           bonus per completed word (against the scorer's preference for fewer words)
     */
    public record BeamOptions(int blank, int beamWidth, int nBest, int classCutoff, int separator, IntFunction<String> spell,
                              WordScorer scorer, double alpha, double beta) {
        public BeamOptions {
            if (beamWidth <= 0 || nBest <= 0 || nBest > beamWidth) {
                throw new IllegalArgumentException("need beamWidth > 0 and nBest in [1, beamWidth], got " + beamWidth + ", " + nBest);
            }
            if (classCutoff <= 0) throw new IllegalArgumentException("classCutoff must be > 0, got " + classCutoff);
            if (scorer != null && spell == null) throw new IllegalArgumentException("a word scorer needs the spelling of the classes");
        }

        /** Beam {@code width}, no word scores. */
        public static BeamOptions of(int blank, int width) {
            return new BeamOptions(blank, width, 1, 40, -1, null, null, 0, 0);
        }

        public BeamOptions withNBest(int n) {
            return new BeamOptions(blank, beamWidth, n, classCutoff, separator, spell, scorer, alpha, beta);
        }

        public BeamOptions withWords(int separatorClass, IntFunction<String> spelling, WordScorer s, double a, double b) {
            return new BeamOptions(blank, beamWidth, nBest, classCutoff, separatorClass, spelling, s, a, b);
        }
    }

    /** A decoded label sequence and its score: log P(labels | audio), plus the word scores when a scorer is used. */
    public record Result(int[] labels, double score) {}

    /** The best class per frame, repeats merged and blanks removed. */
    public static int[] greedy(float[] logProbs, int offset, int frames, int classes, int blank) {
        int[] out = new int[frames];
        int len = 0, prev = -1;
        for (int t = 0; t < frames; t++) {
            int row = offset + t * classes, best = 0;
            for (int c = 1; c < classes; c++) if (logProbs[row + c] > logProbs[row + best]) best = c;
            if (best != blank && best != prev) out[len++] = best;
            prev = best;
        }
        return java.util.Arrays.copyOf(out, len);
    }

    private static final double NEG_INF = Double.NEGATIVE_INFINITY;

    private static double lse(double a, double b) {
        return org.grukit.core.nn.Ctc.logAddExp(a, b);
    }

    /** One prefix: probabilities of its alignments ending in a blank and in its last label, and its word score. */
    private static final class Prefix {
        final int[] labels;
        double blank = NEG_INF, label = NEG_INF;
        double words; // the word scores added so far (alpha * log P + beta per word)

        Prefix(int[] labels, double words) {
            this.labels = labels;
            this.words = words;
        }

        double total() {
            return lse(blank, label) + words;
        }

        int last() {
            return labels.length == 0 ? -1 : labels[labels.length - 1];
        }
    }

    /** Prefix beam search; results best first. */
    public static List<Result> beamSearch(float[] logProbs, int offset, int frames, int classes, BeamOptions o) {
        Map<String, Prefix> beams = new HashMap<>();
        Prefix empty = new Prefix(new int[0], 0);
        empty.blank = 0;
        beams.put(key(empty.labels), empty);
        Integer[] order = new Integer[classes];
        for (int t = 0; t < frames; t++) {
            int row = offset + t * classes;
            for (int c = 0; c < classes; c++) order[c] = c;
            java.util.Arrays.sort(order, (a, b) -> Float.compare(logProbs[row + b], logProbs[row + a]));
            Map<String, Prefix> next = new HashMap<>();
            for (Prefix p : beams.values()) {
                double both = lse(p.blank, p.label);
                // The prefix unchanged: a blank, or its last label repeated (merged).
                Prefix same = next.computeIfAbsent(key(p.labels), k -> new Prefix(p.labels, p.words));
                same.blank = lse(same.blank, both + logProbs[row + o.blank()]);
                if (p.last() >= 0) same.label = lse(same.label, p.label + logProbs[row + p.last()]);
                for (int r = 0; r < Math.min(o.classCutoff(), classes); r++) {
                    int c = order[r];
                    if (c == o.blank()) continue;
                    double lp = logProbs[row + c];
                    int[] longer = java.util.Arrays.copyOf(p.labels, p.labels.length + 1);
                    longer[p.labels.length] = c;
                    // A repeat of the last label extends the prefix only after a blank.
                    double from = c == p.last() ? p.blank : both;
                    Prefix ext = next.get(key(longer));
                    if (ext == null) {
                        double words = p.words;
                        if (o.scorer() != null && c == o.separator()) words += wordScore(p.labels, o);
                        if (o.scorer() != null && o.separator() == EVERY_LABEL) words += labelScore(p.labels, c, o);
                        ext = new Prefix(longer, words);
                        next.put(key(longer), ext);
                    }
                    ext.label = lse(ext.label, from + lp);
                }
            }
            List<Prefix> kept = new ArrayList<>(next.values());
            kept.sort(Comparator.comparingDouble(Prefix::total).reversed());
            beams = new HashMap<>();
            for (Prefix p : kept.subList(0, Math.min(o.beamWidth(), kept.size()))) beams.put(key(p.labels), p);
        }
        List<Result> results = new ArrayList<>();
        for (Prefix p : beams.values()) {
            double score = p.total();
            // The last word, if not closed by a separator, is scored at the end of the utterance.
            if (o.scorer() != null && o.separator() != EVERY_LABEL && p.last() != o.separator() && p.labels.length > 0) score += wordScore(p.labels, o);
            results.add(new Result(p.labels, score));
        }
        results.sort(Comparator.comparingDouble(Result::score).reversed());
        return new ArrayList<>(results.subList(0, Math.min(o.nBest(), results.size())));
    }

    /** alpha * log P(the word that {@code labels} end with | the words before it) + beta; 0 when they end without one. */
    private static double wordScore(int[] labels, BeamOptions o) {
        int end = labels.length, begin = end;
        while (begin > 0 && labels[begin - 1] != o.separator()) begin--;
        if (begin == end) return 0;
        StringBuilder w = new StringBuilder();
        for (int i = begin; i < end; i++) w.append(o.spell().apply(labels[i]));
        List<String> history = new ArrayList<>();
        StringBuilder h = new StringBuilder();
        for (int i = 0; i < begin; i++) {
            if (labels[i] == o.separator()) {
                if (h.length() > 0) history.add(h.toString());
                h.setLength(0);
            } else {
                h.append(o.spell().apply(labels[i]));
            }
        }
        return o.alpha() * o.scorer().score(history, w.toString()) + o.beta();
    }

    /** alpha * log P(the word of label c | the words of the labels before it) + beta, for word outputs. */
    private static double labelScore(int[] labels, int c, BeamOptions o) {
        List<String> history = new ArrayList<>(labels.length);
        for (int l : labels) history.add(o.spell().apply(l));
        return o.alpha() * o.scorer().score(history, o.spell().apply(c)) + o.beta();
    }

    private static String key(int[] labels) {
        char[] k = new char[labels.length];
        for (int i = 0; i < labels.length; i++) k[i] = (char) labels[i];
        return new String(k);
    }

    /** A word list as a scorer: known words cost nothing, others {@code unknownLogProb} (e.g. log 1e-4). */
    public static WordScorer wordList(java.util.Set<String> words, double unknownLogProb) {
        return (history, word) -> words.contains(word) ? 0 : unknownLogProb;
    }
}
