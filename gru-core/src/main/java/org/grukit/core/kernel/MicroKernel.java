package org.grukit.core.kernel;

/**
 * The innermost block of the GEMM: C[rows, cols] += Apanel Bpanel over kc, where the A panel is MR rows
 * interleaved ([kc][MR]) and the B panel NR columns interleaved ([kc][NR]). Two implementations: the
 * Vector API one (register-blocked, what ships) and a plain-Java one (the fallback where the incubator
 * module is not enabled). Both are tested against {@link Gemm#gemmReference}.
 */
interface MicroKernel {
    int MR = 4;

    /** Panel width in floats (two vector registers for the Vector API kernel). */
    int nr();

    String name();

    /**
     * Full or partial tile: accumulates the MR x NR product, then adds its first {@code rows} rows and
     * {@code cols} columns into C. {@code tile} is MR * NR floats of scratch for partial tiles.
     */
    void tile(float[] ap, int aOff, float[] bp, int bOff, int kc, float[] c, int cOff, int ldc, int rows, int cols,
              float[] tile);

    /**
     * One row of A read in place (element p at a[aOff + p * aStride]) times a B panel: adds {@code cols}
     * columns into c[cOff ..]. Used when M is below MR (a single sequence, a decoder step).
     */
    void row(float[] a, int aOff, int aStride, float[] bp, int bOff, int kc, float[] c, int cOff, int cols, float[] tile);

    /**
     * Matrix-vector product on a row-major matrix in place: y[r] += dot(W[r, 0..k), x[0..k)) for the
     * {@code rows} rows starting at wOff (row stride ldw). No packing: for one input row (a single
     * sequence's step) streaming the weight once is all the work there is.
     */
    void dots(float[] y, int yOff, float[] w, int wOff, int ldw, int rows, float[] x, int xOff, int k);
}
