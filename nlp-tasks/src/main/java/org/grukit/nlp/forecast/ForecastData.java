package org.grukit.nlp.forecast;

/**
 * A series with the borders of its training, validation and test parts: the dataset of the forecasting task.
 * Training and validation are parts of one series, so the task's training and dev data are the same value.
 */
public record ForecastData(TimeSeries series, Forecaster.Split split) {
    public ForecastData {
        if (series == null || split == null) throw new IllegalArgumentException("a forecast dataset needs a series and a split");
        if (split.test() > series.length()) {
            throw new IllegalArgumentException("the split ends at row " + split.test() + " but the series has " + series.length());
        }
    }
}
