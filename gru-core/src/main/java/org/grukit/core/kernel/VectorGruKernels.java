package org.grukit.core.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GRU gate kernels on the Vector API: sigmoid and tanh on whole vectors ({@link VectorMath}, tens of times
 * faster than Math.exp/tanh per element, and bit-reproducible), and the update arithmetic a vector of
 * hidden units at a time. Hidden sizes that are not a multiple of the vector length finish with the scalar code. The
 * reset-before backward, off the hot path, is inherited from the plain kernels.
 */
final class VectorGruKernels extends ScalarGruKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

    /** Per-thread row buffers for r, z, n when nothing is saved (inference). */
    private static final ThreadLocal<float[][]> ROW = ThreadLocal.withInitial(() -> new float[1][0]);

    private static float[] row(int size) {
        float[][] holder = ROW.get();
        if (holder[0].length < size) holder[0] = new float[size];
        return holder[0];
    }

    @Override
    public void forwardResetAfter(float[] h, int hOff, float[] saved, int sOff, float[] gi, int giOff, float[] gh,
                                  int ghOff, float[] hPrev, int hpOff, int[] lengths, int row0, int t, int batch,
                                  int hidden) {
        int g3 = 3 * hidden;
        float[] buf = saved != null ? saved : row(4 * hidden);
        for (int b = 0; b < batch; b++) {
            int hb = hOff + b * hidden, pb = hpOff + b * hidden;
            if (!active(lengths, row0 + b, t)) {
                System.arraycopy(hPrev, pb, h, hb, hidden);
                continue;
            }
            int ib = giOff + b * g3, gb = ghOff + b * g3, sb = saved != null ? sOff + b * 4 * hidden : 0;
            // r and z in one pass (their pre-activations are adjacent), then n, then h.
            VectorMath.sigmoidOfSum(buf, sb, gi, ib, gh, gb, 2 * hidden);
            VectorMath.tanhOfGated(buf, sb + 2 * hidden, gi, ib + 2 * hidden, buf, sb, gh, gb + 2 * hidden, hidden);
            VectorMath.update(h, hb, buf, sb + hidden, buf, sb + 2 * hidden, hPrev, pb, hidden);
            if (saved != null) System.arraycopy(gh, gb + 2 * hidden, saved, sb + 3 * hidden, hidden);
        }
    }

    @Override
    public void forwardResetBeforeGates(float[] rh, int rhOff, float[] saved, int sOff, float[] gi, int giOff,
                                        float[] gh, int ghOff, float[] hPrev, int hpOff, int[] lengths, int row0, int t,
                                        int batch, int hidden) {
        int g3 = 3 * hidden;
        float[] buf = saved != null ? saved : row(4 * hidden);
        for (int b = 0; b < batch; b++) {
            int pb = hpOff + b * hidden, rb = rhOff + b * hidden;
            if (!active(lengths, row0 + b, t)) {
                java.util.Arrays.fill(rh, rb, rb + hidden, 0f);
                continue;
            }
            int ib = giOff + b * g3, gb = ghOff + b * g3, sb = saved != null ? sOff + b * 4 * hidden : 0;
            VectorMath.sigmoidOfSum(buf, sb, gi, ib, gh, gb, 2 * hidden);
            VectorMath.product(rh, rb, buf, sb, hPrev, pb, hidden);
            if (saved != null) System.arraycopy(rh, rb, saved, sb + 3 * hidden, hidden);
        }
    }

    @Override
    public void forwardResetBeforeFinish(float[] h, int hOff, float[] saved, int sOff, float[] gi, int giOff,
                                         float[] gh, int ghOff, float[] ghn, int ghnOff, float[] hPrev, int hpOff,
                                         int[] lengths, int row0, int t, int batch, int hidden) {
        int g3 = 3 * hidden;
        float[] buf = saved != null ? saved : row(4 * hidden);
        for (int b = 0; b < batch; b++) {
            int hb = hOff + b * hidden, pb = hpOff + b * hidden;
            if (!active(lengths, row0 + b, t)) {
                System.arraycopy(hPrev, pb, h, hb, hidden);
                continue;
            }
            int ib = giOff + b * g3, gb = ghOff + b * g3, nb = ghnOff + b * hidden;
            int sb = saved != null ? sOff + b * 4 * hidden : 0;
            // z again (inference keeps no buffer between the halves), n, then h.
            VectorMath.sigmoidOfSum(buf, sb + hidden, gi, ib + hidden, gh, gb + hidden, hidden);
            VectorMath.tanhOfGated(buf, sb + 2 * hidden, gi, ib + 2 * hidden, null, 0, ghn, nb, hidden);
            VectorMath.update(h, hb, buf, sb + hidden, buf, sb + 2 * hidden, hPrev, pb, hidden);
        }
    }

    @Override
    public void backwardResetAfter(float[] dgi, int dgiOff, float[] dgh, int dghOff, float[] dhPrev, int dpOff,
                                   float[] dh, int dhOff, float[] saved, int sOff, float[] hPrev, int hpOff,
                                   int[] lengths, int row0, int t, int batch, int hidden) {
        int g3 = 3 * hidden, bound = S.loopBound(hidden);
        for (int b = 0; b < batch; b++) {
            int db = dhOff + b * hidden, pb = dpOff + b * hidden, ib = dgiOff + b * g3, gb = dghOff + b * g3;
            if (!active(lengths, row0 + b, t)) {
                passThrough(dgi, ib, dgh, gb, dhPrev, pb, dh, db, hidden);
                continue;
            }
            int sb = sOff + b * 4 * hidden, hb = hpOff + b * hidden;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector r = FloatVector.fromArray(S, saved, sb + j);
                FloatVector z = FloatVector.fromArray(S, saved, sb + hidden + j);
                FloatVector n = FloatVector.fromArray(S, saved, sb + 2 * hidden + j);
                FloatVector ghn = FloatVector.fromArray(S, saved, sb + 3 * hidden + j);
                FloatVector g = FloatVector.fromArray(S, dh, db + j);
                FloatVector dnPre = g.mul(z.neg().add(1f)).mul(n.mul(n).neg().add(1f));
                FloatVector dzPre = g.mul(FloatVector.fromArray(S, hPrev, hb + j).sub(n)).mul(z).mul(z.neg().add(1f));
                FloatVector drPre = dnPre.mul(ghn).mul(r).mul(r.neg().add(1f));
                drPre.intoArray(dgi, ib + j);
                dzPre.intoArray(dgi, ib + hidden + j);
                dnPre.intoArray(dgi, ib + 2 * hidden + j);
                drPre.intoArray(dgh, gb + j);
                dzPre.intoArray(dgh, gb + hidden + j);
                dnPre.mul(r).intoArray(dgh, gb + 2 * hidden + j);
                g.mul(z).intoArray(dhPrev, pb + j);
            }
            backwardResetAfterUnits(j, hidden, dgi, ib, dgh, gb, dhPrev, pb, dh, db, saved, sb, hPrev, hb, hidden);
        }
    }

    @Override
    public void sigmoidOfSum(float[] dst, int dOff, float[] a, int aOff, float[] b, int bOff, int n) {
        VectorMath.sigmoidOfSum(dst, dOff, a, aOff, b, bOff, n);
    }

    @Override
    public void tanhOfGated(float[] dst, int dOff, float[] a, int aOff, float[] r, int rOff, float[] g, int gOff, int n) {
        VectorMath.tanhOfGated(dst, dOff, a, aOff, r, rOff, g, gOff, n);
    }

    @Override
    public void update(float[] h, int hOff, float[] z, int zOff, float[] n, int nOff, float[] hPrev, int pOff, int len) {
        VectorMath.update(h, hOff, z, zOff, n, nOff, hPrev, pOff, len);
    }
}
