package org.grukit.core.kernel;

/** The plain-Java micro-kernel: the fallback when jdk.incubator.vector is not enabled. */
final class ScalarMicroKernel implements MicroKernel {
    static final int NR = 16;

    @Override
    public int nr() {
        return NR;
    }

    @Override
    public String name() {
        return "java";
    }

    @Override
    public void tile(float[] ap, int aOff, float[] bp, int bOff, int kc, float[] c, int cOff, int ldc, int rows,
                     int cols, float[] tile) {
        java.util.Arrays.fill(tile, 0, MR * NR, 0f);
        for (int p = 0; p < kc; p++) {
            int bo = bOff + p * NR, ao = aOff + p * MR;
            for (int r = 0; r < MR; r++) {
                float av = ap[ao + r];
                int to = r * NR;
                for (int j = 0; j < NR; j++) tile[to + j] += av * bp[bo + j];
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) c[cOff + r * ldc + j] += tile[r * NR + j];
        }
    }

    @Override
    public void row(float[] a, int aOff, int aStride, float[] bp, int bOff, int kc, float[] c, int cOff, int cols,
                    float[] tile) {
        java.util.Arrays.fill(tile, 0, NR, 0f);
        for (int p = 0; p < kc; p++) {
            float av = a[aOff + p * aStride];
            int bo = bOff + p * NR;
            for (int j = 0; j < NR; j++) tile[j] += av * bp[bo + j];
        }
        for (int j = 0; j < cols; j++) c[cOff + j] += tile[j];
    }

    @Override
    public void dots(float[] y, int yOff, float[] w, int wOff, int ldw, int rows, float[] x, int xOff, int k) {
        for (int r = 0; r < rows; r++) {
            int wr = wOff + r * ldw;
            float s = 0f;
            for (int p = 0; p < k; p++) s += w[wr + p] * x[xOff + p];
            y[yOff + r] += s;
        }
    }
}
