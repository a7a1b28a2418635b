package org.grukit.core.synthetic;

import org.grukit.core.Rng;
import org.grukit.core.Tensor;

/**
 * The adding problem (Hochreiter and Schmidhuber 1997), a standard test of long-range memory: each step
 * carries a value drawn from U(0, 1) and a marker; exactly two steps are marked, one in each half, and the
 * target is the sum of the two marked values. Predicting the mean (1.0) gives a mean squared error of
 * 1/6; a model must remember values across the sequence to do better.
 */
public final class AddingProblem {
    private AddingProblem() {}

    /** inputs [N, T, 2] (value, marker) and targets [N]. */
    public record Data(Tensor inputs, float[] targets) {
        public int size() {
            return targets.length;
        }
    }

    /** The MSE of always predicting the expected target, 1.0. */
    public static final double MEAN_PREDICTOR_MSE = 1.0 / 6.0;

    public static Data generate(int n, int steps, Rng rng) {
        if (n <= 0) throw new IllegalArgumentException("n must be > 0, got " + n);
        if (steps < 2) throw new IllegalArgumentException("steps must be >= 2, got " + steps);
        Tensor x = Tensor.zeros(n, steps, 2);
        float[] d = x.array();
        float[] y = new float[n];
        int half = steps / 2;
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < steps; t++) d[(i * steps + t) * 2] = (float) rng.uniform();
            int a = rng.nextInt(half), b = half + rng.nextInt(steps - half);
            d[(i * steps + a) * 2 + 1] = 1f;
            d[(i * steps + b) * 2 + 1] = 1f;
            y[i] = d[(i * steps + a) * 2] + d[(i * steps + b) * 2];
        }
        return new Data(x, y);
    }

    /** Rows {@code idx} of {@code data} as a batch [B, T, 2] and its targets [B]. */
    public static Data batch(Data data, int[] idx) {
        int steps = data.inputs().dim(1), row = steps * 2;
        Tensor x = Tensor.zeros(idx.length, steps, 2);
        float[] y = new float[idx.length];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(data.inputs().array(), data.inputs().offset() + idx[i] * row, x.array(), i * row, row);
            y[i] = data.targets()[idx[i]];
        }
        return new Data(x, y);
    }
}
