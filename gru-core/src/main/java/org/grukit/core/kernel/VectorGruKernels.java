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

    private static FloatVector sigmoid(FloatVector x) {
        return VectorMath.sigmoid(x);
    }

    private static FloatVector tanh(FloatVector x) {
        return VectorMath.tanh(x);
    }

    @Override
    public void forwardResetAfter(float[] h, int hOff, float[] saved, int sOff, float[] gi, int giOff, float[] gh,
                                  int ghOff, float[] hPrev, int hpOff, int[] lengths, int row0, int t, int batch,
                                  int hidden) {
        int g3 = 3 * hidden, bound = S.loopBound(hidden);
        for (int b = 0; b < batch; b++) {
            int hb = hOff + b * hidden, pb = hpOff + b * hidden;
            if (!active(lengths, row0 + b, t)) {
                System.arraycopy(hPrev, pb, h, hb, hidden);
                continue;
            }
            int ib = giOff + b * g3, gb = ghOff + b * g3, sb = sOff + b * 4 * hidden;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector r = sigmoid(FloatVector.fromArray(S, gi, ib + j).add(FloatVector.fromArray(S, gh, gb + j)));
                FloatVector z = sigmoid(FloatVector.fromArray(S, gi, ib + hidden + j)
                        .add(FloatVector.fromArray(S, gh, gb + hidden + j)));
                FloatVector ghn = FloatVector.fromArray(S, gh, gb + 2 * hidden + j);
                FloatVector n = FloatVector.fromArray(S, gi, ib + 2 * hidden + j).add(r.mul(ghn));
                n = tanh(n);
                FloatVector hp = FloatVector.fromArray(S, hPrev, pb + j);
                z.neg().add(1f).mul(n).add(z.mul(hp)).intoArray(h, hb + j);
                if (saved != null) {
                    r.intoArray(saved, sb + j);
                    z.intoArray(saved, sb + hidden + j);
                    n.intoArray(saved, sb + 2 * hidden + j);
                    ghn.intoArray(saved, sb + 3 * hidden + j);
                }
            }
            if (j < hidden) tailForwardResetAfter(h, hb, saved, sb, gi, ib, gh, gb, hPrev, pb, j, hidden);
        }
    }

    private static void tailForwardResetAfter(float[] h, int hb, float[] saved, int sb, float[] gi, int ib, float[] gh,
                                              int gb, float[] hPrev, int pb, int from, int hidden) {
        for (int j = from; j < hidden; j++) {
            float r = Activations.sigmoid(gi[ib + j] + gh[gb + j]);
            float z = Activations.sigmoid(gi[ib + hidden + j] + gh[gb + hidden + j]);
            float ghn = gh[gb + 2 * hidden + j];
            float n = Activations.tanh(gi[ib + 2 * hidden + j] + r * ghn);
            h[hb + j] = (1f - z) * n + z * hPrev[pb + j];
            if (saved != null) {
                saved[sb + j] = r;
                saved[sb + hidden + j] = z;
                saved[sb + 2 * hidden + j] = n;
                saved[sb + 3 * hidden + j] = ghn;
            }
        }
    }

    @Override
    public void forwardResetBeforeGates(float[] rh, int rhOff, float[] saved, int sOff, float[] gi, int giOff,
                                        float[] gh, int ghOff, float[] hPrev, int hpOff, int[] lengths, int row0, int t,
                                        int batch, int hidden) {
        int g3 = 3 * hidden, bound = S.loopBound(hidden);
        for (int b = 0; b < batch; b++) {
            int pb = hpOff + b * hidden, rb = rhOff + b * hidden;
            if (!active(lengths, row0 + b, t)) {
                java.util.Arrays.fill(rh, rb, rb + hidden, 0f);
                continue;
            }
            int ib = giOff + b * g3, gb = ghOff + b * g3, sb = sOff + b * 4 * hidden;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector r = sigmoid(FloatVector.fromArray(S, gi, ib + j).add(FloatVector.fromArray(S, gh, gb + j)));
                FloatVector z = sigmoid(FloatVector.fromArray(S, gi, ib + hidden + j)
                        .add(FloatVector.fromArray(S, gh, gb + hidden + j)));
                FloatVector prod = r.mul(FloatVector.fromArray(S, hPrev, pb + j));
                prod.intoArray(rh, rb + j);
                if (saved != null) {
                    r.intoArray(saved, sb + j);
                    z.intoArray(saved, sb + hidden + j);
                    prod.intoArray(saved, sb + 3 * hidden + j);
                }
            }
            for (; j < hidden; j++) {
                float r = Activations.sigmoid(gi[ib + j] + gh[gb + j]);
                float z = Activations.sigmoid(gi[ib + hidden + j] + gh[gb + hidden + j]);
                rh[rb + j] = r * hPrev[pb + j];
                if (saved != null) {
                    saved[sb + j] = r;
                    saved[sb + hidden + j] = z;
                    saved[sb + 3 * hidden + j] = rh[rb + j];
                }
            }
        }
    }

    @Override
    public void forwardResetBeforeFinish(float[] h, int hOff, float[] saved, int sOff, float[] gi, int giOff,
                                         float[] gh, int ghOff, float[] ghn, int ghnOff, float[] hPrev, int hpOff,
                                         int[] lengths, int row0, int t, int batch, int hidden) {
        int g3 = 3 * hidden, bound = S.loopBound(hidden);
        for (int b = 0; b < batch; b++) {
            int hb = hOff + b * hidden, pb = hpOff + b * hidden;
            if (!active(lengths, row0 + b, t)) {
                System.arraycopy(hPrev, pb, h, hb, hidden);
                continue;
            }
            int ib = giOff + b * g3, gb = ghOff + b * g3, nb = ghnOff + b * hidden, sb = sOff + b * 4 * hidden;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector z = sigmoid(FloatVector.fromArray(S, gi, ib + hidden + j)
                        .add(FloatVector.fromArray(S, gh, gb + hidden + j)));
                FloatVector n = FloatVector.fromArray(S, gi, ib + 2 * hidden + j).add(FloatVector.fromArray(S, ghn, nb + j));
                n = tanh(n);
                z.neg().add(1f).mul(n).add(z.mul(FloatVector.fromArray(S, hPrev, pb + j))).intoArray(h, hb + j);
                if (saved != null) n.intoArray(saved, sb + 2 * hidden + j);
            }
            for (; j < hidden; j++) {
                float z = Activations.sigmoid(gi[ib + hidden + j] + gh[gb + hidden + j]);
                float n = Activations.tanh(gi[ib + 2 * hidden + j] + ghn[nb + j]);
                h[hb + j] = (1f - z) * n + z * hPrev[pb + j];
                if (saved != null) saved[sb + 2 * hidden + j] = n;
            }
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
                System.arraycopy(dh, db, dhPrev, pb, hidden);
                java.util.Arrays.fill(dgi, ib, ib + g3, 0f);
                java.util.Arrays.fill(dgh, gb, gb + g3, 0f);
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
            for (; j < hidden; j++) {
                float r = saved[sb + j], z = saved[sb + hidden + j], n = saved[sb + 2 * hidden + j];
                float ghn = saved[sb + 3 * hidden + j];
                float g = dh[db + j];
                float dnPre = g * (1f - z) * (1f - n * n);
                float dzPre = g * (hPrev[hb + j] - n) * z * (1f - z);
                float drPre = dnPre * ghn * r * (1f - r);
                dgi[ib + j] = drPre;
                dgi[ib + hidden + j] = dzPre;
                dgi[ib + 2 * hidden + j] = dnPre;
                dgh[gb + j] = drPre;
                dgh[gb + hidden + j] = dzPre;
                dgh[gb + 2 * hidden + j] = dnPre * r;
                dhPrev[pb + j] = g * z;
            }
        }
    }
}
