package org.grukit.core.kernel;

/**
 * Single-precision matrix multiply, accumulating: {@code C[m,n] += op(A)[m,k] * op(B)[k,n]} where
 * op(X) is X or its transpose. Row-major with leading dimensions, like BLAS sgemm with alpha = beta = 1
 * (the caller zeroes C when it wants a plain product).
 *
 * <p>{@link #gemm} is the shipped kernel; {@link #gemmReference} is the plain triple loop it is tested
 * against. The fast path keeps the innermost loop a contiguous {@code c[j] += a * b[j]}, which the JIT
 * turns into SIMD; a transposed B is packed once into a per-thread scratch so that holds.
 */
public final class Gemm {
    private Gemm() {}

    private static final int K_BLOCK = 128;
    private static final int N_BLOCK = 512;
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[1][0]);

    /**
     * C += op(A) op(B).
     *
     * @param transA when true A is stored [k, m] (leading dimension lda >= m), otherwise [m, k] (lda >= k)
     * @param transB when true B is stored [n, k] (ldb >= k), otherwise [k, n] (ldb >= n)
     */
    public static void gemm(float[] c, int cOff, int ldc,
                            float[] a, int aOff, int lda, boolean transA,
                            float[] b, int bOff, int ldb, boolean transB,
                            int m, int n, int k) {
        if (m == 0 || n == 0 || k == 0) return;
        if (transB) {
            float[] packed = scratch(k * n);
            transpose(packed, 0, n, b, bOff, ldb, n, k);
            b = packed;
            bOff = 0;
            ldb = n;
        }
        for (int j0 = 0; j0 < n; j0 += N_BLOCK) {
            int nb = Math.min(N_BLOCK, n - j0);
            for (int p0 = 0; p0 < k; p0 += K_BLOCK) {
                int pEnd = Math.min(k, p0 + K_BLOCK);
                for (int i = 0; i < m; i++) {
                    int ci = cOff + i * ldc + j0;
                    for (int p = p0; p < pEnd; p++) {
                        float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                        axpy(c, ci, b, bOff + p * ldb + j0, aip, nb);
                    }
                }
            }
        }
    }

    /** The plain definition, for tests. */
    public static void gemmReference(float[] c, int cOff, int ldc,
                                     float[] a, int aOff, int lda, boolean transA,
                                     float[] b, int bOff, int ldb, boolean transB,
                                     int m, int n, int k) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += (double) av * bv;
                }
                c[cOff + i * ldc + j] += (float) s;
            }
        }
    }

    /** y[yOff + j] += alpha * x[xOff + j] for j in [0, n). */
    static void axpy(float[] y, int yOff, float[] x, int xOff, float alpha, int n) {
        for (int j = 0; j < n; j++) y[yOff + j] += alpha * x[xOff + j];
    }

    /** dst[c, r] = src[r, c] for a rows x cols source. */
    public static void transpose(float[] dst, int dstOff, int ldDst, float[] src, int srcOff, int ldSrc,
                                 int rows, int cols) {
        final int tile = 32;
        for (int r0 = 0; r0 < rows; r0 += tile) {
            int rEnd = Math.min(rows, r0 + tile);
            for (int c0 = 0; c0 < cols; c0 += tile) {
                int cEnd = Math.min(cols, c0 + tile);
                for (int r = r0; r < rEnd; r++) {
                    for (int col = c0; col < cEnd; col++) {
                        dst[dstOff + col * ldDst + r] = src[srcOff + r * ldSrc + col];
                    }
                }
            }
        }
    }

    private static float[] scratch(int size) {
        float[][] holder = SCRATCH.get();
        if (holder[0].length < size) holder[0] = new float[size];
        return holder[0];
    }
}
