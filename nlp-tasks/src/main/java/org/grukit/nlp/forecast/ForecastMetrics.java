package org.grukit.nlp.forecast;

/**
 * Point-forecast errors over paired actual and forecast values (all horizons and series pooled): MAE, MSE, RMSE,
 * MAPE (percent, over non-zero actuals), sMAPE (percent, 200 |F - A| / (|A| + |F|), pairs with both zero count
 * as 0, as in the M4 competition) and MASE (MAE over the in-sample MAE of the seasonal naive forecast on the
 * training part, Hyndman and Koehler 2006).
 */
public final class ForecastMetrics {
    private ForecastMetrics() {}

    /** Every metric; {@code mase} is NaN when no scale was given. */
    public record Report(double mae, double mse, double rmse, double mape, double smape, double mase, int count) {}

    public static Report of(float[] actual, float[] forecast, double maseScale) {
        if (actual.length != forecast.length) throw new IllegalArgumentException("expected as many forecasts as actuals, got " + forecast.length + " and " + actual.length);
        if (actual.length == 0) throw new IllegalArgumentException("no values to score");
        double abs = 0, sq = 0, ape = 0, sape = 0;
        int nonZero = 0;
        for (int i = 0; i < actual.length; i++) {
            double a = actual[i], f = forecast[i], e = Math.abs(f - a);
            abs += e;
            sq += e * e;
            if (a != 0) {
                ape += e / Math.abs(a);
                nonZero++;
            }
            double d = Math.abs(a) + Math.abs(f);
            if (d > 0) sape += 2 * e / d;
        }
        int n = actual.length;
        double mae = abs / n;
        return new Report(mae, sq / n, Math.sqrt(sq / n), nonZero == 0 ? Double.NaN : 100 * ape / nonZero, 100 * sape / n,
                maseScale > 0 ? mae / maseScale : Double.NaN, n);
    }

    /**
     * The MASE scale: the mean absolute difference y_t - y_{t-m} over a training series (m = 1 when the series is
     * not longer than m).
     */
    public static double maseScale(float[] train, int season) {
        int m = season >= 1 && train.length > season ? season : 1;
        if (train.length <= m) throw new IllegalArgumentException("a MASE scale needs more than " + m + " training values, got " + train.length);
        double s = 0;
        for (int t = m; t < train.length; t++) s += Math.abs(train[t] - train[t - m]);
        return s / (train.length - m);
    }
}
