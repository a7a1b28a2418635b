package org.grukit.core.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API micro-kernel: a 4 x (2 vectors) block of C held in eight registers while the panels
 * stream through (4 x 32 floats with AVX-512, 4 x 16 with AVX2). Loaded only when jdk.incubator.vector
 * is enabled (see {@link Gemm}).
 */
final class VectorMicroKernel implements MicroKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int NR = 2 * L;

    @Override
    public int nr() {
        return NR;
    }

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

    @Override
    public void tile(float[] ap, int aOff, float[] bp, int bOff, int kc, float[] c, int cOff, int ldc, int rows,
                     int cols, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00,
                c31 = c00;
        for (int p = 0; p < kc; p++) {
            int bo = bOff + p * NR, ao = aOff + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector a = FloatVector.broadcast(S, ap[ao]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
        }
        if (rows == MR && cols == NR) {
            // Written out rather than a helper taking vectors: such a helper may stop being inlined (see
            // VectorMath), and its boxed vectors would make every tile slow.
            int o = cOff;
            FloatVector.fromArray(S, c, o).add(c00).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(c01).intoArray(c, o + L);
            o += ldc;
            FloatVector.fromArray(S, c, o).add(c10).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(c11).intoArray(c, o + L);
            o += ldc;
            FloatVector.fromArray(S, c, o).add(c20).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(c21).intoArray(c, o + L);
            o += ldc;
            FloatVector.fromArray(S, c, o).add(c30).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(c31).intoArray(c, o + L);
            return;
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) c[cOff + r * ldc + j] += tile[r * NR + j];
        }
    }

    @Override
    public void row(float[] a, int aOff, int aStride, float[] bp, int bOff, int kc, float[] c, int cOff, int cols,
                    float[] tile) {
        // Two independent accumulator pairs hide the FMA latency in this single-row loop.
        FloatVector x0 = FloatVector.zero(S), x1 = x0, y0 = x0, y1 = x0;
        int p = 0;
        for (; p + 1 < kc; p += 2) {
            int bo = bOff + p * NR;
            FloatVector av = FloatVector.broadcast(S, a[aOff + p * aStride]);
            x0 = av.fma(FloatVector.fromArray(S, bp, bo), x0);
            x1 = av.fma(FloatVector.fromArray(S, bp, bo + L), x1);
            FloatVector aw = FloatVector.broadcast(S, a[aOff + (p + 1) * aStride]);
            y0 = aw.fma(FloatVector.fromArray(S, bp, bo + NR), y0);
            y1 = aw.fma(FloatVector.fromArray(S, bp, bo + NR + L), y1);
        }
        if (p < kc) {
            int bo = bOff + p * NR;
            FloatVector av = FloatVector.broadcast(S, a[aOff + p * aStride]);
            x0 = av.fma(FloatVector.fromArray(S, bp, bo), x0);
            x1 = av.fma(FloatVector.fromArray(S, bp, bo + L), x1);
        }
        x0 = x0.add(y0);
        x1 = x1.add(y1);
        if (cols == NR) {
            FloatVector.fromArray(S, c, cOff).add(x0).intoArray(c, cOff);
            FloatVector.fromArray(S, c, cOff + L).add(x1).intoArray(c, cOff + L);
            return;
        }
        x0.intoArray(tile, 0);
        x1.intoArray(tile, L);
        for (int j = 0; j < cols; j++) c[cOff + j] += tile[j];
    }

    @Override
    public void dots(float[] y, int yOff, float[] w, int wOff, int ldw, int rows, float[] x, int xOff, int k) {
        int r = 0;
        for (; r + 3 < rows; r += 4) dots4(y, yOff + r, w, wOff + r * ldw, ldw, x, xOff, k);
        for (; r < rows; r++) y[yOff + r] += dot(w, wOff + r * ldw, x, xOff, k);
    }

    /**
     * Four rows against one vector. Each row keeps two accumulators (even and odd vector steps), so eight
     * independent FMA chains hide the FMA latency and the loads stream at the cache's pace.
     */
    private static void dots4(float[] y, int yOff, float[] w, int w0, int ldw, float[] x, int xOff, int k) {
        int w1 = w0 + ldw, w2 = w1 + ldw, w3 = w2 + ldw;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int p = 0;
        for (int bound2 = k - 2 * L; p <= bound2; p += 2 * L) {
            FloatVector xv = FloatVector.fromArray(S, x, xOff + p);
            FloatVector xw = FloatVector.fromArray(S, x, xOff + p + L);
            a0 = FloatVector.fromArray(S, w, w0 + p).fma(xv, a0);
            a1 = FloatVector.fromArray(S, w, w1 + p).fma(xv, a1);
            a2 = FloatVector.fromArray(S, w, w2 + p).fma(xv, a2);
            a3 = FloatVector.fromArray(S, w, w3 + p).fma(xv, a3);
            b0 = FloatVector.fromArray(S, w, w0 + p + L).fma(xw, b0);
            b1 = FloatVector.fromArray(S, w, w1 + p + L).fma(xw, b1);
            b2 = FloatVector.fromArray(S, w, w2 + p + L).fma(xw, b2);
            b3 = FloatVector.fromArray(S, w, w3 + p + L).fma(xw, b3);
        }
        if (p + L <= k) {
            FloatVector xv = FloatVector.fromArray(S, x, xOff + p);
            a0 = FloatVector.fromArray(S, w, w0 + p).fma(xv, a0);
            a1 = FloatVector.fromArray(S, w, w1 + p).fma(xv, a1);
            a2 = FloatVector.fromArray(S, w, w2 + p).fma(xv, a2);
            a3 = FloatVector.fromArray(S, w, w3 + p).fma(xv, a3);
            p += L;
        }
        float s0 = a0.add(b0).reduceLanes(VectorOperators.ADD);
        float s1 = a1.add(b1).reduceLanes(VectorOperators.ADD);
        float s2 = a2.add(b2).reduceLanes(VectorOperators.ADD);
        float s3 = a3.add(b3).reduceLanes(VectorOperators.ADD);
        for (; p < k; p++) {
            float xv = x[xOff + p];
            s0 += w[w0 + p] * xv;
            s1 += w[w1 + p] * xv;
            s2 += w[w2 + p] * xv;
            s3 += w[w3 + p] * xv;
        }
        y[yOff] += s0;
        y[yOff + 1] += s1;
        y[yOff + 2] += s2;
        y[yOff + 3] += s3;
    }

    private static float dot(float[] w, int w0, float[] x, int xOff, int k) {
        FloatVector a0 = FloatVector.zero(S), b0 = a0;
        int p = 0;
        for (int bound2 = k - 2 * L; p <= bound2; p += 2 * L) {
            a0 = FloatVector.fromArray(S, w, w0 + p).fma(FloatVector.fromArray(S, x, xOff + p), a0);
            b0 = FloatVector.fromArray(S, w, w0 + p + L).fma(FloatVector.fromArray(S, x, xOff + p + L), b0);
        }
        if (p + L <= k) {
            a0 = FloatVector.fromArray(S, w, w0 + p).fma(FloatVector.fromArray(S, x, xOff + p), a0);
            p += L;
        }
        float s = a0.add(b0).reduceLanes(VectorOperators.ADD);
        for (; p < k; p++) s += w[w0 + p] * x[xOff + p];
        return s;
    }
}
