package org.grukit.core.kernel;

/** Sums over rows and columns of [rows, cols] blocks, accumulating into the output. */
public final class Reductions {
    private Reductions() {}

    /** out[j] += sum over r of x[r, j]: a bias gradient from a [rows, cols] output gradient. */
    public static void sumRows(float[] out, int outOff, float[] x, int xOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int o = xOff + r * cols;
            for (int j = 0; j < cols; j++) out[outOff + j] += x[o + j];
        }
    }

    /** Sum of x[off .. off + n), accumulated in double. */
    public static double sum(float[] x, int off, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += x[off + i];
        return s;
    }
}
