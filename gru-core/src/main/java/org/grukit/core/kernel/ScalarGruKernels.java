package org.grukit.core.kernel;

/** The plain-Java GRU gate kernels: the reference for the vector ones and the fallback without them. */
class ScalarGruKernels implements GruGates {

    static boolean active(int[] lengths, int b, int t) {
        return lengths == null || t < lengths[b];
    }

    @Override
    public String name() {
        return "java";
    }

    /** A row past its sequence's length: the gradient passes to the previous state, the gates get none. */
    static void passThrough(float[] dgi, int ib, float[] dgh, int gb, float[] dhPrev, int pb, float[] dh, int db,
                            int hidden) {
        System.arraycopy(dh, db, dhPrev, pb, hidden);
        java.util.Arrays.fill(dgi, ib, ib + 3 * hidden, 0f);
        java.util.Arrays.fill(dgh, gb, gb + 3 * hidden, 0f);
    }

    /** Reset-after backward for hidden units [from, to) of one row (offsets are the row's). */
    static void backwardResetAfterUnits(int from, int to, float[] dgi, int ib, float[] dgh, int gb, float[] dhPrev,
                                        int pb, float[] dh, int db, float[] saved, int sb, float[] hPrev, int hb,
                                        int hidden) {
        for (int j = from; j < to; j++) {
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

    /**
     * Reset-after step: h[b] from gi, gh and hPrev; saves r|z|n|gh_n into {@code saved} when non-null.
     */
    @Override
    public void forwardResetAfter(float[] h, int hOff, float[] saved, int sOff,
                                         float[] gi, int giOff, float[] gh, int ghOff,
                                         float[] hPrev, int hpOff, int[] lengths, int row0, int t, int batch, int hidden) {
        int g3 = 3 * hidden;
        for (int b = 0; b < batch; b++) {
            int hb = hOff + b * hidden, pb = hpOff + b * hidden;
            if (!active(lengths, row0 + b, t)) {
                System.arraycopy(hPrev, pb, h, hb, hidden);
                continue;
            }
            int ib = giOff + b * g3, gb = ghOff + b * g3, sb = sOff + b * 4 * hidden;
            for (int j = 0; j < hidden; j++) {
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
    }

    /**
     * Reset-before, first half: r and z from gi and gh (only its r|z columns are read), and r * hPrev
     * into {@code rh} [B, H], which the caller multiplies by W_hn. Saves r, z and r*h.
     */
    @Override
    public void forwardResetBeforeGates(float[] rh, int rhOff, float[] saved, int sOff,
                                               float[] gi, int giOff, float[] gh, int ghOff,
                                               float[] hPrev, int hpOff, int[] lengths, int row0, int t,
                                               int batch, int hidden) {
        int g3 = 3 * hidden;
        for (int b = 0; b < batch; b++) {
            int pb = hpOff + b * hidden, rb = rhOff + b * hidden;
            if (!active(lengths, row0 + b, t)) {
                for (int j = 0; j < hidden; j++) rh[rb + j] = 0f;
                continue;
            }
            int ib = giOff + b * g3, gb = ghOff + b * g3, sb = sOff + b * 4 * hidden;
            for (int j = 0; j < hidden; j++) {
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

    /**
     * Reset-before, second half: n = tanh(gi_n + ghn) where ghn [B, H] = (r*h) W_hn^T + b_hn, then h'.
     * z is recomputed from gi and gh as in the first half so that inference needs no saved buffer.
     */
    @Override
    public void forwardResetBeforeFinish(float[] h, int hOff, float[] saved, int sOff,
                                                float[] gi, int giOff, float[] gh, int ghOff,
                                                float[] ghn, int ghnOff, float[] hPrev, int hpOff,
                                                int[] lengths, int row0, int t, int batch, int hidden) {
        int g3 = 3 * hidden;
        for (int b = 0; b < batch; b++) {
            int hb = hOff + b * hidden, pb = hpOff + b * hidden;
            if (!active(lengths, row0 + b, t)) {
                System.arraycopy(hPrev, pb, h, hb, hidden);
                continue;
            }
            int ib = giOff + b * g3, gb = ghOff + b * g3, nb = ghnOff + b * hidden, sb = sOff + b * 4 * hidden;
            for (int j = 0; j < hidden; j++) {
                float z = Activations.sigmoid(gi[ib + hidden + j] + gh[gb + hidden + j]);
                float n = Activations.tanh(gi[ib + 2 * hidden + j] + ghn[nb + j]);
                h[hb + j] = (1f - z) * n + z * hPrev[pb + j];
                if (saved != null) saved[sb + 2 * hidden + j] = n;
            }
        }
    }

    /**
     * Reset-after backward for one step. Given dh = dL/dh' [B, H], writes dgi and dgh [B, 3H] (zero for
     * inactive rows) and sets dhPrev = dh * z (dh itself for inactive rows); the caller then adds
     * dgh W_hh to dhPrev.
     */
    @Override
    public void backwardResetAfter(float[] dgi, int dgiOff, float[] dgh, int dghOff, float[] dhPrev, int dpOff,
                                          float[] dh, int dhOff, float[] saved, int sOff,
                                          float[] hPrev, int hpOff, int[] lengths, int row0, int t, int batch, int hidden) {
        int g3 = 3 * hidden;
        for (int b = 0; b < batch; b++) {
            int db = dhOff + b * hidden, pb = dpOff + b * hidden, ib = dgiOff + b * g3, gb = dghOff + b * g3;
            if (!active(lengths, row0 + b, t)) {
                passThrough(dgi, ib, dgh, gb, dhPrev, pb, dh, db, hidden);
                continue;
            }
            backwardResetAfterUnits(0, hidden, dgi, ib, dgh, gb, dhPrev, pb, dh, db, saved, sOff + b * 4 * hidden, hPrev,
                    hpOff + b * hidden, hidden);
        }
    }

    /**
     * Reset-before backward, first half: the z and n gate gradients. Writes dgi's z|n columns, dgh's
     * z|n columns (dgh_n is the gradient of W_hn(r*h) + b_hn) and dhPrev = dh * z (dh for inactive rows).
     * The caller then computes d(rh) = dgh_n W_hn and calls {@link #backwardResetBeforeReset}.
     */
    @Override
    public void backwardResetBeforeUpdate(float[] dgi, int dgiOff, float[] dgh, int dghOff,
                                                 float[] dhPrev, int dpOff, float[] dh, int dhOff,
                                                 float[] saved, int sOff, float[] hPrev, int hpOff,
                                                 int[] lengths, int row0, int t, int batch, int hidden) {
        int g3 = 3 * hidden;
        for (int b = 0; b < batch; b++) {
            int db = dhOff + b * hidden, pb = dpOff + b * hidden, ib = dgiOff + b * g3, gb = dghOff + b * g3;
            if (!active(lengths, row0 + b, t)) {
                passThrough(dgi, ib, dgh, gb, dhPrev, pb, dh, db, hidden);
                continue;
            }
            int sb = sOff + b * 4 * hidden, hb = hpOff + b * hidden;
            for (int j = 0; j < hidden; j++) {
                float z = saved[sb + hidden + j], n = saved[sb + 2 * hidden + j];
                float g = dh[db + j];
                float dnPre = g * (1f - z) * (1f - n * n);
                float dzPre = g * (hPrev[hb + j] - n) * z * (1f - z);
                dgi[ib + hidden + j] = dzPre;
                dgi[ib + 2 * hidden + j] = dnPre;
                dgh[gb + hidden + j] = dzPre;
                dgh[gb + 2 * hidden + j] = dnPre;
                dhPrev[pb + j] = g * z;
            }
        }
    }

    /**
     * Reset-before backward, second half: given drh = d(r*h) [B, H], the r gate gradient into dgi and dgh's
     * r column, and dhPrev += drh * r.
     */
    @Override
    public void backwardResetBeforeReset(float[] dgi, int dgiOff, float[] dgh, int dghOff,
                                                float[] dhPrev, int dpOff, float[] drh, int drhOff,
                                                float[] saved, int sOff, float[] hPrev, int hpOff,
                                                int[] lengths, int row0, int t, int batch, int hidden) {
        int g3 = 3 * hidden;
        for (int b = 0; b < batch; b++) {
            if (!active(lengths, row0 + b, t)) continue;
            int ib = dgiOff + b * g3, gb = dghOff + b * g3, pb = dpOff + b * hidden;
            int sb = sOff + b * 4 * hidden, hb = hpOff + b * hidden, rb = drhOff + b * hidden;
            for (int j = 0; j < hidden; j++) {
                float r = saved[sb + j];
                float drPre = drh[rb + j] * hPrev[hb + j] * r * (1f - r);
                dgi[ib + j] = drPre;
                dgh[gb + j] = drPre;
                dhPrev[pb + j] += drh[rb + j] * r;
            }
        }
    }

    @Override
    public void sigmoidOfSum(float[] dst, int dOff, float[] a, int aOff, float[] b, int bOff, int n) {
        for (int i = 0; i < n; i++) dst[dOff + i] = Activations.sigmoid(b == null ? a[aOff + i] : a[aOff + i] + b[bOff + i]);
    }

    @Override
    public void tanhOfGated(float[] dst, int dOff, float[] a, int aOff, float[] r, int rOff, float[] g, int gOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dOff + i] = Activations.tanh(g == null ? a[aOff + i] : a[aOff + i] + (r == null ? g[gOff + i] : r[rOff + i] * g[gOff + i]));
        }
    }

    @Override
    public void update(float[] h, int hOff, float[] z, int zOff, float[] n, int nOff, float[] hPrev, int pOff, int len) {
        for (int i = 0; i < len; i++) h[hOff + i] = (1f - z[zOff + i]) * n[nOff + i] + z[zOff + i] * hPrev[pOff + i];
    }
}
