package org.grukit.core.kernel;

/**
 * The element-wise part of one GRU time step, forward and backward, for a block of rows (sequences
 * {@code row0 .. row0 + batch} of the batch). The matrix products around it are GEMMs done by the caller.
 *
 * <p>Gate layout is PyTorch's: each [rows, 3H] block holds r | z | n. {@code gi} is x W_ih^T + b_ih,
 * {@code gh} is h W_hh^T + b_hh. Two forms of the candidate n:
 * <ul>
 *   <li>reset-after (PyTorch, cuDNN, ONNX linear_before_reset=1): n = tanh(gi_n + r * gh_n)</li>
 *   <li>reset-before (Cho et al. 2014, Keras reset_after=False): n = tanh(gi_n + W_hn (r * h) + b_hn)</li>
 * </ul>
 * h' = (1 - z) * n + z * h. Rows past their sequence's length ({@code t >= lengths[row0 + b]}) keep
 * h' = h and get zero gate gradients. What backward needs is saved per row as [4H] r | z | n | extra,
 * where extra is gh_n (reset-after) or r * h (reset-before).
 */
public interface GruGates {
    String name();

    /** Reset-after step: h from gi, gh and hPrev; saves r|z|n|gh_n into {@code saved} when non-null. */
    void forwardResetAfter(float[] h, int hOff, float[] saved, int sOff, float[] gi, int giOff, float[] gh, int ghOff,
                           float[] hPrev, int hpOff, int[] lengths, int row0, int t, int batch, int hidden);

    /** Reset-before, first half: r and z, and r * hPrev into {@code rh} [rows, H] for the caller's W_hn product. */
    void forwardResetBeforeGates(float[] rh, int rhOff, float[] saved, int sOff, float[] gi, int giOff, float[] gh,
                                 int ghOff, float[] hPrev, int hpOff, int[] lengths, int row0, int t, int batch, int hidden);

    /** Reset-before, second half: n = tanh(gi_n + ghn) where ghn [rows, H] = (r*h) W_hn^T + b_hn, then h'. */
    void forwardResetBeforeFinish(float[] h, int hOff, float[] saved, int sOff, float[] gi, int giOff, float[] gh,
                                  int ghOff, float[] ghn, int ghnOff, float[] hPrev, int hpOff, int[] lengths, int row0,
                                  int t, int batch, int hidden);

    /**
     * Reset-after backward: from dh = dL/dh' writes dgi and dgh [rows, 3H] (zero for inactive rows) and sets
     * dhPrev = dh * z (dh itself for inactive rows); the caller then adds dgh W_hh to dhPrev.
     */
    void backwardResetAfter(float[] dgi, int dgiOff, float[] dgh, int dghOff, float[] dhPrev, int dpOff, float[] dh,
                            int dhOff, float[] saved, int sOff, float[] hPrev, int hpOff, int[] lengths, int row0, int t,
                            int batch, int hidden);

    /** Reset-before backward, first half: the z and n gate gradients and dhPrev = dh * z. */
    void backwardResetBeforeUpdate(float[] dgi, int dgiOff, float[] dgh, int dghOff, float[] dhPrev, int dpOff,
                                   float[] dh, int dhOff, float[] saved, int sOff, float[] hPrev, int hpOff,
                                   int[] lengths, int row0, int t, int batch, int hidden);

    /** Reset-before backward, second half: given drh = d(r*h), the r gate gradient and dhPrev += drh * r. */
    void backwardResetBeforeReset(float[] dgi, int dgiOff, float[] dgh, int dghOff, float[] dhPrev, int dpOff,
                                  float[] drh, int drhOff, float[] saved, int sOff, float[] hPrev, int hpOff,
                                  int[] lengths, int row0, int t, int batch, int hidden);

    /** dst[i] = sigmoid(a[i] + b[i]) for i in [0, n); b null means 0 (the sigmoid of a). */
    void sigmoidOfSum(float[] dst, int dOff, float[] a, int aOff, float[] b, int bOff, int n);

    /** dst[i] = tanh(a[i] + r[i] * g[i]) for i in [0, n); r null means 1, g null means 0 (the tanh of a). */
    void tanhOfGated(float[] dst, int dOff, float[] a, int aOff, float[] r, int rOff, float[] g, int gOff, int n);

    /** h[i] = (1 - z[i]) * n[i] + z[i] * hPrev[i] for i in [0, len). */
    void update(float[] h, int hOff, float[] z, int zOff, float[] n, int nOff, float[] hPrev, int pOff, int len);
}
