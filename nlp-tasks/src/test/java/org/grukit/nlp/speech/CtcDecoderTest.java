package org.grukit.nlp.speech;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.nn.Ctc;
import org.grukit.core.nn.Reduction;
import org.junit.jupiter.api.Test;

/** CTC decoding: greedy merging, and prefix beam search against exhaustive search scored by the CTC loss. */
class CtcDecoderTest {
    @Test
    void greedyMergesRepeatsAndDropsBlanks() {
        // Frames' best classes: 1 1 0 1 2 2 0 0 2 -> labels 1 1 2 2.
        int[] best = {1, 1, 0, 1, 2, 2, 0, 0, 2};
        float[] lp = new float[best.length * 3];
        java.util.Arrays.fill(lp, -5f);
        for (int t = 0; t < best.length; t++) lp[t * 3 + best[t]] = -0.1f;
        assertArrayEquals(new int[] {1, 1, 2, 2}, CtcDecoder.greedy(lp, 0, best.length, 3, 0));
    }

    /** log P(labels | frames) by the CTC forward algorithm (the loss of Ctc, independently tested against PyTorch). */
    private static double logLik(Tensor lp, int[] labels) {
        int frames = lp.dim(0), c = lp.dim(1);
        return -Ctc.loss(Ops.reshape(lp, frames, 1, c), labels, new int[] {frames}, new int[] {labels.length},
                Ctc.Options.defaults().withReduction(Reduction.SUM)).item(); // impossible labellings: -infinity
    }

    @Test
    void wideBeamFindsTheMostLikelyLabellingWithItsTrueProbability() {
        for (long seed = 1; seed <= 5; seed++) {
            Rng rng = new Rng(seed);
            int frames = 6, classes = 3;
            Tensor lp = Ops.logSoftmax(Ops.mulScalar(Tensor.randn(rng, frames, classes), 1.5f), -1);
            List<int[]> all = new ArrayList<>();
            enumerate(new int[0], classes, frames, all);
            int[] best = null;
            double bestLl = Double.NEGATIVE_INFINITY;
            for (int[] l : all) {
                double ll = logLik(lp, l);
                if (ll > bestLl) {
                    bestLl = ll;
                    best = l;
                }
            }
            List<CtcDecoder.Result> r = CtcDecoder.beamSearch(lp.toArray(), 0, frames, classes, CtcDecoder.BeamOptions.of(0, 200).withNBest(3));
            assertArrayEquals(best, r.get(0).labels(), "seed " + seed);
            assertEquals(bestLl, r.get(0).score(), 1e-4, "the beam's score is log P(labels)");
            for (CtcDecoder.Result x : r) assertEquals(logLik(lp, x.labels()), x.score(), 1e-4, "every n-best score is true");
        }
    }

    private static void enumerate(int[] prefix, int classes, int max, List<int[]> out) {
        out.add(prefix);
        if (prefix.length == max) return;
        for (int c = 1; c < classes; c++) {
            int[] next = java.util.Arrays.copyOf(prefix, prefix.length + 1);
            next[prefix.length] = c;
            enumerate(next, classes, max, out);
        }
    }

    @Test
    void aWordListTipsAnAmbiguousLetterTowardsAKnownWord() {
        // Classes: 0 blank, 1 space, 2 'a', 3 'b', 4 'c'. Frames spell "ab" then "c" or "b" almost evenly: "ab" + ?.
        String[] spell = {"", " ", "a", "b", "c"};
        float[][] frames = {
            {-3f, -5f, -0.1f, -5f, -5f},      // a
            {-3f, -5f, -5f, -0.1f, -5f},      // b
            {-0.1f, -5f, -5f, -5f, -5f},      // blank
            {-3f, -5f, -5f, -0.75f, -0.70f},  // c slightly above b
        };
        float[] lp = new float[frames.length * 5];
        for (int t = 0; t < frames.length; t++) System.arraycopy(frames[t], 0, lp, t * 5, 5);
        CtcDecoder.BeamOptions plain = CtcDecoder.BeamOptions.of(0, 16);
        assertArrayEquals(new int[] {2, 3, 4}, CtcDecoder.beamSearch(lp, 0, 4, 5, plain).get(0).labels(), "acoustics alone: abc");
        CtcDecoder.BeamOptions words = plain.withWords(1, i -> spell[i], CtcDecoder.wordList(Set.of("abb"), Math.log(1e-3)), 1.0, 0.0);
        assertArrayEquals(new int[] {2, 3, 3}, CtcDecoder.beamSearch(lp, 0, 4, 5, words).get(0).labels(), "with the word list: abb");
        assertTrue(CtcDecoder.beamSearch(lp, 0, 4, 5, words).get(0).score() < 0);
    }
}
