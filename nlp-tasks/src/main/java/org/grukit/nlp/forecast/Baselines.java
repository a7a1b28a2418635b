package org.grukit.nlp.forecast;

/**
 * The forecasts a learned model must beat, for one series: naive (the last value), seasonal naive (the value one
 * season before, Hyndman and Athanasopoulos, "Forecasting: Principles and Practice", 5.2) and linear
 * autoregression of order p (least squares with an intercept on the training part, forecasting several steps
 * by feeding its own forecasts back), its order given or chosen on the validation part, optionally of a Box-Cox
 * transform of the series ({@link TransformedAr}).
 */
public final class Baselines {
    private Baselines() {}

    /** y[origin - 1] for every step: history is y[0, origin). */
    public static float[] naive(float[] y, int origin, int horizon) {
        check(origin, 1);
        float[] out = new float[horizon];
        java.util.Arrays.fill(out, y[origin - 1]);
        return out;
    }

    /** Step h (1-based) repeats y[origin + h - 1 - m k], the latest value of the same season (k = ceil(h / m)). */
    public static float[] seasonalNaive(float[] y, int origin, int horizon, int season) {
        if (season < 1) throw new IllegalArgumentException("season must be >= 1, got " + season);
        check(origin, season);
        float[] out = new float[horizon];
        for (int h = 1; h <= horizon; h++) {
            int k = (h + season - 1) / season;
            out[h - 1] = y[origin + h - 1 - season * k];
        }
        return out;
    }

    private static void check(int origin, int need) {
        if (origin < need) throw new IllegalArgumentException("need at least " + need + " values of history, got " + origin);
    }

    /** y_t = c + sum_i a_i y_{t-i}, i = 1..p. */
    public record LinearAr(double intercept, double[] coefficients) {
        public int order() {
            return coefficients.length;
        }

        /** Fits by least squares on y[0, end) (a tiny ridge keeps the normal equations solvable). */
        public static LinearAr fit(float[] y, int end, int order) {
            if (order < 1) throw new IllegalArgumentException("order must be >= 1, got " + order);
            int rows = end - order, k = order + 1;
            if (rows < k) throw new IllegalArgumentException("an AR(" + order + ") fit needs more than " + (order + k) + " training values, got " + end);
            double[][] a = new double[k][k];
            double[] b = new double[k];
            double[] x = new double[k];
            for (int t = order; t < end; t++) {
                x[0] = 1;
                for (int i = 1; i <= order; i++) x[i] = y[t - i];
                for (int i = 0; i < k; i++) {
                    b[i] += x[i] * y[t];
                    for (int j = 0; j < k; j++) a[i][j] += x[i] * x[j];
                }
            }
            double trace = 0;
            for (int i = 0; i < k; i++) trace += a[i][i];
            for (int i = 1; i < k; i++) a[i][i] += 1e-8 * trace / k;
            double[] w = solve(a, b);
            return new LinearAr(w[0], java.util.Arrays.copyOfRange(w, 1, k));
        }

        /**
         * The order, among 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, ... up to {@code maxOrder} (and no more than a third of
         * the training part), whose fit on the training part forecasts the validation windows (every origin in
         * [train, validation - horizon], stride 1) with the least squared error; fitted on the training part.
         */
        public static LinearAr chooseOrder(float[] y, Forecaster.Split split, int maxOrder, int horizon) {
            return TransformedAr.choose(y, split, maxOrder, horizon, java.util.List.of(BoxCox.NONE)).ar();
        }

        private static java.util.List<Integer> candidates(int limit) {
            java.util.List<Integer> out = new java.util.ArrayList<>();
            for (int p = 1; p <= limit; p = p < 4 ? p + 1 : p + Math.max(2, Integer.highestOneBit(p) / 2)) out.add(p);
            if (out.get(out.size() - 1) != limit) out.add(limit);
            return out;
        }

        /** The next {@code horizon} values after y[0, origin), each forecast fed back as history. */
        public float[] forecast(float[] y, int origin, int horizon) {
            int p = order();
            check(origin, p);
            double[] hist = new double[p + horizon];
            for (int i = 0; i < p; i++) hist[i] = y[origin - p + i];
            float[] out = new float[horizon];
            for (int h = 0; h < horizon; h++) {
                double v = intercept;
                for (int i = 1; i <= p; i++) v += coefficients[i - 1] * hist[p + h - i];
                hist[p + h] = v;
                out[h] = (float) v;
            }
            return out;
        }
    }

    /**
     * A linear autoregression fitted to a Box-Cox transform of the series; its forecasts are transformed back.
     * With {@link BoxCox#NONE} it is the plain {@link LinearAr}.
     */
    public record TransformedAr(BoxCox transform, LinearAr ar) {
        /** Fits AR({@code order}) by least squares to the transformed y[0, end). */
        public static TransformedAr fit(float[] y, int end, int order, BoxCox transform) {
            return new TransformedAr(transform, LinearAr.fit(transform.apply(java.util.Arrays.copyOf(y, end), "y"), end, order));
        }

        /**
         * The transform among {@code transforms} (those whose domain holds every value of y) and the order (as in
         * {@link LinearAr#chooseOrder}) whose fit on the training part forecasts the validation windows with the
         * least squared error on the original scale; fitted on the training part.
         */
        public static TransformedAr choose(float[] y, Forecaster.Split split, int maxOrder, int horizon, java.util.List<BoxCox> transforms) {
            int limit = Math.max(1, Math.min(maxOrder, (split.train() - 1) / 3));
            TransformedAr best = null;
            double bestErr = Double.POSITIVE_INFINITY;
            for (BoxCox t : transforms) {
                if (!t.accepts(y, 0, y.length)) continue;
                float[] w = t.apply(java.util.Arrays.copyOf(y, split.train()), "y");
                for (int p : LinearAr.candidates(limit)) {
                    TransformedAr fit = new TransformedAr(t, LinearAr.fit(w, split.train(), p));
                    double err = 0;
                    int n = 0;
                    for (int o = Math.max(split.train(), p); o + horizon <= split.validation(); o++) {
                        float[] f = fit.forecast(y, o, horizon);
                        for (int h = 0; h < horizon; h++, n++) err += (f[h] - y[o + h]) * (double) (f[h] - y[o + h]);
                    }
                    if (n > 0 && err / n < bestErr) {
                        bestErr = err / n;
                        best = fit;
                    }
                }
            }
            if (best == null) throw new IllegalArgumentException("no validation window (or no transform whose domain holds the series) to choose an autoregression on");
            return best;
        }

        /** The same order and transform fitted again on y[0, end), e.g. on the training and validation parts. */
        public TransformedAr refit(float[] y, int end) {
            return fit(y, end, ar.order(), transform);
        }

        /** The next {@code horizon} values after y[0, origin), on the original scale. */
        public float[] forecast(float[] y, int origin, int horizon) {
            int p = ar.order();
            check(origin, p);
            if (transform.isIdentity()) return ar.forecast(y, origin, horizon);
            float[] hist = new float[p];
            for (int i = 0; i < p; i++) hist[i] = transform.apply(y[origin - p + i]);
            return transform.invert(ar.forecast(hist, p, horizon));
        }
    }

    /** Gaussian elimination with partial pivoting; {@code a} is overwritten. */
    static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[] x = b.clone();
        for (int c = 0; c < n; c++) {
            int piv = c;
            for (int r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
            if (Math.abs(a[piv][c]) < 1e-300) throw new IllegalArgumentException("the least-squares system is singular (a constant series?)");
            double[] tr = a[c];
            a[c] = a[piv];
            a[piv] = tr;
            double tx = x[c];
            x[c] = x[piv];
            x[piv] = tx;
            for (int r = c + 1; r < n; r++) {
                double f = a[r][c] / a[c][c];
                if (f == 0) continue;
                for (int j = c; j < n; j++) a[r][j] -= f * a[c][j];
                x[r] -= f * x[c];
            }
        }
        for (int c = n - 1; c >= 0; c--) {
            double s = x[c];
            for (int j = c + 1; j < n; j++) s -= a[c][j] * x[j];
            x[c] = s / a[c][c];
        }
        return x;
    }
}
