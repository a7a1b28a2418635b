package org.grukit.core.kernel;

/**
 * Single-precision matrix multiply, accumulating: {@code C[m,n] += op(A)[m,k] * op(B)[k,n]} where op(X) is
 * X or its transpose. Row-major with leading dimensions, like BLAS sgemm with alpha = beta = 1 (the caller
 * zeroes C when it wants a plain product).
 *
 * <p>Organised as BLIS/GotoBLAS: B is packed into panels NR columns wide and A into panels of MR rows,
 * blocked by KC along k and MC along m so the panels stay in cache, and a register-blocked micro-kernel
 * ({@link MicroKernel}) does the arithmetic. A weight that multiplies many inputs (W_hh at every time
 * step) is packed once with {@link #pack} and reused. Large products split their panels over the
 * {@link Parallel} pool.
 *
 * <p>The micro-kernel uses the Vector API when the JVM runs with {@code --add-modules
 * jdk.incubator.vector} (the grukit launcher, tests and benchmarks do), and plain Java otherwise;
 * {@code -Dgrukit.vector=false} forces the plain one. {@link #gemmReference} is the definition both are
 * tested against.
 */
public final class Gemm {
    private Gemm() {}

    /** The driver every static method here uses, with the best micro-kernel this JVM offers. */
    static final GemmDriver DEFAULT = new GemmDriver(chooseKernel());
    /** Rows per register block: products with fewer rows than this are better done as dot products. */
    public static final int MR = GemmDriver.MR;
    /** Below this many multiply-adds, packing costs more than it saves. */
    static final long SMALL = 4096;

    private static MicroKernel chooseKernel() {
        if (VectorSupport.wanted() && VectorSupport.present()) {
            try {
                return (MicroKernel) Class.forName("org.grukit.core.kernel.VectorMicroKernel")
                        .getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                // Fall through to plain Java: slower, same results.
            }
        }
        VectorSupport.fellBack("matrix");
        return new ScalarMicroKernel();
    }

    /** "vector-512", "vector-256" or "java": which micro-kernel this JVM runs. */
    public static String backend() {
        return DEFAULT.kernel.name();
    }

    /** B (k x n) packed into panels for repeated use as the right operand. */
    public static final class Packed {
        final float[] data;
        final int k, n, nr, panels;

        Packed(float[] data, int k, int n, int nr) {
            this.data = data;
            this.k = k;
            this.n = n;
            this.nr = nr;
            this.panels = (n + nr - 1) / nr;
        }

        public int k() {
            return k;
        }

        public int n() {
            return n;
        }
    }

    /** Packs op(B) [k, n] (B stored [n, k] when transB) for repeated use. */
    public static Packed pack(float[] b, int bOff, int ldb, boolean transB, int k, int n) {
        return DEFAULT.pack(b, bOff, ldb, transB, k, n);
    }

    /** C += op(A) op(B). */
    public static void gemm(float[] c, int cOff, int ldc,
                            float[] a, int aOff, int lda, boolean transA,
                            float[] b, int bOff, int ldb, boolean transB,
                            int m, int n, int k) {
        if (m == 0 || n == 0 || k == 0) return;
        if ((long) m * n * k < SMALL) {
            gemmSmall(c, cOff, ldc, a, aOff, lda, transA, b, bOff, ldb, transB, m, n, k);
            return;
        }
        if (n == 1 && ldc == 1 && !transA && (transB || ldb == 1)) {
            // A matrix times a vector (an attention score vector, a one-output layer): dot products, no packing.
            DEFAULT.kernel.dots(c, cOff, a, aOff, lda, m, b, bOff, k);
            return;
        }
        if (k == 1 || (m == 1 && !transB)) {
            // An outer product, or one row times a row-major matrix: axpy loops over contiguous rows of B.
            gemmSmall(c, cOff, ldc, a, aOff, lda, transA, b, bOff, ldb, transB, m, n, k);
            return;
        }
        if (m < GemmDriver.MR && transB && !transA) {
            // A row or three times a stored weight: dot products on the weight as it is, no packing.
            for (int i = 0; i < m; i++) DEFAULT.kernel.dots(c, cOff + i * ldc, b, bOff, ldb, n, a, aOff + i * lda, k);
            return;
        }
        DEFAULT.gemm(c, cOff, ldc, a, aOff, lda, transA, b, bOff, ldb, transB, m, n, k);
    }

    /** y[r] += dot(W[r, 0..k), x[0..k)) for {@code rows} rows of a row-major W (stride ldw), on this thread. */
    public static void gemv(float[] y, int yOff, float[] w, int wOff, int ldw, int rows, float[] x, int xOff, int k) {
        DEFAULT.kernel.dots(y, yOff, w, wOff, ldw, rows, x, xOff, k);
    }

    /** C += op(A) B for a packed B, using the pool for large products. */
    public static void gemm(float[] c, int cOff, int ldc, float[] a, int aOff, int lda, boolean transA, Packed b, int m) {
        DEFAULT.multiply(c, cOff, ldc, a, aOff, lda, transA, b, m, true);
    }

    /** As {@link #gemm(float[], int, int, float[], int, int, boolean, Packed, int)}, on this thread only. */
    public static void gemmSerial(float[] c, int cOff, int ldc, float[] a, int aOff, int lda, boolean transA, Packed b,
                                  int m) {
        DEFAULT.multiply(c, cOff, ldc, a, aOff, lda, transA, b, m, false);
    }

    /** Tiny products: axpy loops, no packing. */
    private static void gemmSmall(float[] c, int cOff, int ldc, float[] a, int aOff, int lda, boolean transA,
                                  float[] b, int bOff, int ldb, boolean transB, int m, int n, int k) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            for (int p = 0; p < k; p++) {
                float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                if (transB) {
                    for (int j = 0; j < n; j++) c[ci + j] += aip * b[bOff + j * ldb + p];
                } else {
                    int bp = bOff + p * ldb;
                    for (int j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
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
}
