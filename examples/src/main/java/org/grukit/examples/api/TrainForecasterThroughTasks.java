package org.grukit.examples.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.grukit.core.task.Tasks;
import org.grukit.nlp.forecast.ForecastData;
import org.grukit.nlp.forecast.ForecastTask;
import org.grukit.nlp.forecast.Forecaster;
import org.grukit.nlp.forecast.TimeSeries;

/**
 * Forecasting from Java through the task contract: train on a CSV series (70% train, 10% validation, 20% test), load
 * the model back and forecast past the end of the data. Arguments: CSV DATE_COLUMN HORIZON MODEL_DIR
 * (airline-passengers.csv Month 12 runs/air).
 */
public final class TrainForecasterThroughTasks {
    private TrainForecasterThroughTasks() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: TrainForecasterThroughTasks CSV DATE_COLUMN HORIZON MODEL_DIR");
            System.exit(2);
        }
        TimeSeries series = TimeSeries.readCsv(Path.of(args[0]), args[1], List.of());
        ForecastData data = new ForecastData(series, Forecaster.Split.fractions(series.length(), 0.2, 0.1));
        int horizon = Integer.parseInt(args[2]);
        Forecaster.Settings settings = Forecaster.Settings.defaults(horizon, series.frequency()); // sized to horizon and frequency
        // One dataset: the split inside it says which rows train, validate and test.
        Tasks.Trained<Forecaster> run = Tasks.train(new ForecastTask(), settings, data, data, Tasks.Run.into(Path.of(args[3])));
        System.out.println("validation: " + run.dev());

        Forecaster f = Forecaster.load(Path.of(args[3]));
        Forecaster.Forecast next = f.predict(List.of(series)).get(0);
        System.out.println("next " + horizon + ": " + Arrays.deepToString(next.point()));
    }
}
