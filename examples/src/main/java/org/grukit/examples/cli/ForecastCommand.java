package org.grukit.examples.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grukit.core.kernel.Parallel;
import org.grukit.core.plot.Charts;
import org.grukit.core.train.JsonLines;
import org.grukit.nlp.forecast.BoxCox;
import org.grukit.nlp.forecast.ForecastData;
import org.grukit.nlp.forecast.ForecastMetrics;
import org.grukit.nlp.forecast.ForecastModel;
import org.grukit.nlp.forecast.Forecaster;
import org.grukit.nlp.forecast.TimeSeries;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code grukit forecast train|eval|predict}: GRU forecasting of one or more columns of a CSV time series. */
@Command(name = "forecast", mixinStandardHelpOptions = true, description = "Time-series forecasting with GRUs, beside naive, seasonal naive and "
        + "linear autoregression baselines.", subcommands = {ForecastCommand.Train.class, ForecastCommand.Eval.class, ForecastCommand.Predict.class})
final class ForecastCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    /** The data and the split, shared by train and eval. */
    static final class DataOptions {
        @Option(names = "--data", required = true, description = "A CSV file with a header: a date column and numeric columns.") Path data;
        @Option(names = "--date-column", description = "The date column (default: the first).") String dateColumn;
        @Option(names = "--split", description = "Rows of the train, validation and test parts from the start, e.g. 8640,2880,2880 "
                + "(ETTh1's 12/4/4 months); default: the last --test-fraction is test, the --val-fraction before it validation.") String split;
        @Option(names = "--test-fraction", description = "Default: 0.2 (eval: the model's split).") Double testFraction;
        @Option(names = "--val-fraction", description = "Default: 0.1 (eval: the model's split).") Double valFraction;

        TimeSeries read() throws IOException {
            TimeSeries s = TimeSeries.readCsv(data, dateColumn, null);
            if (s.gapReport() != null) System.err.println("warning: " + s.gapReport());
            return s;
        }

        /** Whether the command line names a split (--split or a fraction). */
        boolean givesSplit() {
            return split != null || testFraction != null || valFraction != null;
        }

        Forecaster.Split split(TimeSeries s) {
            if (split == null) return Forecaster.Split.fractions(s.length(), testFraction == null ? 0.2 : testFraction, valFraction == null ? 0.1 : valFraction);
            String[] p = split.split(",");
            if (p.length != 3) throw new IllegalArgumentException("--split needs three sizes (train,validation,test), got " + split);
            try {
                return Forecaster.Split.sizes(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()), Integer.parseInt(p[2].trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--split needs three whole numbers, got " + split);
            }
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true, description = "Train on sliding windows; validation loss picks the epoch.")
    static final class Train implements Callable<Integer> {
        /**
         * The library's defaults for a short series; the input window, the network and the training depend on the
         * series' length and frequency ({@link Forecaster.Settings#defaults(int, TimeSeries.Frequency, int)}), so the
         * options that follow them are empty unless given.
         */
        private static final Forecaster.Settings D = Forecaster.Settings.defaults(1, TimeSeries.Frequency.HOURLY);
        private static final String BY_LENGTH = " (default: by the series' length: "
                + Forecaster.Settings.LONG_SERIES_WINDOWS + " training windows or more take the segment network, see the README)";
        @Mixin DataOptions data;
        @Option(names = "--target", split = ",", description = "Columns to forecast (default: all).") List<String> targets;
        @Option(names = "--horizon", required = true, description = "Steps to forecast.") int horizon;
        @Option(names = "--model", required = true, description = "Folder for the model and checkpoints; must be empty, or see --resume and --overwrite.") Path model;
        @picocli.CommandLine.Mixin
        ModelFolderOptions folder = new ModelFolderOptions();
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Option(names = "--input", defaultValue = "0", description = "Input window (default: max(2 horizon, 2 seasons), at most 96).") int input;
        // Each option starts at the library's default (picocli shows a field's initial value as ${DEFAULT-VALUE}).
        @Option(names = "--stride", description = "Steps between training windows (default: ${DEFAULT-VALUE}).") int stride = D.data().stride();
        @Option(names = "--style", description = "direct (one output per step), seq2seq (a GRU decoder) or segment (SegRNN: a GRU over segments "
                + "of the window, every output segment decoded at once): direct or segment" + BY_LENGTH + ".") String style;
        @Option(names = "--attention", description = "seq2seq only: the decoder attends over the encoder's outputs.") boolean attention = D.model().attention();
        @Option(names = "--covariates", description = "The other columns are inputs too.") boolean covariates = D.data().covariates();
        @Option(names = "--calendar", negatable = true, description = "Calendar features (hour, weekday, day or month of year) from the date "
                + "column (default: for a regular series, except with the segment network).") Boolean calendar;
        @Option(names = "--centre", negatable = true, description = "Shift each window by its last value (forecast changes, not levels), "
                + "or not (--no-centre) (default: chosen with the Box-Cox transform on the validation part).") Boolean centre;
        @Option(names = "--highway", negatable = true, description = "A linear autoregressive component beside the GRU (LSTNet's highway), "
                + "or none (--no-highway): on" + BY_LENGTH + ".") Boolean highway;
        @Option(names = "--box-cox", description = "Model a Box-Cox transform of the targets: 0 the log, 0.5 the square root, 1 none "
                + "(default: none, the square root or the log, whichever the linear forecaster of the model's windows does best with on the "
                + "validation part, with or without centring); forecasts are transformed back.") Double boxCox;
        @Option(names = "--refit", description = "Once validation has picked the number of epochs, train again from the start on the "
                + "training and validation parts for that many (the autoregression baseline is fitted on both too).") boolean refit;
        @Option(names = "--quantiles", split = ",", description = "Forecast these quantiles with the pinball loss, e.g. 0.1,0.5,0.9.") List<Double> quantiles;
        @Option(names = "--loss", description = "Point forecast loss: mse or mae (default: ${DEFAULT-VALUE}).") String loss = D.model().loss().name().toLowerCase(Locale.ROOT);
        @Option(names = "--hidden", description = "GRU units: 64 or 512" + BY_LENGTH + ".") Integer hidden;
        @Option(names = "--layers", description = "GRU layers (default: ${DEFAULT-VALUE}).") int layers = D.model().numLayers();
        @Option(names = "--ensemble", description = "Independently initialised networks whose forecasts are averaged (default: ${DEFAULT-VALUE}).") int ensemble = D.model().members();
        @Option(names = "--dropout", description = "Dropout between layers, and before the segment style's output layer: 0 or 0.5" + BY_LENGTH + ".")
        Float dropout;
        @Option(names = "--segment", description = "Steps per segment of the segment style (default: the largest divisor of --input up to a season).")
        int segment = D.model().segmentLength();
        @Option(names = "--channel-independent", description = "Forecast each target on its own with one network shared by the targets "
                + "(the segment style always does).") boolean channelIndependent = D.model().channelIndependent();
        @Option(names = "--revin", description = "Normalise each target's window by its own mean and spread, and the forecast back "
                + "(reversible instance normalisation).") boolean revin = D.model().revin();
        @Option(names = "--linear-start", negatable = true, description = "Fix the highway at the direct linear autoregression of the training "
                + "windows (its order chosen on validation) and start the network's output at zero, so training learns what a linear model "
                + "misses: on with the highway and without --revin" + BY_LENGTH + ".") Boolean linearStart;
        @picocli.CommandLine.Mixin
        TrainingOptions training = new TrainingOptions();

        @Override
        public Integer call() throws IOException {
            TimeSeries s = data.read();
            Forecaster.Split split = data.split(s);
            Forecaster.Settings d0 = Forecaster.Settings.defaults(horizon, s.frequency());
            int window = input > 0 ? input : d0.data().inputLength();
            Forecaster.Settings d = Forecaster.Settings.defaults(horizon, s.frequency(), Forecaster.trainingWindows(split, window, horizon, stride));
            Forecaster.Settings.Network n = d.model();
            boolean withHighway = highway == null ? n.highway() : highway;
            Forecaster.Settings settings = new Forecaster.Settings(
                    new Forecaster.Settings.Data(targets, covariates, calendar == null ? d.data().calendar() : calendar,
                            centre == null ? d.data().centre() : centre, window, horizon, stride, boxCox == null ? null : new BoxCox(boxCox),
                            d.data().choose() && boxCox == null && centre == null),
                    new Forecaster.Settings.Network(style == null ? n.style() : Choices.of("--style", style, ForecastModel.Style.class), attention,
                            withHighway, hidden == null ? n.hiddenSize() : hidden, layers, ensemble, dropout == null ? n.dropout() : dropout, quantiles,
                            Choices.of("--loss", loss, Forecaster.Loss.class), segment, channelIndependent || n.channelIndependent(), revin,
                            linearStart == null ? n.linearStart() && withHighway && !revin : linearStart),
                    training.apply(d.training()), refit);
            Forecaster.Trained t = Forecaster.train(new ForecastData(s, split), settings, folder.run(model, training.progress(),
                    spec.commandLine().getParseResult().originalArgs().toArray(new String[0])));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", model.toString());
            m.put("rows", s.length());
            m.put("frequency", s.frequency().name().toLowerCase(Locale.ROOT));
            m.put("split", List.of(split.train(), split.validation(), split.test()));
            m.put("input", settings.data().inputLength());
            m.put("windows", t.windows());
            m.put("horizon", horizon);
            m.put("val_loss", round(t.summary().best(), 5));
            m.put("val_mase", round(t.validation().mase(), 4));
            m.put("val_rmse", round(t.validation().rmse(), 4));
            m.put("best_epoch", t.summary().bestEpoch());
            m.put("epochs_run", t.summary().epochsRun());
            Forecaster.Description chosen = t.forecaster().description();
            m.put("box_cox", chosen.transform().lambda());
            m.put("centre", chosen.centre());
            if (t.refit() != null) {
                m.put("refit_windows", t.refitWindows());
                m.put("refit_epochs", t.refit().epochsRun());
            }
            m.put("seconds", round(t.summary().seconds() + (t.refit() == null ? 0 : t.refit().seconds()), 1));
            m.put("resumed", t.summary().resumed());
            m.put("threads", Parallel.threads());
            System.out.println(JsonLines.of(m));
            return 0;
        }
    }

    /** A split as --split spells it: the sizes of the train, validation and test parts. */
    static String borders(Forecaster.Split s) {
        return s.train() + "," + (s.validation() - s.train()) + "," + (s.test() - s.validation());
    }

    static double round(double x, int digits) {
        if (!Double.isFinite(x)) return x;
        double f = Math.pow(10, digits);
        return Math.round(x * f) / f;
    }

    @Command(name = "eval", mixinStandardHelpOptions = true, description = "MAE, RMSE, MAPE, sMAPE, MASE (and MSE/MAE on normalized values) of the "
            + "model and each baseline on every test window, as a JSON line.")
    static final class Eval implements Callable<Integer> {
        @Mixin DataOptions data;
        @Option(names = "--model", required = true, description = "A model folder from 'grukit forecast train'.") Path model;
        @Option(names = "--season", defaultValue = "0", description = "Steps per season for seasonal naive and MASE (default: the frequency's).") int season;
        @Option(names = "--ar-order", defaultValue = "0", description = "Order of a recursive linear autoregression, fitted to the model's Box-Cox "
                + "transform (default: the order, up to the input window, the transform, none, square root or log, and recursive or direct "
                + "forecasting, chosen per target on the validation part).") int arOrder;

        @Override
        public Integer call() throws IOException {
            TimeSeries s = data.read();
            Forecaster f = Forecaster.load(model);
            Forecaster.Split trained = f.description().split(), split;
            if (data.givesSplit()) {
                split = data.split(s);
                if (trained != null && !trained.equals(split)) {
                    System.err.println("warning: evaluating on rows " + borders(split) + ", not the model's split " + borders(trained)
                            + ": its normalisation comes from its own training rows, and test rows it trained on would score too well");
                }
            } else if (trained != null) {
                if (trained.test() > s.length()) {
                    throw new IllegalArgumentException("the model was trained with the split " + borders(trained) + " (rows up to " + trained.test() + ") but "
                            + data.data + " has " + s.length() + " rows; give --split to evaluate on other rows");
                }
                split = trained;
                System.err.println("using the model's split " + borders(trained) + " (give --split to choose other rows)");
            } else {
                split = data.split(s);
                System.err.println("warning: the model does not say which rows it was trained on (saved before the split was kept); "
                        + "evaluating on " + borders(split) + ": give the --split it was trained with");
            }
            Forecaster.Evaluation e = f.evaluate(s, split, season, arOrder);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("split", List.of(split.train(), split.validation(), split.test()));
            m.put("windows", e.windows());
            m.put("horizon", f.description().horizon());
            m.put("season", e.season());
            m.put("ar_order", e.arOrders());
            m.put("ar_box_cox", e.arBoxCox());
            m.put("ar_strategy", e.arStrategies().stream().map(x -> x.name().toLowerCase(Locale.ROOT)).toList());
            for (var entry : e.scores().entrySet()) {
                ForecastMetrics.Report r = entry.getValue().original(), n = entry.getValue().normalized();
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("mae", round(r.mae(), 4));
                one.put("rmse", round(r.rmse(), 4));
                one.put("mape", round(r.mape(), 3));
                one.put("smape", round(r.smape(), 3));
                one.put("mase", round(r.mase(), 4));
                one.put("mse_normalised", round(n.mse(), 4));
                one.put("mae_normalised", round(n.mae(), 4));
                if (Double.isFinite(entry.getValue().coverage())) one.put("interval_coverage", round(entry.getValue().coverage(), 4));
                m.put(entry.getKey(), one);
            }
            System.out.println(JsonLines.of(m));
            return 0;
        }
    }

    @Command(name = "predict", mixinStandardHelpOptions = true, description = "Forecast past the end of the data, as CSV on standard output.")
    static final class Predict implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "A model folder from 'grukit forecast train'.") Path model;
        @Option(names = "--data", required = true, description = "The series, its last rows being the history.") Path data;
        @Option(names = "--date-column", description = "The date column (default: the first).") String dateColumn;
        @Option(names = "--plot", description = "Draw history, forecast and interval into this PNG.") Path plot;

        @Override
        public Integer call() throws IOException {
            TimeSeries s = TimeSeries.readCsv(data, dateColumn, null);
            if (s.gapReport() != null) System.err.println("warning: " + s.gapReport());
            Forecaster f = Forecaster.load(model);
            Forecaster.Forecast fc = f.predict(s);
            java.io.PrintStream out = StdIo.out();
            List<String> header = new ArrayList<>(List.of("date"));
            for (String t : fc.targets()) {
                header.add(t);
                for (double q : fc.quantiles()) header.add(t + "_q" + q);
            }
            out.print(String.join(",", header) + "\n");
            for (int h = 0; h < fc.time().size(); h++) {
                List<String> row = new ArrayList<>(List.of(fc.time().get(h).toString().replace('T', ' ')));
                for (int j = 0; j < fc.targets().size(); j++) {
                    row.add(String.format(Locale.ROOT, "%.6g", fc.point()[h][j]));
                    for (int q = 0; q < fc.quantiles().size(); q++) row.add(String.format(Locale.ROOT, "%.6g", fc.bands()[h][j][q]));
                }
                out.print(String.join(",", row) + "\n");
            }
            out.flush();
            if (plot != null) {
                plot(s, f, fc, plot);
                System.err.println("forecast drawn in " + plot);
            }
            return 0;
        }

        /** The first target's last few seasons of history, then the forecast and the outermost quantiles. */
        private static void plot(TimeSeries s, Forecaster f, Forecaster.Forecast fc, Path png) throws IOException {
            String target = fc.targets().get(0);
            float[] y = s.column(s.columnIndex(target));
            int hz = fc.time().size(), hist = Math.min(y.length, Math.max(4 * hz, f.description().inputLength()));
            int n = hist + hz;
            double[] history = new double[n], point = new double[n], lo = new double[n], hi = new double[n];
            java.util.Arrays.fill(history, Double.NaN);
            java.util.Arrays.fill(point, Double.NaN);
            java.util.Arrays.fill(lo, Double.NaN);
            java.util.Arrays.fill(hi, Double.NaN);
            for (int i = 0; i < hist; i++) history[i] = y[y.length - hist + i];
            point[hist - 1] = history[hist - 1]; // joins the forecast to the history
            for (int h = 0; h < hz; h++) {
                point[hist + h] = fc.point()[h][0];
                if (fc.quantiles().size() >= 2) {
                    lo[hist + h] = fc.bands()[h][0][0];
                    hi[hist + h] = fc.bands()[h][0][fc.quantiles().size() - 1];
                }
            }
            List<Charts.Series> series = new ArrayList<>(List.of(new Charts.Series("history", history), new Charts.Series("forecast", point)));
            if (fc.quantiles().size() >= 2) {
                series.add(new Charts.Series("q" + fc.quantiles().get(0), lo));
                series.add(new Charts.Series("q" + fc.quantiles().get(fc.quantiles().size() - 1), hi));
            }
            Charts.lineChart(png, target + ": " + hz + "-step forecast from " + fc.time().get(0).toString().replace('T', ' '), "step", series, false);
        }
    }
}
