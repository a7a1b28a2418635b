package org.grukit.nlp.forecast;

import java.util.List;
import org.grukit.core.Tensor;

/**
 * The closed-form start of a forecaster's highway: the direct linear autoregression of the model's own windows
 * (normalised, Box-Cox transformed and centred as the network sees them), shared by the targets, its order chosen
 * on the validation windows. With the network's output layer zeroed ({@link ForecastModel#startFromLinear}), training
 * starts from the best linear forecaster of the training part rather than from noise, and learns only what it
 * misses; a stochastic optimiser needs many epochs to find that linear map, and a small series stops early.
 */
final class LinearStart {
    private LinearStart() {}

    /** The order chosen and the highway's weight [H, L] and bias [H]. */
    record Fit(int order, Tensor weight, Tensor bias) {}

    /**
     * @param x          the model's features [row][column], targets first
     * @param targets    how many leading columns are targets
     * @param centre     whether windows are shifted by their last value
     * @param train      origins of the training windows
     * @param validation origins of the validation windows (choose the order)
     * @param order      the order to fit, or 0 to choose it on the validation windows
     */
    static Fit fit(float[][] x, int targets, boolean centre, int inputLength, int horizon, int[] train, int[] validation, int order) {
        int rows = train.length * targets;
        int limit = order > 0 ? order : Math.max(1, Math.min(inputLength, rows / 3));
        Baselines.Gram fitSums = sums(x, targets, centre, limit, horizon, train), valSums = sums(x, targets, centre, limit, horizon, validation);
        Baselines.DirectAr best = null;
        double bestErr = Double.POSITIVE_INFINITY;
        for (int p : order > 0 ? List.of(order) : Baselines.LinearAr.candidates(limit)) {
            Baselines.DirectAr f = fitSums.solve(p);
            double err = valSums.rows == 0 ? 0 : valSums.squaredError(f);
            if (best == null || err < bestErr) {
                best = f;
                bestErr = err;
            }
            if (valSums.rows == 0) break; // nothing to choose by: the smallest order
        }
        float[] w = new float[horizon * inputLength], b = new float[horizon];
        for (int h = 0; h < horizon; h++) {
            b[h] = (float) best.intercepts()[h];
            double[] a = best.coefficients()[h];
            for (int i = 1; i <= a.length; i++) w[h * inputLength + inputLength - i] = (float) a[i - 1]; // lag i is the window's step L - i
        }
        return new Fit(best.order(), Tensor.of(w, horizon, inputLength), Tensor.of(b, horizon));
    }

    /** Sums over every target's windows at the given origins, in the highway's coordinates (lag i = step L - i of the window). */
    private static Baselines.Gram sums(float[][] x, int targets, boolean centre, int p, int horizon, int[] origins) {
        Baselines.Gram g = new Baselines.Gram(p, horizon);
        double[] row = new double[p + 1], ahead = new double[horizon];
        row[0] = 1;
        for (int o : origins) {
            for (int j = 0; j < targets; j++) {
                double shift = centre ? x[o - 1][j] : 0;
                for (int i = 1; i <= p; i++) row[i] = x[o - i][j] - shift;
                for (int h = 0; h < horizon; h++) ahead[h] = x[o + h][j] - shift;
                g.add(row, ahead);
            }
        }
        return g;
    }
}
