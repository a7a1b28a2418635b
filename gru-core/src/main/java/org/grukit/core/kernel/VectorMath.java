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

    /** sign(x) (1 - e^-2|x|) / (1 + e^-2|x|): no overflow for any x. */
    static FloatVector tanh(FloatVector x) {
        FloatVector e = exp(x.abs().mul(-2f));
        FloatVector t = ONE.sub(e).div(e.add(1f));
        return t.blend(t.neg(), x.lt(0f));
    }
}
