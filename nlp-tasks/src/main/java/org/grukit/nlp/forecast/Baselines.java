package org.grukit.nlp.forecast;

/**
 * The forecasts a learned model must beat, for one series: naive (the last value), seasonal naive (the value one
 * season before, Hyndman and Athanasopoulos, "Forecasting: Principles and Practice", 5.2) and linear
 * autoregression of order p (least squares with an intercept on the training part), either recursive (one step
 * ahead, its own forecasts fed back: {@link LinearAr}) or direct (one fit per step ahead: {@link DirectAr}, which
 * cannot drift away at long horizons), its order and strategy given or chosen on the validation part, optionally
 * of a Box-Cox transform of the series ({@link TransformedAr}).
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

    /** A fitted autoregression: forecasts from the last {@link #order} values. */
    public sealed interface Autoregression permits LinearAr, DirectAr {
        int order();

        /** The next {@code horizon} values after y[0, origin). */
        float[] forecast(float[] y, int origin, int horizon);
    }

    /** The two ways an autoregression forecasts several steps. */
    public enum Strategy { RECURSIVE, DIRECT }

    /** y_t = c + sum_i a_i y_{t-i}, i = 1..p. */
    public record LinearAr(double intercept, double[] coefficients) implements Autoregression {
        @Override
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
            return (LinearAr) TransformedAr.choose(y, split, maxOrder, horizon, java.util.List.of(BoxCox.NONE)).ar();
        }

        static java.util.List<Integer> candidates(int limit) {
            java.util.List<Integer> out = new java.util.ArrayList<>();
            for (int p = 1; p <= limit; p = p < 4 ? p + 1 : p + Math.max(2, Integer.highestOneBit(p) / 2)) out.add(p);
            if (out.get(out.size() - 1) != limit) out.add(limit);
            return out;
        }

        /** The next {@code horizon} values after y[0, origin), each forecast fed back as history. */
        @Override
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
     * The direct strategy: y_{o+h} = c_h + sum_i a_{h,i} y_{o-i}, i = 1..p, one least-squares fit per step h = 0..H-1
     * from the same p values, so no forecast is fed back and an error does not compound over the horizon.
     *
     * @param intercepts   c_h per step
     * @param coefficients a_{h,i} [step][lag - 1]
     */
    public record DirectAr(double[] intercepts, double[][] coefficients) implements Autoregression {
        @Override
        public int order() {
            return coefficients[0].length;
        }

        public int horizon() {
            return intercepts.length;
        }

        /** Fits by least squares on windows of y[0, end): every origin o in [order, end - horizon]. */
        public static DirectAr fit(float[] y, int end, int order, int horizon) {
            if (order < 1 || horizon < 1) throw new IllegalArgumentException("order and horizon must be >= 1, got " + order + " and " + horizon);
            Gram g = Gram.of(y, order, end - horizon, order, horizon);
            if (g.rows < order + 1) {
                throw new IllegalArgumentException("a direct AR(" + order + ") fit for " + horizon + " steps needs more than " + (2 * order + horizon)
                        + " training values, got " + end);
            }
            return g.solve(order);
        }

        @Override
        public float[] forecast(float[] y, int origin, int horizon) {
            if (horizon > horizon()) throw new IllegalArgumentException("fitted for " + horizon() + " steps, asked for " + horizon);
            int p = order();
            check(origin, p);
            float[] out = new float[horizon];
            for (int h = 0; h < horizon; h++) {
                double v = intercepts[h];
                double[] a = coefficients[h];
                for (int i = 1; i <= p; i++) v += a[i - 1] * y[origin - i];
                out[h] = (float) v;
            }
            return out;
        }
    }

    /**
     * The sums a direct autoregression is fitted and scored from, over rows x = (1, lag 1, ..., lag p) with targets
     * the steps ahead (y[o], ..., y[o+H-1]): X'X, X'Y and each step's sum of squares. Any order up to p reads its
     * block of the first rows and columns.
     */
    static final class Gram {
        final int p, horizon;
        int rows;
        final double[][] xx, xy;
        final double[] yy;

        Gram(int p, int horizon) {
            this.p = p;
            this.horizon = horizon;
            xx = new double[p + 1][p + 1];
            xy = new double[p + 1][horizon];
            yy = new double[horizon];
        }

        /** One row: x[0] = 1, x[i] = lag i; {@code y} the steps ahead. */
        void add(double[] x, double[] y) {
            int k = p + 1;
            for (int i = 0; i < k; i++) {
                double xi = x[i];
                if (xi == 0) continue;
                double[] row = xx[i];
                for (int j = i; j < k; j++) row[j] += xi * x[j];
                double[] r = xy[i];
                for (int h = 0; h < horizon; h++) r[h] += xi * y[h];
            }
            for (int h = 0; h < horizon; h++) yy[h] += y[h] * y[h];
            rows++;
        }

        /** The windows of one series with origins o in [max(from, p), to]. */
        static Gram of(float[] y, int p, int to, int from, int horizon) {
            Gram g = new Gram(p, horizon);
            double[] x = new double[p + 1], t = new double[horizon];
            x[0] = 1;
            for (int o = Math.max(from, p); o <= to; o++) {
                for (int i = 1; i <= p; i++) x[i] = y[o - i];
                for (int h = 0; h < horizon; h++) t[h] = y[o + h];
                g.add(x, t);
            }
            return g;
        }

        /** The least-squares fit of order q <= p from the block of the sums (with the recursive fit's tiny ridge). */
        DirectAr solve(int q) {
            int k = q + 1;
            double[][] a = new double[k][k];
            double trace = 0;
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) a[i][j] = j >= i ? xx[i][j] : xx[j][i]; // add() fills the upper triangle
                trace += a[i][i];
            }
            for (int i = 1; i < k; i++) a[i][i] += 1e-8 * trace / k;
            double[][] b = new double[k][];
            for (int i = 0; i < k; i++) b[i] = xy[i].clone();
            double[][] w = solveMany(a, b);
            double[] c = new double[horizon];
            double[][] coef = new double[horizon][q];
            for (int h = 0; h < horizon; h++) {
                c[h] = w[0][h];
                for (int i = 1; i < k; i++) coef[h][i - 1] = w[i][h];
            }
            return new DirectAr(c, coef);
        }

        /** The summed squared error of a fit of order q <= p over these windows: sum_h yy_h - 2 w_h'XY_h + w_h'XX w_h. */
        double squaredError(DirectAr fit) {
            int q = fit.order(), k = q + 1;
            double err = 0;
            double[] w = new double[k];
            for (int h = 0; h < horizon; h++) {
                w[0] = fit.intercepts()[h];
                System.arraycopy(fit.coefficients()[h], 0, w, 1, q);
                double quad = 0, lin = 0;
                for (int i = 0; i < k; i++) {
                    double s = 0;
                    for (int j = 0; j < k; j++) s += (j >= i ? xx[i][j] : xx[j][i]) * w[j];
                    quad += w[i] * s;
                    lin += w[i] * xy[i][h];
                }
                err += yy[h] - 2 * lin + quad;
            }
            return Math.max(0, err);
        }
    }

    /**
     * A linear autoregression fitted to a Box-Cox transform of the series; its forecasts are transformed back.
     * With {@link BoxCox#NONE} it is the plain autoregression.
     */
    public record TransformedAr(BoxCox transform, Autoregression ar) {
        /** Fits a recursive AR({@code order}) by least squares to the transformed y[0, end). */
        public static TransformedAr fit(float[] y, int end, int order, BoxCox transform) {
            return new TransformedAr(transform, LinearAr.fit(transform.apply(java.util.Arrays.copyOf(y, end), "y"), end, order));
        }

        /** Fits an AR({@code order}) of the given strategy to the transformed y[0, end); direct fits cover {@code horizon} steps. */
        public static TransformedAr fit(float[] y, int end, int order, BoxCox transform, Strategy strategy, int horizon) {
            if (strategy == Strategy.RECURSIVE) return fit(y, end, order, transform);
            return new TransformedAr(transform, DirectAr.fit(transform.apply(java.util.Arrays.copyOf(y, end), "y"), end, order, horizon));
        }

        public Strategy strategy() {
            return ar instanceof DirectAr ? Strategy.DIRECT : Strategy.RECURSIVE;
        }

        /**
         * The transform among {@code transforms} (those whose domain holds every value of y) and the order (as in
         * {@link LinearAr#chooseOrder}) of a recursive autoregression whose fit on the training part forecasts the
         * validation windows with the least squared error on the original scale; fitted on the training part.
         */
        public static TransformedAr choose(float[] y, Forecaster.Split split, int maxOrder, int horizon, java.util.List<BoxCox> transforms) {
            return choose(y, split, maxOrder, horizon, transforms, java.util.List.of(Strategy.RECURSIVE));
        }

        /**
         * As {@link #choose(float[], Forecaster.Split, int, int, java.util.List)}, also choosing among the strategies.
         * A direct fit of the untransformed series is scored from sums over the windows (exactly the squared error,
         * without forecasting each window), each order on the rows the largest order can use.
         */
        public static TransformedAr choose(float[] y, Forecaster.Split split, int maxOrder, int horizon, java.util.List<BoxCox> transforms,
                                           java.util.List<Strategy> strategies) {
            int limit = Math.max(1, Math.min(maxOrder, (split.train() - 1) / 3));
            TransformedAr best = null;
            double bestErr = Double.POSITIVE_INFINITY;
            for (BoxCox t : transforms) {
                if (!t.accepts(y, 0, y.length)) continue;
                float[] w = t.apply(java.util.Arrays.copyOf(y, split.train()), "y");
                for (Strategy strategy : strategies) {
                    java.util.List<Integer> orders = LinearAr.candidates(limit);
                    if (strategy == Strategy.DIRECT) {
                        int top = Math.min(limit, (split.train() - horizon) / 2 - 1);
                        if (top < 1) continue;
                        orders = LinearAr.candidates(top);
                        if (t.isIdentity()) {
                            Gram train = Gram.of(w, top, split.train() - horizon, top, horizon);
                            Gram val = Gram.of(y, top, split.validation() - horizon, Math.max(split.train(), top), horizon);
                            if (val.rows == 0) continue;
                            for (int p : orders) {
                                DirectAr fit = train.solve(p);
                                double err = val.squaredError(fit) / ((double) val.rows * horizon);
                                if (err < bestErr) {
                                    bestErr = err;
                                    best = new TransformedAr(t, fit);
                                }
                            }
                            continue;
                        }
                    }
                    for (int p : orders) {
                        TransformedAr fit = new TransformedAr(t, strategy == Strategy.DIRECT ? DirectAr.fit(w, split.train(), p, horizon)
                                : LinearAr.fit(w, split.train(), p));
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
            }
            if (best == null) throw new IllegalArgumentException("no validation window (or no transform whose domain holds the series) to choose an autoregression on");
            return best;
        }

        /** The same order, strategy and transform fitted again on y[0, end), e.g. on the training and validation parts. */
        public TransformedAr refit(float[] y, int end) {
            return ar instanceof DirectAr d ? fit(y, end, d.order(), transform, Strategy.DIRECT, d.horizon()) : fit(y, end, ar.order(), transform);
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

    /** Solves a x = b column by column of b [n][m] (Gaussian elimination with partial pivoting); a and b are overwritten. */
    static double[][] solveMany(double[][] a, double[][] b) {
        int n = a.length, m = b[0].length;
        for (int c = 0; c < n; c++) {
            int piv = c;
            for (int r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
            if (Math.abs(a[piv][c]) < 1e-300) throw new IllegalArgumentException("the least-squares system is singular (a constant series?)");
            double[] t = a[c];
            a[c] = a[piv];
            a[piv] = t;
            t = b[c];
            b[c] = b[piv];
            b[piv] = t;
            for (int r = c + 1; r < n; r++) {
                double f = a[r][c] / a[c][c];
                if (f == 0) continue;
                for (int j = c; j < n; j++) a[r][j] -= f * a[c][j];
                for (int j = 0; j < m; j++) b[r][j] -= f * b[c][j];
            }
        }
        for (int c = n - 1; c >= 0; c--) {
            for (int j = c + 1; j < n; j++) {
                double f = a[c][j];
                if (f != 0) for (int i = 0; i < m; i++) b[c][i] -= f * b[j][i];
            }
            for (int i = 0; i < m; i++) b[c][i] /= a[c][c];
        }
        return b;
    }

    /** Gaussian elimination with partial pivoting; {@code a} is overwritten. */
    static double[] solve(double[][] a, double[] b) {
        double[][] column = new double[b.length][1];
        for (int i = 0; i < b.length; i++) column[i][0] = b[i];
        double[][] x = solveMany(a, column);
        double[] out = new double[b.length];
        for (int i = 0; i < b.length; i++) out[i] = x[i][0];
        return out;
    }
}
