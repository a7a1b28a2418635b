package org.grukit.nlp.forecast;

import java.io.IOException;
import java.nio.file.Path;
import org.grukit.core.task.Task;

/**
 * Forecasting through the task contract: a series with its split in, the forecast after a history out. What is
 * its own (scales, windows, the GRU forecaster, its loss, validation loss, the optional refit) lives in
 * {@link Forecaster}. Training and dev data are the same {@link ForecastData}: its split says which rows are which.
 */
public final class ForecastTask implements Task<Forecaster.Settings, ForecastData, TimeSeries, Forecaster.Forecast,
        Forecaster> {

    @Override
    public String name() {
        return "forecast";
    }

    @Override
    public String modelType() {
        return ForecastModel.TYPE;
    }

    /** The rows before the test part. */
    @Override
    public int size(ForecastData data) {
        return data.split().validation();
    }

    /** Without a horizon or a frequency to size them by, the defaults of a 24-step hourly forecast. */
    @Override
    public Forecaster.Settings defaults(int trainSize) {
        return Forecaster.Settings.defaults(24, TimeSeries.Frequency.HOURLY);
    }

    @Override
    public Training<Forecaster> prepare(Forecaster.Settings settings, ForecastData train, ForecastData dev) {
        if (!train.equals(dev)) {
            throw new IllegalArgumentException("forecasting trains and validates on parts of one series: give the same"
                    + " ForecastData (series and split) as training and dev data");
        }
        return Forecaster.prepare(train, settings);
    }

    @Override
    public Forecaster load(Path dir) throws IOException {
        return Forecaster.load(dir);
    }
}
