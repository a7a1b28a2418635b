package org.grukit.core.kernel;

import jdk.incubator.vector.FloatVector;
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
            addInto(c, cOff, c00, c01);
            addInto(c, cOff + ldc, c10, c11);
            addInto(c, cOff + 2 * ldc, c20, c21);
            addInto(c, cOff + 3 * ldc, c30, c31);
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

    private static void addInto(float[] c, int off, FloatVector lo, FloatVector hi) {
        FloatVector.fromArray(S, c, off).add(lo).intoArray(c, off);
        FloatVector.fromArray(S, c, off + L).add(hi).intoArray(c, off + L);
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
            addInto(c, cOff, x0, x1);
            return;
        }
        x0.intoArray(tile, 0);
        x1.intoArray(tile, L);
        for (int j = 0; j < cols; j++) c[cOff + j] += tile[j];
    }
}
