package org.grukit.core.kernel;

/** Numerically stable softmax and log-softmax over the rows of a [rows, n] block, with their backward. */
public final class Softmax {
    private Softmax() {}

    /** out[r, :] = softmax(x[r, :]) for each of {@code rows} rows of length n. */
    public static void softmax(float[] out, int outOff, float[] x, int xOff, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            int xo = xOff + r * n, oo = outOff + r * n;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) max = Math.max(max, x[xo + j]);
            if (max == Float.NEGATIVE_INFINITY) {
                // Every position masked: a row of zeros rather than NaN, so padded queries stay inert.
                for (int j = 0; j < n; j++) out[oo + j] = 0f;
                continue;
            }
            double sum = 0;
            for (int j = 0; j < n; j++) {
                float e = (float) Math.exp(x[xo + j] - max);
                out[oo + j] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int j = 0; j < n; j++) out[oo + j] *= inv;
        }
    }

    /** out[r, :] = log_softmax(x[r, :]). */
    public static void logSoftmax(float[] out, int outOff, float[] x, int xOff, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            int xo = xOff + r * n, oo = outOff + r * n;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) max = Math.max(max, x[xo + j]);
            double sum = 0;
            for (int j = 0; j < n; j++) sum += Math.exp(x[xo + j] - max);
            float lse = (float) (max + Math.log(sum));
            for (int j = 0; j < n; j++) out[oo + j] = x[xo + j] - lse;
        }
    }

    /** dx += y * (dy - sum(dy * y)) per row, where y is the softmax output. */
    public static void softmaxBackward(float[] dx, int dxOff, float[] y, int yOff, float[] dy, int dyOff,
                                       int rows, int n) {
        for (int r = 0; r < rows; r++) {
            int o = r * n;
            double dot = 0;
            for (int j = 0; j < n; j++) dot += dy[dyOff + o + j] * y[yOff + o + j];
            float d = (float) dot;
            for (int j = 0; j < n; j++) dx[dxOff + o + j] += y[yOff + o + j] * (dy[dyOff + o + j] - d);
        }
    }

    /** dx += dy - exp(y) * sum(dy) per row, where y is the log-softmax output. */
    public static void logSoftmaxBackward(float[] dx, int dxOff, float[] y, int yOff, float[] dy, int dyOff,
                                          int rows, int n) {
        for (int r = 0; r < rows; r++) {
            int o = r * n;
            double sum = 0;
            for (int j = 0; j < n; j++) sum += dy[dyOff + o + j];
            float s = (float) sum;
            for (int j = 0; j < n; j++) {
                dx[dxOff + o + j] += dy[dyOff + o + j] - (float) Math.exp(y[yOff + o + j]) * s;
            }
        }
    }
}
