package org.grukit.nlp.forecast;

import org.grukit.core.task.OutputField;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grukit.core.GradMode;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.data.Batching;
import org.grukit.core.io.ModelBundle;
import org.grukit.core.nn.Losses;
import org.grukit.core.nn.Module;
import org.grukit.core.nn.Reduction;
import org.grukit.core.task.Task;
import org.grukit.core.task.TaskModel;
import org.grukit.core.task.TaskSettings;
import org.grukit.core.task.Tasks;
import org.grukit.core.task.TrainingSettings;
import org.grukit.core.train.Trainer;

/**
 * Forecasting as a library: train a {@link ForecastModel} on sliding windows of a {@link TimeSeries}, evaluate it
 * beside the naive, seasonal naive and linear autoregressive baselines on the same test windows, forecast past the
 * end of the data, save and load as a folder (the model bundle, its scalers in model.json).
 *
 * <p>Values are z-normalized per column with statistics of the training part only (saved with the model).
 * Optionally ({@code centre}) each window is also shifted by its last observed target values, so the network
 * forecasts changes from the last value: a level outside the training range (a trend) then costs it nothing. By
 * default the Box-Cox transform and the centring are chosen on the validation part ({@link #chooseData}), and the
 * network and its training follow the series' length ({@link Settings#defaults(int, TimeSeries.Frequency, int)}). Calendar features (sine and cosine of the hour of the day, day of the week, day or month of the year,
 * by frequency) can be added to the inputs and, for the sequence-to-sequence decoder, to each forecast step. The
 * targets can be modelled as a {@link BoxCox} transform (forecasts are transformed back), and once validation has
 * chosen the number of epochs the network can be trained again on the training and validation parts ({@code refit}).
 */
public final class Forecaster implements TaskModel<ForecastData, TimeSeries, Forecaster.Forecast> {

    /** Where the training, validation and test parts end (rows [0, train), [train, validation), [validation, test)). */
    public record Split(int train, int validation, int test) {
        public Split {
            if (!(0 < train && train <= validation && validation < test)) {
                throw new IllegalArgumentException("need 0 < train <= validation < test borders, got " + train + ", " + validation + ", " + test);
            }
        }

        /** The last {@code testFraction} of n rows for test, the {@code validationFraction} before it for validation. */
        public static Split fractions(int n, double testFraction, double validationFraction) {
            int test = (int) Math.round(n * testFraction), val = (int) Math.round(n * validationFraction);
            return new Split(n - test - val, n - test, n);
        }

        /** Consecutive parts of the given sizes from the first row (ETTh1's 12/4/4 months: 8640, 2880, 2880). */
        public static Split sizes(int train, int validation, int test) {
            return new Split(train, train + validation, train + validation + test);
        }
    }

    /** The loss of point forecasts. */
    public enum Loss { MSE, MAE }

    /**
     * How a forecaster is trained: the windows it learns from, the network, the shared training settings, and whether
     * to refit, each a small validated record; the defaults live in {@link #defaults(int, TimeSeries.Frequency)} alone.
     *
     * @param refit once validation has picked the epoch count, train a fresh network on the training and validation
     *              parts for that many epochs (and fit the autoregression baseline on both too)
     */
    public record Settings(Data data, Network model, TrainingSettings training, boolean refit) implements TaskSettings {
        public Settings {
            if (data == null || model == null || training == null) throw new IllegalArgumentException("data, model and training settings are required");
        }

        /**
         * The windows: which columns, what else goes in, how long.
         *
         * @param targets    the columns to forecast (null or empty: every column)
         * @param covariates the other columns are inputs too
         * @param calendar   calendar features of each step are inputs too
         * @param centre     shift each window by its last value (forecast changes, not levels)
         * @param stride     steps between the starts of training windows
         * @param transform  Box-Cox transform of the targets before normalization (null or {@link BoxCox#NONE}: none)
         * @param choose     choose the transform (none, square root or log) and the centring instead, by the validation
         *                   error of the linear forecaster the network would start from ({@link Forecaster#chooseData})
         */
        public record Data(List<String> targets, boolean covariates, boolean calendar, boolean centre, int inputLength, int horizon, int stride,
                           BoxCox transform, boolean choose) {
            public Data {
                transform = transform == null ? BoxCox.NONE : transform;
                targets = targets == null ? List.of() : List.copyOf(targets);
                if (inputLength < 1 || horizon < 1 || stride < 1) {
                    throw new IllegalArgumentException("inputLength, horizon and stride must be >= 1, got " + inputLength + ", " + horizon + ", " + stride);
                }
            }

            public Data withTargets(List<String> value) {
                return new Data(value, covariates, calendar, centre, inputLength, horizon, stride, transform, choose);
            }

            public Data withCovariates(boolean value) {
                return new Data(targets, value, calendar, centre, inputLength, horizon, stride, transform, choose);
            }

            public Data withCalendar(boolean value) {
                return new Data(targets, covariates, value, centre, inputLength, horizon, stride, transform, choose);
            }

            public Data withCentre(boolean value) {
                return new Data(targets, covariates, calendar, value, inputLength, horizon, stride, transform, choose);
            }

            public Data withInputLength(int value) {
                return new Data(targets, covariates, calendar, centre, value, horizon, stride, transform, choose);
            }

            public Data withHorizon(int value) {
                return new Data(targets, covariates, calendar, centre, inputLength, value, stride, transform, choose);
            }

            public Data withStride(int value) {
                return new Data(targets, covariates, calendar, centre, inputLength, horizon, value, transform, choose);
            }

            public Data withTransform(BoxCox value) {
                return new Data(targets, covariates, calendar, centre, inputLength, horizon, stride, value, choose);
            }

            public Data withChoose(boolean value) {
                return new Data(targets, covariates, calendar, centre, inputLength, horizon, stride, transform, value);
            }
        }

        /**
         * The network.
         *
         * @param highway            add a linear autoregressive component to the network (LSTNet's highway)
         * @param members            networks in the ensemble, their forecasts averaged
         * @param quantiles          predicted quantiles (empty: one point forecast trained with {@code loss})
         * @param segmentLength      steps per segment of the SEGMENT style; 0 chooses ({@link Settings#segmentFor})
         * @param channelIndependent forecast each target on its own with one network shared by the targets (the
         *                           SEGMENT style always does)
         * @param revin              normalise each target's window by its own mean and spread (reversible instance
         *                           normalisation)
         * @param linearStart        start the highway as the direct linear autoregression of the training windows (its
         *                           order chosen on validation) and the network's output at zero
         */
        public record Network(ForecastModel.Style style, boolean attention, boolean highway, int hiddenSize, int numLayers, int members, float dropout,
                              List<Double> quantiles, Loss loss, int segmentLength, boolean channelIndependent, boolean revin, boolean linearStart) {
            public Network {
                quantiles = quantiles == null ? List.of() : List.copyOf(quantiles);
                if (style == null || loss == null) throw new IllegalArgumentException("style and loss are required");
                if (hiddenSize < 1 || numLayers < 1 || members < 1) {
                    throw new IllegalArgumentException("hiddenSize, numLayers and members must be >= 1, got " + hiddenSize + ", " + numLayers + ", " + members);
                }
                if (!(dropout >= 0f && dropout < 1f)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
                if (segmentLength < 0) throw new IllegalArgumentException("segmentLength must be >= 0 (0: chosen), got " + segmentLength);
            }

            public Network withStyle(ForecastModel.Style value) {
                return new Network(value, attention, highway, hiddenSize, numLayers, members, dropout, quantiles, loss, segmentLength, channelIndependent, revin, linearStart);
            }

            public Network withAttention(boolean value) {
                return new Network(style, value, highway, hiddenSize, numLayers, members, dropout, quantiles, loss, segmentLength, channelIndependent, revin, linearStart);
            }

            public Network withHighway(boolean value) {
                return new Network(style, attention, value, hiddenSize, numLayers, members, dropout, quantiles, loss, segmentLength, channelIndependent, revin, linearStart);
            }

            public Network withHiddenSize(int value) {
                return new Network(style, attention, highway, value, numLayers, members, dropout, quantiles, loss, segmentLength, channelIndependent, revin, linearStart);
            }

            public Network withNumLayers(int value) {
                return new Network(style, attention, highway, hiddenSize, value, members, dropout, quantiles, loss, segmentLength, channelIndependent, revin, linearStart);
            }

            public Network withMembers(int value) {
                return new Network(style, attention, highway, hiddenSize, numLayers, value, dropout, quantiles, loss, segmentLength, channelIndependent, revin, linearStart);
            }

            public Network withDropout(float value) {
                return new Network(style, attention, highway, hiddenSize, numLayers, members, value, quantiles, loss, segmentLength, channelIndependent, revin, linearStart);
            }

            public Network withQuantiles(List<Double> value) {
                return new Network(style, attention, highway, hiddenSize, numLayers, members, dropout, value, loss, segmentLength, channelIndependent, revin, linearStart);
            }

            public Network withLoss(Loss value) {
                return new Network(style, attention, highway, hiddenSize, numLayers, members, dropout, quantiles, value, segmentLength, channelIndependent, revin, linearStart);
            }

            public Network withSegmentLength(int value) {
                return new Network(style, attention, highway, hiddenSize, numLayers, members, dropout, quantiles, loss, value, channelIndependent, revin, linearStart);
            }

            public Network withChannelIndependent(boolean value) {
                return new Network(style, attention, highway, hiddenSize, numLayers, members, dropout, quantiles, loss, segmentLength, value, revin, linearStart);
            }

            public Network withRevin(boolean value) {
                return new Network(style, attention, highway, hiddenSize, numLayers, members, dropout, quantiles, loss, segmentLength, channelIndependent, value, linearStart);
            }

            public Network withLinearStart(boolean value) {
                return new Network(style, attention, highway, hiddenSize, numLayers, members, dropout, quantiles, loss, segmentLength, channelIndependent, revin, value);
            }
        }

        /**
         * Defaults for a horizon, for a short series: a direct GRU of 64 units learning what a linear forecaster misses
         * (the highway fixed at the direct linear autoregression of the training windows, {@link Network#linearStart}),
         * calendar features for a regular series, and the Box-Cox transform and centring chosen on the validation part
         * ({@link Data#choose}); input max(2 horizon, 2 seasons) up to 96.
         */
        public static Settings defaults(int horizon, TimeSeries.Frequency f) {
            int input = Math.min(96, Math.max(2 * horizon, 2 * f.season));
            return new Settings(new Data(List.of(), false, f != TimeSeries.Frequency.IRREGULAR, true, input, horizon, 1, BoxCox.NONE, true),
                    new Network(ForecastModel.Style.DIRECT, false, true, 64, 1, 1, 0f, List.of(), Loss.MSE, 0, false, false, true),
                    new TrainingSettings(100, 32, 3e-3, 0, 1.0, 15, 1), false);
        }

        /** Training windows from which {@link #defaults(int, TimeSeries.Frequency, int)} takes the segment network. */
        public static final int LONG_SERIES_WINDOWS = 4000;

        /**
         * Defaults for a horizon and a series with this many training windows. Below {@link #LONG_SERIES_WINDOWS}, those
         * of {@link #defaults(int, TimeSeries.Frequency)}; from there, SegRNN as it is usually run on the ETT benchmarks:
         * the segment style with 512 units, dropout 0.5, centred windows, no highway, every target on its own, 10 epochs
         * at most with patience 3, batches of 32 at learning rate 1e-4.
         */
        public static Settings defaults(int horizon, TimeSeries.Frequency f, int trainingWindows) {
            Settings d = defaults(horizon, f);
            if (trainingWindows < LONG_SERIES_WINDOWS) return d;
            return new Settings(d.data().withCalendar(false).withCentre(true).withChoose(false),
                    new Network(ForecastModel.Style.SEGMENT, false, false, 512, 1, 1, 0.5f, List.of(), Loss.MSE, 0, true, false, false),
                    new TrainingSettings(10, 32, 1e-4, 0, 1.0, 3, 1), false);
        }

        /**
         * The segment length the SEGMENT style takes when none is given: the largest divisor of the input length no
         * longer than a season (24 hours, 12 months, a year of days; an eighth of the input without one) that leaves
         * at least two segments.
         */
        public static int segmentFor(int inputLength, TimeSeries.Frequency f) {
            int target = f.season > 1 ? f.season : Math.max(1, inputLength / 8);
            for (int w = Math.min(target, Math.max(1, inputLength / 2)); w > 1; w--) if (inputLength % w == 0) return w;
            return 1;
        }

        public Settings withData(Data value) {
            return new Settings(value, model, training, refit);
        }

        public Settings withModel(Network value) {
            return new Settings(data, value, training, refit);
        }

        public Settings withTraining(TrainingSettings value) {
            return new Settings(data, model, value, refit);
        }

        public Settings withRefit(boolean value) {
            return new Settings(data, model, training, value);
        }
    }

    /**
     * What model.json holds as preprocessing "forecaster": how to turn a series into the model's inputs and back.
     * {@code mean} and {@code std} are those of the (Box-Cox transformed) training part; {@code boxCox} is the
     * targets' transform (absent: none) and {@code refit} whether the network was trained on the validation part too;
     * {@code split} the rows the model was trained, validated and tested on (absent in models saved before it was kept),
     * which evaluation uses unless told otherwise: the statistics above belong to its training part.
     */
    public record Description(List<String> targets, List<String> inputs, float[] mean, float[] std, boolean calendar,
                              boolean centre, TimeSeries.Frequency frequency, int inputLength, int horizon, List<Double> quantiles,
                              Double boxCox, Boolean refit, Split split) {
        /** Checked as it is read from model.json: what a forecast would index, divide by or loop over. */
        public Description {
            if (targets == null || targets.isEmpty() || targets.stream().anyMatch(java.util.Objects::isNull) || inputs == null
                    || inputs.isEmpty() || inputs.stream().anyMatch(java.util.Objects::isNull)) {
                throw new IllegalArgumentException("needs at least one target and one input, named, got " + targets + " and " + inputs);
            }
            if (mean == null || std == null || mean.length != inputs.size() || std.length != inputs.size()) {
                throw new IllegalArgumentException("needs a mean and a std per input (" + inputs.size() + ")");
            }
            for (int i = 0; i < std.length; i++) {
                if (!Float.isFinite(mean[i]) || !(std[i] > 0f) || !Float.isFinite(std[i])) {
                    throw new IllegalArgumentException("input " + inputs.get(i) + ": mean must be finite and std finite and > 0, got "
                            + mean[i] + " and " + std[i]);
                }
            }
            if (frequency == null) throw new IllegalArgumentException("frequency is missing");
            if (inputLength < 1 || horizon < 1) {
                throw new IllegalArgumentException("inputLength and horizon must be >= 1, got " + inputLength + " and " + horizon);
            }
            if (quantiles != null) {
                for (Double q : quantiles) {
                    if (q == null || !(q > 0 && q < 1)) throw new IllegalArgumentException("quantiles must lie in (0, 1), got " + quantiles);
                }
            }
            if (boxCox != null && !Double.isFinite(boxCox)) throw new IllegalArgumentException("boxCox must be finite, got " + boxCox);
        }

        public BoxCox transform() {
            return boxCox == null ? BoxCox.NONE : new BoxCox(boxCox);
        }

        public boolean refitted() {
            return Boolean.TRUE.equals(refit);
        }

        /** The rows the network (and so the autoregression baseline) was fitted on. */
        int fitEnd(Split split) {
            return refitted() ? split.validation() : split.train();
        }
    }


    /** Windows per forward pass when forecasting or scoring many: all at once would hold every window's activations. */
    private static final int WINDOWS_PER_PASS = 256;

    /** Where format-1 model folders kept the description. */
    private static final String LEGACY_FILE = "forecaster.json";

    private final Description d;
    private final ForecastModel model;

    public Forecaster(Description d, ForecastModel model) {
        if (model.config().targets() != d.targets().size() || model.config().horizon() != d.horizon()) {
            throw new IllegalArgumentException("the model (" + model.config().targets() + " targets, horizon " + model.config().horizon()
                    + ") does not match its description (" + d.targets().size() + ", " + d.horizon() + ")");
        }
        this.d = d;
        this.model = model;
        model.train(false);
    }

    public Description description() {
        return d;
    }

    public ForecastModel model() {
        return model;
    }

    /** The series' input columns, targets first and Box-Cox transformed, then covariates as they are. */
    private static float[][] columns(TimeSeries s, List<String> inputs, int targets, BoxCox transform) {
        float[][] out = new float[inputs.size()][];
        for (int i = 0; i < out.length; i++) {
            float[] c = s.column(s.columnIndex(inputs.get(i)));
            out[i] = i < targets ? transform.apply(c, inputs.get(i)) : c;
        }
        return out;
    }

    /** The series' columns as the model reads them: targets first, then covariates, normalized; then calendar features. */
    private static float[][] features(TimeSeries s, Description d) {
        float[][] cols = columns(s, d.inputs(), d.targets().size(), d.transform());
        int cal = d.calendar() ? Calendar.size(d.frequency()) : 0;
        float[][] out = new float[s.length()][cols.length + cal];
        for (int t = 0; t < s.length(); t++) {
            for (int i = 0; i < cols.length; i++) out[t][i] = (cols[i][t] - d.mean()[i]) / d.std()[i];
            if (cal > 0) Calendar.encode(s.time().get(t), d.frequency(), out[t], cols.length);
        }
        return out;
    }

    /** Inputs [B, L, F] and future calendar [B, H, C] (or null) for windows starting forecasts at {@code origins}. */
    private Tensor[] batch(float[][] x, List<LocalDateTime> futureTimes, int[] origins, float[] shift) {
        int len = d.inputLength(), hz = d.horizon(), f = x[0].length, k = d.targets().size();
        int cal = d.calendar() ? Calendar.size(d.frequency()) : 0;
        float[] in = new float[origins.length * len * f];
        float[] fut = cal > 0 && model.config().futureSize() > 0 ? new float[origins.length * hz * cal] : null;
        for (int b = 0; b < origins.length; b++) {
            int o = origins[b];
            for (int j = 0; j < k; j++) shift[b * k + j] = d.centre() ? x[o - 1][j] : 0f;
            for (int t = 0; t < len; t++) {
                float[] row = x[o - len + t];
                int at = (b * len + t) * f;
                System.arraycopy(row, 0, in, at, f);
                for (int j = 0; j < k; j++) in[at + j] -= shift[b * k + j];
            }
            if (fut != null) {
                float[] tmp = new float[cal];
                for (int h = 0; h < hz; h++) {
                    Calendar.encode(futureTimes.get(o + h), d.frequency(), tmp, 0);
                    System.arraycopy(tmp, 0, fut, (b * hz + h) * cal, cal);
                }
            }
        }
        return new Tensor[] {Tensor.of(in, origins.length, len, f), fut == null ? null : Tensor.of(fut, origins.length, hz, cal)};
    }

    /** The timestamps of the rows and, past the end, as many further steps as a forecast needs. */
    private List<LocalDateTime> extendedTimes(TimeSeries s) {
        List<LocalDateTime> t = new ArrayList<>(s.time());
        if (d.calendar()) {
            LocalDateTime last = t.get(t.size() - 1);
            for (int h = 0; h < d.horizon(); h++) t.add(last = d.frequency().next(last));
        }
        return t;
    }

    /**
     * Forecasts (normalized, with the window shift added back) [origins][horizon][targets][outputs] for forecasts
     * starting at each origin row (history: the rows before it).
     */
    private float[][][][] predictNormalized(float[][] x, List<LocalDateTime> times, int[] origins) {
        int hz = d.horizon(), k = d.targets().size(), q = model.config().outputs();
        float[][][][] out = new float[origins.length][hz][k][q];
        try (GradMode g = GradMode.noGrad()) {
            for (int start = 0; start < origins.length; start += WINDOWS_PER_PASS) {
                int[] part = java.util.Arrays.copyOfRange(origins, start, Math.min(origins.length, start + WINDOWS_PER_PASS));
                float[] shift = new float[part.length * k];
                Tensor[] in = batch(x, times, part, shift);
                float[] y = model.forward(in[0], in[1]).toArray();
                for (int b = 0; b < part.length; b++) {
                    for (int h = 0; h < hz; h++) {
                        for (int j = 0; j < k; j++) {
                            for (int i = 0; i < q; i++) out[start + b][h][j][i] = y[((b * hz + h) * k + j) * q + i] + shift[b * k + j];
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * A run's outcome: the forecaster (the best epoch's, or the refitted network), the trainer's summary of the run
     * that validation watched, the best epoch's point-forecast errors on the validation windows on the original
     * scale (MASE with the frequency's season; comparable across Box-Cox transforms, unlike the loss), the number of
     * training windows, and the summary and windows of the refit on the training and validation parts (null and 0
     * without one).
     */
    public record Trained(Forecaster forecaster, Trainer.Summary summary, ForecastMetrics.Report validation, int windows, Trainer.Summary refit,
                          int refitWindows) {}

    /**
     * Trains on the training part, picking the epoch by validation loss, then refits on training and validation
     * when {@code st.refit()}; with a {@code dir}, the model is written there. The same run as {@link Tasks#train}
     * with a {@link ForecastTask}; the validation errors are the chosen epoch's, before any refit.
     */
    public static Trained train(TimeSeries s, Split split, Settings st, Path dir, boolean progress) throws IOException {
        return train(new ForecastData(s, split), st, Tasks.Run.into(dir).withProgress(progress));
    }

    /** As {@link #train(TimeSeries, Split, Settings, Path, boolean)}, with the run's folder handling and reporting. */
    public static Trained train(ForecastData data, Settings st, Tasks.Run run) throws IOException {
        Tasks.Trained<Forecaster> t = Tasks.train(new ForecastTask(), st, data, data, run);
        Map<String, Double> v = t.dev();
        ForecastMetrics.Report validation = new ForecastMetrics.Report(v.get("mae"), v.get("mse"), v.get("rmse"), v.get("mape"),
                v.get("smape"), v.get("mase"), v.get("count").intValue());
        return new Trained(t.model(), t.summary(), validation, t.examples(), t.refit(), t.refitExamples());
    }

    /** Scales, the model and the training windows; validation loss picks the epoch. */
    static Fit prepare(ForecastData data, Settings st) {
        TimeSeries s = data.series();
        Split split = data.split();
        if (st.data().choose()) st = chooseData(s, split, st);
        Description d = describe(s, split, st);
        List<String> targets = d.targets(), inputs = d.inputs();
        if (st.data().calendar() && s.frequency() == TimeSeries.Frequency.IRREGULAR) throw new IllegalArgumentException("calendar features need a regular series");
        int cal = st.data().calendar() ? Calendar.size(s.frequency()) : 0;
        Settings.Network net = st.model();
        int segment = net.segmentLength() > 0 ? net.segmentLength() : Settings.segmentFor(st.data().inputLength(), s.frequency());
        if (net.style() == ForecastModel.Style.SEGMENT && st.data().inputLength() % segment != 0) {
            throw new IllegalArgumentException("the segment style cuts the input window into whole segments: --input " + st.data().inputLength()
                    + " is not a multiple of --segment " + segment);
        }
        ForecastModel model = new ForecastModel(new ForecastModel.Config(inputs.size() + cal, targets.size(),
                net.style() == ForecastModel.Style.SEQ2SEQ ? cal : 0, net.hiddenSize(), net.numLayers(), st.data().horizon(), net.quantiles(), net.style(),
                net.attention(), net.dropout(), st.data().inputLength(), net.highway(), net.members(),
                net.style() == ForecastModel.Style.SEGMENT ? segment : 0, net.channelIndependent(), net.revin(), net.linearStart()), new Rng(st.training().seed()));
        Forecaster f = new Forecaster(d, model);
        Fit task = new Fit(f, s, split, st, false);
        if (net.linearStart()) {
            if (!net.highway()) throw new IllegalArgumentException("a linear start sets the highway: drop --no-highway or --linear-start");
            if (net.revin()) {
                throw new IllegalArgumentException("a linear start zeroes the network's output, which RevIN would move to each window's mean: "
                        + "drop --revin or use --no-linear-start");
            }
            task.startLinear(0);
        }
        if (task.train.length == 0 || task.validation.length == 0) {
            throw new IllegalArgumentException("no whole window of " + st.data().inputLength() + " inputs and " + st.data().horizon() + " steps fits the "
                    + (task.train.length == 0 ? "training" : "validation") + " part; shorten --input or --horizon");
        }
        return task;
    }

    /** The model's description for these settings: columns, and statistics of the training part. */
    private static Description describe(TimeSeries s, Split split, Settings st) {
        List<String> targets = st.data().targets().isEmpty() ? s.columns() : st.data().targets();
        List<String> inputs = new ArrayList<>(targets);
        if (st.data().covariates()) for (String c : s.columns()) if (!inputs.contains(c)) inputs.add(c);
        float[] mean = new float[inputs.size()], std = new float[inputs.size()];
        float[][] cols = columns(s, inputs, targets.size(), st.data().transform());
        for (int i = 0; i < inputs.size(); i++) {
            float[] ms = meanStd(cols[i], split.train());
            mean[i] = ms[0];
            std[i] = ms[1];
        }
        return new Description(targets, inputs, mean, std, st.data().calendar(), st.data().centre(), s.frequency(), st.data().inputLength(),
                st.data().horizon(), st.model().quantiles(), st.data().transform().isIdentity() ? null : st.data().transform().lambda(), st.refit() ? Boolean.TRUE : null,
                split);
    }

    /**
     * The settings with the Box-Cox transform (none, square root or log, where every target's values lie in its
     * domain) and the centring whose linear forecaster (the network's linear start, {@link Settings.Network#linearStart}) forecasts the
     * validation windows best: squared error on the original scale, each target's divided by its training variance.
     * Only the training and validation parts are read; {@code choose} is then off.
     */
    public static Settings chooseData(TimeSeries s, Split split, Settings st) {
        Settings.Data data = st.data().withChoose(false);
        List<String> targets = data.targets().isEmpty() ? s.columns() : data.targets();
        int k = targets.size(), len = data.inputLength(), hz = data.horizon();
        int[] train = origins(0, split.train(), len, hz, data.stride()), val = origins(split.train(), split.validation(), len, hz, 1);
        if (train.length == 0 || val.length == 0) return st.withData(data);
        double[] var = new double[k];
        for (int j = 0; j < k; j++) var[j] = Math.pow(meanStd(s.column(s.columnIndex(targets.get(j))), split.train())[1], 2);
        Settings best = null;
        double bestErr = Double.POSITIVE_INFINITY;
        for (BoxCox t : List.of(BoxCox.NONE, new BoxCox(0.5), new BoxCox(0))) {
            boolean accepted = true;
            for (String c : targets) accepted &= t.accepts(s.column(s.columnIndex(c)), 0, split.validation());
            if (!accepted) continue;
            // The features follow the transform alone; centring shifts each window as it is read.
            Description d = describe(s, split, st.withData(data.withTransform(t)));
            float[][] x = features(s, d);
            for (boolean centre : new boolean[] {true, false}) {
                Settings candidate = st.withData(data.withTransform(t).withCentre(centre));
                LinearStart.Fit fit = LinearStart.fit(x, k, centre, len, hz, train, val, 0);
                float[] w = fit.weight().toArray(), b = fit.bias().toArray();
                double err = 0;
                for (int j = 0; j < k; j++) {
                    float[] y = s.column(s.columnIndex(targets.get(j)));
                    for (int o : val) {
                        double shift = centre ? x[o - 1][j] : 0;
                        for (int h = 0; h < hz; h++) {
                            double v = b[h] + shift;
                            for (int i = 0; i < len; i++) v += w[h * len + i] * (x[o - len + i][j] - shift);
                            double e = t.invert((float) (v * d.std()[j] + d.mean()[j])) - y[o + h];
                            err += e * e / var[j];
                        }
                    }
                }
                if (best == null || err < bestErr) {
                    bestErr = err;
                    best = candidate;
                }
            }
        }
        return best;
    }

    /** The mean and standard deviation (at least 1e-6) of c[0, end). */
    private static float[] meanStd(float[] c, int end) {
        double m = 0, v = 0;
        for (int t = 0; t < end; t++) m += c[t];
        m /= end;
        for (int t = 0; t < end; t++) v += (c[t] - m) * (c[t] - m);
        return new float[] {(float) m, (float) Math.max(Math.sqrt(v / end), 1e-6)};
    }

    /** How many training windows a split gives (what {@link Settings#defaults(int, TimeSeries.Frequency, int)} is sized by). */
    public static int trainingWindows(Split split, int inputLength, int horizon, int stride) {
        return origins(0, split.train(), inputLength, horizon, stride).length;
    }

    /** Window origins o (forecast rows [o, o + H), inputs [o - L, o)) with o in [from, to - H], every {@code stride}. */
    static int[] origins(int from, int to, int inputLength, int horizon, int stride) {
        int start = Math.max(from, inputLength);
        List<Integer> out = new ArrayList<>();
        for (int o = start; o + horizon <= to; o += stride) out.add(o);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Windows of the training part (each target also inside it); validation loss picks the epoch. For a refit, the
     * windows of the training and validation parts, and every epoch counts as better than the last.
     */
    static final class Fit implements Task.Training<Forecaster> {
        private final Forecaster f;
        private final TimeSeries series;
        private final Split split;
        private final float[][] x;
        private final List<LocalDateTime> times;
        private final int[] train, validation;
        private final Settings st;
        private final double[] quantiles;
        private final boolean refit;
        private int epoch;
        /** The linear start's order, 0 without one. */
        private int linearOrder;

        Fit(Forecaster f, TimeSeries s, Split split, Settings st, boolean refit) {
            this.f = f;
            this.series = s;
            this.split = split;
            this.st = st;
            this.refit = refit;
            x = features(s, f.d);
            times = f.extendedTimes(s);
            train = origins(0, refit ? split.validation() : split.train(), st.data().inputLength(), st.data().horizon(), st.data().stride());
            validation = origins(split.train(), split.validation(), st.data().inputLength(), st.data().horizon(), 1);
            quantiles = st.model().quantiles().stream().mapToDouble(Double::doubleValue).toArray();
        }

        @Override
        public Forecaster result() {
            return f;
        }

        /**
         * The usual last step once validation has chosen: the same network from the same start, trained on every
         * window before the test part. Nothing is held out, so every epoch ranks above the last.
         */
        @Override
        public Task.Training<Forecaster> refit() {
            if (refit || !st.refit()) return null;
            Forecaster again = new Forecaster(f.d, new ForecastModel(f.model.config(), new Rng(st.training().seed())));
            Fit fit = new Fit(again, series, split, st, true);
            if (linearOrder > 0) fit.startLinear(linearOrder); // the order validation chose, fitted on both parts
            return fit;
        }

        /** Starts the model as the direct linear autoregression of its training windows; {@code order} 0 chooses it on validation. */
        void startLinear(int order) {
            LinearStart.Fit fit = LinearStart.fit(x, f.d.targets().size(), f.d.centre(), st.data().inputLength(), st.data().horizon(), train, validation, order);
            f.model.startFromLinear(fit.weight(), fit.bias());
            linearOrder = fit.order();
        }

        @Override
        public Module model() {
            return f.model;
        }

        @Override
        public int trainSize() {
            return train.length;
        }

        @Override
        public List<int[]> trainBatches(Rng rng) {
            List<int[]> out = new ArrayList<>();
            for (int[] b : Batching.shuffled(train.length, st.training().batchSize(), rng)) {
                int[] o = new int[b.length];
                for (int i = 0; i < b.length; i++) o[i] = train[b[i]];
                out.add(o);
            }
            return out;
        }

        @Override
        public Tensor loss(int[] origins) {
            int k = f.d.targets().size(), hz = f.d.horizon();
            float[] shift = new float[origins.length * k];
            Tensor[] in = f.batch(x, times, origins, shift);
            float[] y = new float[origins.length * hz * k];
            for (int b = 0; b < origins.length; b++) {
                for (int h = 0; h < hz; h++) for (int j = 0; j < k; j++) y[(b * hz + h) * k + j] = x[origins[b] + h][j] - shift[b * k + j];
            }
            Tensor target = Tensor.of(y, origins.length, hz, k);
            if (!f.model.isTraining()) return loss(f.model.forward(in[0], in[1]), target); // validation: the averaged forecast
            Tensor total = null;
            for (Tensor pred : f.model.members(in[0], in[1])) { // each member learns on its own
                Tensor l = loss(pred, target);
                total = total == null ? l : Ops.add(total, l);
            }
            return total;
        }

        /** The training loss of forecasts [B, H, K, Q] against targets [B, H, K]. */
        private Tensor loss(Tensor pred, Tensor target) {
            if (quantiles.length > 0) return Losses.pinball(pred, target, quantiles, Reduction.MEAN);
            Tensor point = Ops.reshape(pred, target.shape());
            return st.model().loss() == Loss.MAE ? Losses.l1(point, target, Reduction.MEAN) : Losses.mse(point, target, Reduction.MEAN);
        }

        @Override
        public void startEpoch(int e) {
            epoch = e;
        }

        @Override
        public Map<String, Double> evaluate() {
            if (refit) return Map.of("epoch", (double) epoch + 1);
            // In blocks of windows: every window at once holds all their activations (gigabytes for a long horizon).
            // Each block's loss is a mean over equally many values per window, so weighting by windows gives the whole mean.
            double sum = 0;
            try (GradMode g = GradMode.noGrad()) {
                for (int from = 0; from < validation.length; from += WINDOWS_PER_PASS) {
                    int[] part = java.util.Arrays.copyOfRange(validation, from, Math.min(validation.length, from + WINDOWS_PER_PASS));
                    sum += loss(part).item() * part.length;
                }
            }
            return Map.of("val_loss", sum / validation.length);
        }

        @Override
        public String monitor() {
            return refit ? "epoch" : "val_loss";
        }

        @Override
        public boolean maximize() {
            return refit;
        }
    }

    /** Errors of one forecaster on the test windows: on the original scale, and on the normalized scale (as ETT papers report). */
    public record Scores(ForecastMetrics.Report original, ForecastMetrics.Report normalized, double coverage) {}

    /**
     * The model's and each baseline's errors on every test window (stride 1), all targets pooled; the
     * autoregression's order, Box-Cox lambda and strategy (recursive or direct) per target.
     */
    public record Evaluation(Map<String, Scores> scores, int windows, int season, int[] arOrders, double[] arBoxCox, List<Baselines.Strategy> arStrategies) {}

    /** The transforms the autoregression baseline chooses among: none, the square root's, the log, and the model's. */
    private List<BoxCox> arTransforms() {
        List<BoxCox> out = new ArrayList<>(List.of(BoxCox.NONE, new BoxCox(0.5), new BoxCox(0)));
        if (!out.contains(d.transform())) out.add(d.transform());
        return out;
    }

    /**
     * MASE is scaled by the seasonal naive's in-sample error over every row before the test part (as the M4
     * competition scales by the whole history), so it does not change with the validation part's size.
     *
     * @param season  steps per season for seasonal naive and MASE (0: the frequency's)
     * @param arOrder the order of a recursive autoregression (on the model's Box-Cox transform); 0 chooses the
     *                order, the transform and the strategy (recursive or direct) per target on the validation part,
     *                as the network's options are chosen (see {@link Baselines.TransformedAr#choose}). It is fitted
     *                on the rows the network was.
     */
    public Evaluation evaluate(TimeSeries s, Split split, int season, int arOrder) {
        int m = season > 0 ? season : d.frequency().season;
        float[][] x = features(s, d);
        int[] test = origins(split.validation(), split.test(), d.inputLength(), d.horizon(), 1);
        if (test.length == 0) throw new IllegalArgumentException("no whole window fits the test part");
        int k = d.targets().size(), hz = d.horizon(), n = test.length * hz * k;
        float[][][][] pred = predictNormalized(x, extendedTimes(s), test);
        Map<String, float[]> forecasts = new LinkedHashMap<>();
        float[] actual = actuals(s, test);
        float[] mine = original(pred, model.config().median()), naive = new float[n], seasonal = new float[n], ar = new float[n];
        boolean band = d.quantiles().size() >= 2;
        float[] lower = band ? original(pred, 0) : null, upper = band ? original(pred, d.quantiles().size() - 1) : null;
        double[] scale = new double[k];
        int[] orders = new int[k];
        double[] lambdas = new double[k];
        List<Baselines.Strategy> strategies = new ArrayList<>();
        float[][] meanStd = new float[k][];
        for (int j = 0; j < k; j++) {
            float[] y = s.column(s.columnIndex(d.targets().get(j)));
            scale[j] = ForecastMetrics.maseScale(java.util.Arrays.copyOf(y, split.validation()), m);
            meanStd[j] = meanStd(y, split.train());
            Baselines.TransformedAr fit = (arOrder > 0 ? Baselines.TransformedAr.fit(y, split.train(), arOrder, d.transform())
                    : Baselines.TransformedAr.choose(y, split, d.inputLength(), d.horizon(), arTransforms(), List.of(Baselines.Strategy.values())))
                    .refit(y, d.fitEnd(split));
            orders[j] = fit.ar().order();
            strategies.add(fit.strategy());
            lambdas[j] = fit.transform().lambda();
            for (int w = 0; w < test.length; w++) {
                int o = test[w];
                float[] nv = Baselines.naive(y, o, hz), sn = Baselines.seasonalNaive(y, o, hz, m), a = fit.forecast(y, o, hz);
                for (int h = 0; h < hz; h++) {
                    int at = (w * hz + h) * k + j;
                    naive[at] = nv[h];
                    seasonal[at] = sn[h];
                    ar[at] = a[h];
                }
            }
        }
        forecasts.put("model", mine);
        forecasts.put("naive", naive);
        forecasts.put("seasonal_naive", seasonal);
        forecasts.put("linear_ar", ar);
        Map<String, Scores> out = new LinkedHashMap<>();
        for (var e : forecasts.entrySet()) {
            double coverage = Double.NaN;
            if (e.getKey().equals("model") && lower != null) {
                int inside = 0;
                for (int i = 0; i < n; i++) if (actual[i] >= lower[i] && actual[i] <= upper[i]) inside++;
                coverage = (double) inside / n;
            }
            out.put(e.getKey(), new Scores(pooledMase(actual, e.getValue(), scale, k), normalized(actual, e.getValue(), meanStd), coverage));
        }
        return new Evaluation(out, test.length, m, orders, lambdas, List.copyOf(strategies));
    }

    /** The point forecasts' errors on the original scale at the given origins (MASE with the frequency's season). */
    private ForecastMetrics.Report score(TimeSeries s, Split split, int[] at) {
        float[][][][] pred = predictNormalized(features(s, d), extendedTimes(s), at);
        int k = d.targets().size();
        double[] scale = new double[k];
        for (int j = 0; j < k; j++) {
            float[] y = s.column(s.columnIndex(d.targets().get(j)));
            scale[j] = ForecastMetrics.maseScale(java.util.Arrays.copyOf(y, split.train()), d.frequency().season);
        }
        return pooledMase(actuals(s, at), original(pred, model.config().median()), scale, k);
    }

    /** The targets' values after each origin, flattened as [origin][step][target]. */
    private float[] actuals(TimeSeries s, int[] at) {
        int k = d.targets().size(), hz = d.horizon();
        float[] out = new float[at.length * hz * k];
        for (int j = 0; j < k; j++) {
            float[] y = s.column(s.columnIndex(d.targets().get(j)));
            for (int w = 0; w < at.length; w++) for (int h = 0; h < hz; h++) out[(w * hz + h) * k + j] = y[at[w] + h];
        }
        return out;
    }

    /** One output (the point forecast or a quantile) of normalized forecasts, back on the original scale, flattened as [origin][step][target]. */
    private float[] original(float[][][][] pred, int output) {
        BoxCox t = d.transform();
        int k = d.targets().size(), hz = d.horizon();
        float[] out = new float[pred.length * hz * k];
        for (int w = 0; w < pred.length; w++) {
            for (int h = 0; h < hz; h++) {
                for (int j = 0; j < k; j++) out[(w * hz + h) * k + j] = t.invert(pred[w][h][j][output] * d.std()[j] + d.mean()[j]);
            }
        }
        return out;
    }

    /** Metrics pooled over targets, MASE as the mean of each target's scaled errors. */
    private static ForecastMetrics.Report pooledMase(float[] actual, float[] forecast, double[] scale, int k) {
        ForecastMetrics.Report all = ForecastMetrics.of(actual, forecast, 0);
        double mase = 0;
        for (int i = 0; i < actual.length; i++) mase += Math.abs(forecast[i] - actual[i]) / scale[i % k];
        return new ForecastMetrics.Report(all.mae(), all.mse(), all.rmse(), all.mape(), all.smape(), mase / actual.length, all.count());
    }

    /**
     * Metrics on values z-normalized with the training part's statistics of each target (as ETT papers report),
     * on the original scale whether or not the network learns on a Box-Cox transform.
     */
    private static ForecastMetrics.Report normalized(float[] actual, float[] forecast, float[][] meanStd) {
        int k = meanStd.length;
        float[] a = new float[actual.length], f = new float[actual.length];
        for (int i = 0; i < a.length; i++) {
            float[] ms = meanStd[i % k];
            a[i] = (actual[i] - ms[0]) / ms[1];
            f[i] = (forecast[i] - ms[0]) / ms[1];
        }
        return ForecastMetrics.of(a, f, 0);
    }

    /** A forecast past the end of a series: the timestamps, and per step and target the point forecast and each quantile. */
    public record Forecast(List<LocalDateTime> time, List<String> targets, float[][] point, List<Double> quantiles, float[][][] bands) {}

    public Forecast predict(TimeSeries s) {
        if (s.length() < d.inputLength()) throw new IllegalArgumentException("need the last " + d.inputLength() + " rows, the series has " + s.length());
        if (d.calendar() && s.frequency() != d.frequency()) {
            throw new IllegalArgumentException("the model was trained on a " + d.frequency() + " series, this one is " + s.frequency());
        }
        float[][] x = features(s, d);
        float[][][][] p = predictNormalized(x, extendedTimes(s), new int[] {s.length()});
        int k = d.targets().size(), q = model.config().outputs(), med = model.config().median();
        BoxCox bc = d.transform();
        float[][] point = new float[d.horizon()][k];
        float[][][] bands = new float[d.horizon()][k][q];
        List<LocalDateTime> times = new ArrayList<>();
        LocalDateTime t = s.time().get(s.length() - 1);
        for (int h = 0; h < d.horizon(); h++) {
            times.add(t = s.frequency() == TimeSeries.Frequency.IRREGULAR ? t : s.frequency().next(t));
            for (int j = 0; j < k; j++) {
                point[h][j] = bc.invert(p[0][h][j][med] * d.std()[j] + d.mean()[j]);
                for (int i = 0; i < q; i++) bands[h][j][i] = bc.invert(p[0][h][j][i] * d.std()[j] + d.mean()[j]);
            }
        }
        return new Forecast(times, d.targets(), point, d.quantiles(), bands);
    }

    private static final List<OutputField> OUTPUT = List.of(
            new OutputField("time", OutputField.Kind.STRING_LIST, "the forecast steps' timestamps (ISO-8601)"),
            new OutputField("targets", OutputField.Kind.STRING_LIST, "the forecast columns"),
            new OutputField("forecast", OutputField.Kind.DOUBLE_MATRIX, "point forecasts [step][target]"),
            new OutputField("quantiles", OutputField.Kind.DOUBLE_LIST, "the quantile levels, empty for point forecasts only"),
            new OutputField("quantile_forecasts", OutputField.Kind.DOUBLE_CUBE, "forecasts [quantile][step][target]"));

    @Override
    public List<OutputField> outputFields() {
        return OUTPUT;
    }

    @Override
    public Map<String, Object> outputValues(Forecast f) {
        List<List<Double>> point = new ArrayList<>();
        for (float[] row : f.point()) point.add(OutputField.doubles(row));
        List<List<List<Double>>> bands = new ArrayList<>();
        int q = f.quantiles() == null ? 0 : f.quantiles().size();
        for (int k = 0; k < q; k++) {
            List<List<Double>> m = new ArrayList<>();
            for (float[][] step : f.bands()) {
                double[] row = new double[step.length];
                for (int t = 0; t < step.length; t++) row[t] = step[t][k];
                m.add(OutputField.doubles(row));
            }
            bands.add(m);
        }
        List<String> time = new ArrayList<>();
        for (java.time.LocalDateTime t : f.time()) time.add(t.toString());
        return Map.of("time", time, "targets", List.copyOf(f.targets()), "forecast", point,
                "quantiles", f.quantiles() == null ? List.of() : List.copyOf(f.quantiles()), "quantile_forecasts", bands);
    }

    @Override
    public Class<TimeSeries> inputType() {
        return TimeSeries.class;
    }

    @Override
    public org.grukit.core.task.InputKind inputKind() {
        return org.grukit.core.task.InputKind.SERIES;
    }

    /**
     * A history from its columns ({@link TimeSeries#fromColumns}); it needs the columns the model was trained on. A model
     * of one input column also takes its values under {@code "values"}; a model without calendar features also takes a
     * history without {@code "time"}, whose steps are then given the model's frequency, ending where the data it was
     * trained on could (only the forecast's timestamps depend on them).
     */
    @Override
    public TimeSeries input(Object value) {
        if (value instanceof Map<?, ?> given) {
            Map<Object, Object> m = new java.util.LinkedHashMap<>(given);
            if (d.inputs().size() == 1 && m.containsKey("values") && !m.containsKey(d.inputs().get(0))) {
                m.put(d.inputs().get(0), m.remove("values"));
            }
            if (!m.containsKey("time")) {
                if (d.calendar() || d.frequency() == TimeSeries.Frequency.IRREGULAR) {
                    throw new IllegalArgumentException("this model needs the history's timestamps as a list under \"time\""
                            + (d.calendar() ? " (it reads calendar features from them)" : ""));
                }
                Object first = m.get(d.inputs().get(0));
                int n = first instanceof List<?> l ? l.size() : 0;
                List<LocalDateTime> time = new ArrayList<>(n);
                LocalDateTime t = LocalDateTime.of(2000, 1, 1, 0, 0);
                for (int i = 0; i < n; i++, t = d.frequency().next(t)) time.add(t);
                m.put("time", time);
            }
            TimeSeries s = TimeSeries.fromColumns(m);
            for (String c : d.inputs()) {
                if (!s.columns().contains(c)) {
                    throw new IllegalArgumentException(s.name() + ": the model needs column '" + c + "', the series has " + s.columns());
                }
            }
            return s;
        }
        return TaskModel.super.input(value);
    }

    @Override
    public Module module() {
        return model;
    }

    /** The forecast that follows each history (its last {@code inputLength} rows), in order. */
    @Override
    public List<Forecast> predict(List<TimeSeries> histories) {
        List<Forecast> out = new ArrayList<>(histories.size());
        for (TimeSeries h : histories) out.add(predict(h));
        return out;
    }

    /** Errors on the validation part's windows, on the original scale (MAE, MSE, RMSE, MAPE, sMAPE, MASE, count). */
    @Override
    public Map<String, Double> metrics(ForecastData data) {
        Split sp = data.split();
        ForecastMetrics.Report r = score(data.series(), sp, origins(sp.train(), sp.validation(), d.inputLength(), d.horizon(), 1));
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        m.put("mae", r.mae());
        m.put("mse", r.mse());
        m.put("rmse", r.rmse());
        m.put("mape", r.mape());
        m.put("smape", r.smape());
        m.put("mase", r.mase());
        m.put("count", (double) r.count());
        return m;
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("type", type());
        m.put("targets", d.targets());
        m.put("inputs", d.inputs());
        m.put("frequency", d.frequency());
        m.put("input_length", d.inputLength());
        m.put("horizon", d.horizon());
        m.put("quantiles", d.quantiles());
        m.put("parameters", model.parameterCount());
        return m;
    }

    @Override
    public void save(Path dir) throws IOException {
        ModelBundle.save(dir, model, ModelBundle.Provenance.none(), java.util.Map.of("forecaster", d));
    }

    public static Forecaster load(Path dir) throws IOException {
        ModelBundle.Folder folder = ModelBundle.open(dir).expect(ForecastModel.TYPE);
        Description d = folder.preprocessing("forecaster", Description.class, LEGACY_FILE);
        return folder.assemble(() -> new Forecaster(d, folder.model(ForecastModel.class)));
    }
}
