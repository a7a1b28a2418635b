package org.grukit.core.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sigmoid and tanh over float arrays on the Vector API, with exp built from IEEE basic operations only
 * (multiply, add, fused multiply-add, bit reinterpretation): Cephes' expf, range reduction by ln 2 and a
 * degree-6 polynomial, within a few ulp. tanh is formed from expm1, not exp: (1 - e^-2y) / (1 + e^-2y)
 * cancels near 0 (a relative error of 3e-5 at 1e-3 and 1% at 1e-6), -expm1(-2y) / (2 + expm1(-2y)) does not. The Vector API's own EXP and TANH are faster intrinsics once compiled
 * but fall back to Math per lane before that, so the same call could round differently early and late in
 * a run; these give identical bits either way, which keeps seeded runs reproducible.
 *
 * <p>No method here takes or returns a vector. The JDK's vector methods are force-inlined, but a helper of
 * ours is inlined only while C2 finds it small enough; once C2 compiles such a helper on its own (which
 * depends on what ran before), callers stop inlining it, its vectors are boxed and every operation runs
 * per lane, ten times slower and allocating. So the arithmetic stays inside the loops that use it.
 */
final class VectorMath {
    private VectorMath() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float MAGIC = 12582912f; // 1.5 * 2^23: adding it rounds to an integer in the low bits
    private static final int MAGIC_BITS = 0x4B400000;
    private static final float MAX_X = 88.3762626647949f;
    private static final float MIN_X = -87.3365447504019f;

    /** dst[i] = sigmoid(a[i] + b[i]) for i in [0, n); b may be null (then dst = sigmoid(a)). */
    static void sigmoidOfSum(float[] dst, int dOff, float[] a, int aOff, float[] b, int bOff, int n) {
        activate(false, dst, dOff, a, aOff, null, 0, b, bOff, n);
    }

    /**
     * dst[i] = tanh(a[i] + r[i] * g[i]) for i in [0, n); r may be null (then dst = tanh(a + g)), and g too (then
     * dst = tanh(a)).
     */
    static void tanhOfGated(float[] dst, int dOff, float[] a, int aOff, float[] r, int rOff, float[] g, int gOff, int n) {
        activate(true, dst, dOff, a, aOff, r, rOff, g, gOff, n);
    }

    /**
     * y = a + r * g (or a + g); dst = tanh(y) = sign(y) (-m) / (2 + m) with m = expm1(-2|y|), or
     * sigmoid(y) = 1 / (1 + exp(-y)). Both forms never overflow, and both keep their relative accuracy near 0.
     */
    private static void activate(boolean tanh, float[] dst, int dOff, float[] a, int aOff, float[] r, int rOff,
                                 float[] g, int gOff, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector y = FloatVector.fromArray(S, a, aOff + i);
            if (g != null) {
                FloatVector gv = FloatVector.fromArray(S, g, gOff + i);
                if (r != null) gv = gv.mul(FloatVector.fromArray(S, r, rOff + i));
                y = y.add(gv);
            }
            FloatVector x = tanh ? y.abs().mul(-2f) : y.neg();
            // exp(x) = 2^k (1 + r), with r = expm1(q) for the reduced argument q
            x = x.max(MIN_X).min(MAX_X);
            FloatVector t = x.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, MAGIC));
            FloatVector k = t.sub(MAGIC);
            IntVector ki = t.reinterpretAsInts().sub(MAGIC_BITS);
            FloatVector q = k.fma(FloatVector.broadcast(S, -LN2_HI), x);
            q = k.fma(FloatVector.broadcast(S, -LN2_LO), q);
            FloatVector p = FloatVector.broadcast(S, 1.9875691500E-4f);
            p = p.fma(q, FloatVector.broadcast(S, 1.3981999507E-3f));
            p = p.fma(q, FloatVector.broadcast(S, 8.3334519073E-3f));
            p = p.fma(q, FloatVector.broadcast(S, 4.1665795894E-2f));
            p = p.fma(q, FloatVector.broadcast(S, 1.6666665459E-1f));
            p = p.fma(q, FloatVector.broadcast(S, 5.0000001201E-1f));
            FloatVector r1 = p.fma(q.mul(q), q);
            FloatVector pow2k = ki.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector out;
            if (tanh) {
                // expm1(x) = 2^k r + (2^k - 1): exact r when k = 0 (|x| < ~0.35), no cancellation otherwise.
                FloatVector m = pow2k.fma(r1, pow2k.sub(1f));
                FloatVector mag = m.neg().div(m.add(2f));
                // The sign copied bitwise: a masked blend is not intrinsified everywhere.
                out = mag.reinterpretAsInts().or(y.reinterpretAsInts().and(0x80000000)).reinterpretAsFloats();
            } else {
                out = one.div(pow2k.fma(r1, pow2k).add(1f));
            }
            out.intoArray(dst, dOff + i);
        }
        for (; i < n; i++) {
            float y = g == null ? a[aOff + i] : a[aOff + i] + (r == null ? g[gOff + i] : r[rOff + i] * g[gOff + i]);
            dst[dOff + i] = tanh ? Activations.tanh(y) : Activations.sigmoid(y);
        }
    }

    /** h[i] = (1 - z[i]) * n[i] + z[i] * hPrev[i] for i in [0, len). */
    static void update(float[] h, int hOff, float[] z, int zOff, float[] nv, int nOff, float[] hPrev, int pOff, int len) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) {
            FloatVector zv = FloatVector.fromArray(S, z, zOff + i);
            one.sub(zv).mul(FloatVector.fromArray(S, nv, nOff + i)).add(zv.mul(FloatVector.fromArray(S, hPrev, pOff + i)))
                    .intoArray(h, hOff + i);
        }
        for (; i < len; i++) h[hOff + i] = (1f - z[zOff + i]) * nv[nOff + i] + z[zOff + i] * hPrev[pOff + i];
    }

    /** dst[i] = a[i] * b[i]. */
    static void product(float[] dst, int dOff, float[] a, int aOff, float[] b, int bOff, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, a, aOff + i).mul(FloatVector.fromArray(S, b, bOff + i)).intoArray(dst, dOff + i);
        }
        for (; i < n; i++) dst[dOff + i] = a[aOff + i] * b[bOff + i];
    }
}
