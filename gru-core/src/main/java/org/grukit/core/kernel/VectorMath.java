package org.grukit.core.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, sigmoid and tanh on float vectors built from IEEE basic operations only (multiply, add, fused
 * multiply-add, bit reinterpretation). The Vector API's own EXP and TANH are faster intrinsics once
 * compiled, but before compilation they fall back to Math per lane, so the same call can round
 * differently early and late in a run; these give identical bits either way, which keeps seeded runs
 * reproducible. exp uses Cephes' expf: range reduction by ln 2 and a degree-6 polynomial, about 1 ulp.
 */
final class VectorMath {
    private VectorMath() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float MAGIC = 12582912f; // 1.5 * 2^23: adding it rounds to an integer in the low bits
    private static final int MAGIC_BITS = 0x4B400000;
    private static final float MAX_X = 88.3762626647949f;
    private static final float MIN_X = -87.3365447504019f;
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

    static FloatVector exp(FloatVector x) {
        x = x.max(MIN_X).min(MAX_X);
        FloatVector t = x.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, MAGIC));
        FloatVector n = t.sub(MAGIC);
        IntVector ni = t.reinterpretAsInts().sub(MAGIC_BITS);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), x);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = FloatVector.broadcast(S, 1.9875691500E-4f);
        p = p.fma(r, FloatVector.broadcast(S, 1.3981999507E-3f));
        p = p.fma(r, FloatVector.broadcast(S, 8.3334519073E-3f));
        p = p.fma(r, FloatVector.broadcast(S, 4.1665795894E-2f));
        p = p.fma(r, FloatVector.broadcast(S, 1.6666665459E-1f));
        p = p.fma(r, FloatVector.broadcast(S, 5.0000001201E-1f));
        p = p.fma(r.mul(r), r).add(1f);
        FloatVector scale = ni.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(scale);
    }

    /** 1 / (1 + e^-x). */
    static FloatVector sigmoid(FloatVector x) {
        return ONE.div(exp(x.neg()).add(1f));
    }

    /**
     * sign(x) (1 - e^-2|x|) / (1 + e^-2|x|): no overflow for any x. The sign is copied bitwise: a masked
     * blend is not intrinsified everywhere and would fall back to a per-lane loop.
     */
    static FloatVector tanh(FloatVector x) {
        FloatVector e = exp(x.abs().mul(-2f));
        FloatVector t = ONE.sub(e).div(e.add(1f));
        return t.reinterpretAsInts().or(x.reinterpretAsInts().and(0x80000000)).reinterpretAsFloats();
    }

    // The passes below keep each loop body small. A loop holding several exps exceeds C2's inlining
    // budget; the Vector API calls it cannot inline then box their vectors and run per lane, ten
    // times slower. One exp per loop stays within it.

    /** dst[i] = sigmoid(a[i] + b[i]) for i in [0, n). */
    static void sigmoidOfSum(float[] dst, int dOff, float[] a, int aOff, float[] b, int bOff, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            sigmoid(FloatVector.fromArray(S, a, aOff + i).add(FloatVector.fromArray(S, b, bOff + i))).intoArray(dst, dOff + i);
        }
        for (; i < n; i++) dst[dOff + i] = Activations.sigmoid(a[aOff + i] + b[bOff + i]);
    }

    /** dst[i] = tanh(a[i] + r[i] * g[i]) for i in [0, n); r may be null (then dst = tanh(a + g)). */
    static void tanhOfGated(float[] dst, int dOff, float[] a, int aOff, float[] r, int rOff, float[] g, int gOff, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector gv = FloatVector.fromArray(S, g, gOff + i);
            if (r != null) gv = gv.mul(FloatVector.fromArray(S, r, rOff + i));
            tanh(FloatVector.fromArray(S, a, aOff + i).add(gv)).intoArray(dst, dOff + i);
        }
        for (; i < n; i++) {
            dst[dOff + i] = Activations.tanh(a[aOff + i] + (r == null ? g[gOff + i] : r[rOff + i] * g[gOff + i]));
        }
    }

    /** h[i] = (1 - z[i]) * n[i] + z[i] * hPrev[i] for i in [0, len). */
    static void update(float[] h, int hOff, float[] z, int zOff, float[] nv, int nOff, float[] hPrev, int pOff, int len) {
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += S.length()) {
            FloatVector zv = FloatVector.fromArray(S, z, zOff + i);
            ONE.sub(zv).mul(FloatVector.fromArray(S, nv, nOff + i)).add(zv.mul(FloatVector.fromArray(S, hPrev, pOff + i)))
                    .intoArray(h, hOff + i);
        }
        for (; i < len; i++) h[hOff + i] = (1f - z[zOff + i]) * nv[nOff + i] + z[zOff + i] * hPrev[pOff + i];
    }

    /** dst[i] = a[i] * b[i]. */
    static void product(float[] dst, int dOff, float[] a, int aOff, float[] b, int bOff, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector.fromArray(S, a, aOff + i).mul(FloatVector.fromArray(S, b, bOff + i)).intoArray(dst, dOff + i);
        }
        for (; i < n; i++) dst[dOff + i] = a[aOff + i] * b[bOff + i];
    }
}
