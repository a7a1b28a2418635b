package org.grukit.core.kernel;

/**
 * The blocked GEMM loops around one {@link MicroKernel}: packing B into NR-wide panels and A into MR-row
 * panels, blocked by KC along k and MC along m so the panels stay in cache, and the split of panels over
 * the {@link Parallel} pool. {@link Gemm} holds the instance with the best kernel; tests build one per
 * kernel to check both.
 */
final class GemmDriver {
    static final int MR = MicroKernel.MR;
    static final int KC = Integer.getInteger("grukit.gemm.kc", 256);
    static final int MC = Integer.getInteger("grukit.gemm.mc", 128);
    /** From this many multiply-adds, a product is split over threads. */
    static final long PARALLEL = 1L << 19;

    final MicroKernel kernel;
    final int nr;
    private final ThreadLocal<Workspace> workspace;

    /** Per-thread scratch: the packed A block, a partial tile, and packed B for one-off products. */
    private final class Workspace {
        final float[] a = new float[MC * KC];
        final float[] tile = new float[MR * nr];
        float[] b = new float[0];
    }

    GemmDriver(MicroKernel kernel) {
        this.kernel = kernel;
        this.nr = kernel.nr();
        this.workspace = ThreadLocal.withInitial(Workspace::new);
    }

    int packedSize(int k, int n) {
        return k * ((n + nr - 1) / nr) * nr;
    }

    Gemm.Packed pack(float[] b, int bOff, int ldb, boolean transB, int k, int n) {
        Gemm.Packed p = new Gemm.Packed(new float[packedSize(k, n)], k, n, nr);
        packInto(p.data, b, bOff, ldb, transB, k, n);
        return p;
    }

    /** Layout: for each KC block of rows, for each panel, kc rows of nr floats (zero past n). */
    void packInto(float[] dst, float[] b, int bOff, int ldb, boolean transB, int k, int n) {
        int panels = (n + nr - 1) / nr;
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            for (int jp = 0; jp < panels; jp++) {
                int j0 = jp * nr, cols = Math.min(nr, n - j0);
                int base = pc * panels * nr + jp * kc * nr;
                for (int p = 0; p < kc; p++) {
                    int d = base + p * nr;
                    if (transB) {
                        for (int j = 0; j < cols; j++) dst[d + j] = b[bOff + (j0 + j) * ldb + pc + p];
                    } else {
                        System.arraycopy(b, bOff + (pc + p) * ldb + j0, dst, d, cols);
                    }
                    for (int j = cols; j < nr; j++) dst[d + j] = 0f;
                }
            }
        }
    }

    /** C += op(A) op(B), packing B into this thread's workspace. */
    void gemm(float[] c, int cOff, int ldc, float[] a, int aOff, int lda, boolean transA,
              float[] b, int bOff, int ldb, boolean transB, int m, int n, int k) {
        Workspace ws = workspace.get();
        int size = packedSize(k, n);
        if (ws.b.length < size) ws.b = new float[size];
        packInto(ws.b, b, bOff, ldb, transB, k, n);
        multiply(c, cOff, ldc, a, aOff, lda, transA, new Gemm.Packed(ws.b, k, n, nr), m, true);
    }

    void multiply(float[] c, int cOff, int ldc, float[] a, int aOff, int lda, boolean transA, Gemm.Packed b, int m,
                  boolean parallel) {
        if (b.nr != nr) throw new IllegalArgumentException("matrix packed for panels of " + b.nr + ", this kernel uses " + nr);
        if (m == 0 || b.n == 0 || b.k == 0) return;
        int threads = Parallel.threads();
        if (parallel && threads > 1 && m >= threads * MC && (transA || m >= 8L * b.n)
                && (long) m * b.n * b.k >= PARALLEL) {
            // A transposed (its packing is strided, the costly part) or far taller than B is wide: split the
            // rows, so each thread packs only its own rows of A while all share the packed B. Otherwise split
            // B's panels, which makes every thread pack all of A but stream only its part of B.
            int blocks = (m + MR - 1) / MR;
            Parallel.forEach(threads, i -> {
                int r0 = Parallel.start(blocks, threads, i) * MR, r1 = Math.min(m, Parallel.start(blocks, threads, i + 1) * MR);
                int aRow = transA ? aOff + r0 : aOff + r0 * lda;
                run(c, cOff + r0 * ldc, ldc, a, aRow, lda, transA, b, r1 - r0, 0, b.panels);
            });
        } else if (parallel && threads > 1 && b.panels > 1 && (long) m * b.n * b.k >= PARALLEL) {
            int parts = Math.min(threads, b.panels);
            Parallel.forEach(parts, i -> run(c, cOff, ldc, a, aOff, lda, transA, b, m,
                    Parallel.start(b.panels, parts, i), Parallel.start(b.panels, parts, i + 1)));
        } else {
            run(c, cOff, ldc, a, aOff, lda, transA, b, m, 0, b.panels);
        }
    }

    /** The blocked loops over panels [panelFrom, panelTo) of B. */
    private void run(float[] c, int cOff, int ldc, float[] a, int aOff, int lda, boolean transA, Gemm.Packed b,
                     int m, int panelFrom, int panelTo) {
        Workspace ws = workspace.get();
        int k = b.k, n = b.n, panels = b.panels;
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            int bBlock = pc * panels * nr;
            if (m < MR) {
                // A few rows (one sequence, a decoder step): read A in place, no packing.
                int stride = transA ? lda : 1;
                for (int i = 0; i < m; i++) {
                    int rowStart = transA ? aOff + pc * lda + i : aOff + i * lda + pc;
                    for (int jp = panelFrom; jp < panelTo; jp++) {
                        kernel.row(a, rowStart, stride, b.data, bBlock + jp * kc * nr, kc, c, cOff + i * ldc + jp * nr,
                                Math.min(nr, n - jp * nr), ws.tile);
                    }
                }
                continue;
            }
            for (int ic = 0; ic < m; ic += MC) {
                int mc = Math.min(MC, m - ic);
                packA(ws.a, a, aOff, lda, transA, ic, pc, mc, kc);
                int rowPanels = (mc + MR - 1) / MR;
                for (int jp = panelFrom; jp < panelTo; jp++) {
                    int cols = Math.min(nr, n - jp * nr);
                    int bOff = bBlock + jp * kc * nr;
                    for (int ip = 0; ip < rowPanels; ip++) {
                        kernel.tile(ws.a, ip * kc * MR, b.data, bOff, kc, c, cOff + (ic + ip * MR) * ldc + jp * nr, ldc,
                                Math.min(MR, mc - ip * MR), cols, ws.tile);
                    }
                }
            }
        }
    }

    /** Packs A[ic .. ic+mc, pc .. pc+kc] into MR-row panels, [panel][kc][MR], zero past the last row. */
    private static void packA(float[] dst, float[] a, int aOff, int lda, boolean transA, int ic, int pc, int mc, int kc) {
        int rowPanels = (mc + MR - 1) / MR;
        for (int ip = 0; ip < rowPanels; ip++) {
            int base = ip * kc * MR;
            int rows = Math.min(MR, mc - ip * MR);
            for (int r = 0; r < MR; r++) {
                int i = ic + ip * MR + r;
                if (r >= rows) {
                    for (int p = 0; p < kc; p++) dst[base + p * MR + r] = 0f;
                } else if (transA) {
                    for (int p = 0; p < kc; p++) dst[base + p * MR + r] = a[aOff + (pc + p) * lda + i];
                } else {
                    int src = aOff + i * lda + pc;
                    for (int p = 0; p < kc; p++) dst[base + p * MR + r] = a[src + p];
                }
            }
        }
    }
}
