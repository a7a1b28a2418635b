package org.grukit.speech;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.grukit.core.Fixtures;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Resampling, deltas and sliding CMVN against torchaudio; CMVN and SpecAugment by their definitions. */
class FeatureOpsTest {

    @ParameterizedTest
    @ValueSource(ints = {16000, 44100})
    void resamplingMatchesTorchaudio(int rate) {
        Map<String, Tensor> f = Fixtures.load("kaldi_chirp_" + rate);
        float[] x = f.get("samples").toArray();
        for (int target : new int[] {8000, 22050}) {
            float[] expected = f.get("resampled_" + target).toArray();
            float[] actual = new Resampler(rate, target).apply(x);
            assertEquals(expected.length, actual.length, rate + " -> " + target + " length");
            double worst = 0;
            for (int i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
            System.out.printf("parity resample %d -> %d max |diff| %.2e%n", rate, target, worst);
            assertTrue(worst <= 1e-3, rate + " -> " + target + ": max |diff| " + worst);
        }
    }

    @Test
    void deltasMatchTorchaudio() {
        Map<String, Tensor> f = Fixtures.load("kaldi_chirp_16000");
        Tensor mfcc = f.get("mfcc"), expected = f.get("deltas");
        float[][] c = new float[mfcc.dim(0)][mfcc.dim(1)];
        for (int t = 0; t < c.length; t++) for (int j = 0; j < c[t].length; j++) c[t][j] = mfcc.get(t, j);
        float[][] d = FeatureOps.deltas(c, 5);
        for (int t = 0; t < c.length; t++) {
            for (int j = 0; j < c[t].length; j++) assertEquals(expected.get(t, j), d[t][j], 1e-4f, "frame " + t + " coefficient " + j);
        }
        float[][] all = FeatureOps.withDeltas(c, 5);
        assertEquals(3 * c[0].length, all[0].length);
        assertArrayEquals(d[7], java.util.Arrays.copyOfRange(all[7], c[0].length, 2 * c[0].length));
    }

    @Test
    void slidingCmvnMatchesTorchaudio() {
        Map<String, Tensor> f = Fixtures.load("kaldi_chirp_16000");
        float[][] c = rows(f.get("mfcc"));
        double worst = 0;
        for (boolean center : new boolean[] {false, true}) {
            for (boolean normVars : new boolean[] {false, true}) {
                String name = "sliding_" + (center ? "center" : "left") + "_" + (normVars ? "mv" : "m");
                worst = Math.max(worst, maxDiff(rows(f.get(name)), FeatureOps.slidingCmvn(c, 30, 10, center, normVars), name));
            }
        }
        worst = Math.max(worst, maxDiff(rows(f.get("sliding_default")), FeatureOps.slidingCmvn(c, 600, 100, false, false), "default"));
        System.out.printf("parity sliding cmvn max |diff| %.2e%n", worst);
        assertEquals(0, FeatureOps.slidingCmvn(new float[0][], 600, 100, false, true).length);
    }

    private static float[][] rows(Tensor t) {
        float[][] r = new float[t.dim(0)][t.dim(1)];
        for (int i = 0; i < r.length; i++) for (int j = 0; j < r[i].length; j++) r[i][j] = t.get(i, j);
        return r;
    }

    private static double maxDiff(float[][] expected, float[][] actual, String what) {
        assertEquals(expected.length, actual.length, what + " frames");
        double worst = 0;
        for (int t = 0; t < expected.length; t++) {
            for (int j = 0; j < expected[t].length; j++) {
                assertEquals(expected[t][j], actual[t][j], 1e-4f * Math.max(1, Math.abs(expected[t][j])), what + " frame " + t + " coefficient " + j);
                worst = Math.max(worst, Math.abs(expected[t][j] - actual[t][j]));
            }
        }
        return worst;
    }

    @Test
    void cmvnAndSpecAugment() {
        Rng rng = new Rng(1);
        float[][] c = new float[50][4];
        for (float[] frame : c) for (int j = 0; j < 4; j++) frame[j] = (float) (3 * j + (j + 1) * rng.normal());
        float[][] n = FeatureOps.cmvn(c, true);
        for (int j = 0; j < 4; j++) {
            double mean = 0, sq = 0;
            for (float[] frame : n) {
                mean += frame[j];
                sq += frame[j] * frame[j];
            }
            assertEquals(0, mean / 50, 1e-5);
            assertEquals(1, sq / 50, 1e-4);
        }
        float[][] a = FeatureOps.specAugment(c, 2, 2, 2, 10, new Rng(9));
        float[][] b = FeatureOps.specAugment(c, 2, 2, 2, 10, new Rng(9));
        for (int t = 0; t < c.length; t++) assertArrayEquals(a[t], b[t], "seeded: the same masks");
        int zeroed = 0;
        for (float[] frame : a) for (float v : frame) if (v == 0f) zeroed++;
        assertTrue(zeroed > 0 && zeroed <= 2 * 2 * 50 + 2 * 10 * 4, "masked values: " + zeroed);
        assertTrue(c[0][0] != 0f || c[1][0] != 0f, "the input is left unchanged");
    }
}
