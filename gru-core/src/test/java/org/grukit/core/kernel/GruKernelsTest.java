package org.grukit.core.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.grukit.core.Rng;
import org.junit.jupiter.api.Test;

/** The vector gate kernels against the plain ones, forward and backward, with a hidden size leaving a tail. */
class GruKernelsTest {
    private static final int B = 5, H = 37, G3 = 3 * H; // 37: not a multiple of any vector length

    private static float[] random(Rng rng, int n, float scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rng.uniform(-scale, scale);
        return x;
    }

    private static void assertClose(String what, float[] a, float[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
        assertTrue(worst <= 1e-6, what + ": max |diff| " + worst);
    }

    @Test
    void vectorMatchesScalar() {
        GruGates vector = new VectorGruKernels(), scalar = new ScalarGruKernels();
        Rng rng = new Rng(9);
        float[] gi = random(rng, B * G3, 4f), gh = random(rng, B * G3, 4f), hPrev = random(rng, B * H, 1f);
        float[] ghn = random(rng, B * H, 2f), dh = random(rng, B * H, 1f);
        int[] lengths = {3, 1, 2, 3, 0}; // rows 1 and 4 are past their length at t = 2
        int t = 2, row0 = 0;

        float[] h1 = new float[B * H], h2 = new float[B * H], s1 = new float[B * 4 * H], s2 = new float[B * 4 * H];
        vector.forwardResetAfter(h1, 0, s1, 0, gi, 0, gh, 0, hPrev, 0, lengths, row0, t, B, H);
        scalar.forwardResetAfter(h2, 0, s2, 0, gi, 0, gh, 0, hPrev, 0, lengths, row0, t, B, H);
        assertClose("forward reset-after h", h2, h1);
        assertClose("forward reset-after saved", s2, s1);

        float[] dgi1 = new float[B * G3], dgi2 = new float[B * G3], dgh1 = new float[B * G3], dgh2 = new float[B * G3];
        float[] dp1 = new float[B * H], dp2 = new float[B * H];
        vector.backwardResetAfter(dgi1, 0, dgh1, 0, dp1, 0, dh, 0, s2, 0, hPrev, 0, lengths, row0, t, B, H);
        scalar.backwardResetAfter(dgi2, 0, dgh2, 0, dp2, 0, dh, 0, s2, 0, hPrev, 0, lengths, row0, t, B, H);
        assertClose("backward reset-after dgi", dgi2, dgi1);
        assertClose("backward reset-after dgh", dgh2, dgh1);
        assertClose("backward reset-after dhPrev", dp2, dp1);

        float[] rh1 = new float[B * H], rh2 = new float[B * H];
        s1 = new float[B * 4 * H];
        s2 = new float[B * 4 * H];
        vector.forwardResetBeforeGates(rh1, 0, s1, 0, gi, 0, gh, 0, hPrev, 0, lengths, row0, t, B, H);
        scalar.forwardResetBeforeGates(rh2, 0, s2, 0, gi, 0, gh, 0, hPrev, 0, lengths, row0, t, B, H);
        assertClose("forward reset-before r*h", rh2, rh1);
        vector.forwardResetBeforeFinish(h1, 0, s1, 0, gi, 0, gh, 0, ghn, 0, hPrev, 0, lengths, row0, t, B, H);
        scalar.forwardResetBeforeFinish(h2, 0, s2, 0, gi, 0, gh, 0, ghn, 0, hPrev, 0, lengths, row0, t, B, H);
        assertClose("forward reset-before h", h2, h1);
        assertClose("forward reset-before saved", s2, s1);
    }

    @Test
    void vectorMathIsAccurateOverTheWholeRange() {
        int n = 5401; // not a multiple of the vector length: the scalar tail runs too
        float[] in = new float[n], zero = new float[n], sig = new float[n], th = new float[n];
        for (int i = 0; i < n; i++) in[i] = -100f + 0.037f * i;
        VectorMath.sigmoidOfSum(sig, 0, in, 0, zero, 0, n);
        VectorMath.tanhOfGated(th, 0, in, 0, null, 0, zero, 0, n);
        double worstSig = 0, worstTail = 0, worstTanh = 0;
        for (int i = 0; i < n; i++) {
            double x = in[i], s = 1 / (1 + Math.exp(-x));
            worstSig = Math.max(worstSig, Math.abs(sig[i] - s));
            // Far left, sigmoid(x) is e^x: the relative error there is exp's.
            if (x < -10 && x > -87) worstTail = Math.max(worstTail, Math.abs(sig[i] - s) / s);
            worstTanh = Math.max(worstTanh, Math.abs(th[i] - Math.tanh(x)));
        }
        assertTrue(worstSig < 2e-7, "sigmoid absolute error " + worstSig);
        assertTrue(worstTail < 5e-7, "exp relative error (sigmoid far left) " + worstTail);
        assertTrue(worstTanh < 2e-7, "tanh absolute error " + worstTanh);
    }

    /**
     * Relative error over magnitudes from 1e-30 to 80, both signs: tanh(y) ~ y near 0 must keep its relative
     * accuracy (the (1 - e) / (1 + e) form lost 3e-5 at 1e-3 and 1% at 1e-6), and so must sigmoid and, through
     * sigmoid's far left, exp. Bounds in units of float's epsilon (2^-23), against double-precision Math.
     */
    @Test
    void vectorMathKeepsRelativeAccuracyOverAWideRange() {
        int perSign = 3000;
        int n = 2 * perSign + 1;
        float[] in = new float[n], zero = new float[n], sig = new float[n], th = new float[n];
        for (int i = 0; i < perSign; i++) {
            float mag = (float) Math.pow(10, -30 + (Math.log10(80) + 30) * i / (perSign - 1));
            in[2 * i] = mag;
            in[2 * i + 1] = -mag;
        }
        VectorMath.sigmoidOfSum(sig, 0, in, 0, zero, 0, n);
        VectorMath.tanhOfGated(th, 0, in, 0, null, 0, zero, 0, n);
        double eps = Math.ulp(1f), worstTanh = 0, worstSig = 0, atTanh = 0;
        for (int i = 0; i < n; i++) {
            double x = in[i], t = Math.tanh(x), s = 1 / (1 + Math.exp(-x));
            double rt = t == 0 ? Math.abs(th[i]) : Math.abs(th[i] - t) / Math.abs(t);
            if (rt > worstTanh) {
                worstTanh = rt;
                atTanh = x;
            }
            if (x > -87) worstSig = Math.max(worstSig, Math.abs(sig[i] - s) / s);
        }
        System.out.printf("vector math relative error: tanh %.2f eps (at %.3g), sigmoid %.2f eps%n", worstTanh / eps,
                atTanh, worstSig / eps);
        assertTrue(worstTanh <= 4 * eps, "tanh relative error " + worstTanh / eps + " eps at " + atTanh);
        assertTrue(worstSig <= 4 * eps, "sigmoid relative error " + worstSig / eps + " eps");
    }
}
