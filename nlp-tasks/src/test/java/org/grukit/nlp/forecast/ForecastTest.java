package org.grukit.nlp.forecast;

import static org.grukit.core.GradCheck.assertPasses;
import static org.grukit.core.GradCheck.check;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.nn.Losses;
import org.grukit.core.nn.Reduction;
import org.grukit.core.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forecasting: the CSV reader (CRLF, quotes, gaps reported, bad values named), the metrics and the
 * autoregression against numpy and the pinball loss against torch (tools/reference/make_forecast_fixtures.py),
 * gradients by finite differences, and a GRU that beats seasonal naive on the airline passengers.
 */
class ForecastTest {
    @TempDir
    Path dir;

    private static JsonNode fixture() throws IOException {
        try (InputStream in = ForecastTest.class.getResourceAsStream("/fixtures/forecast.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static float[] floats(JsonNode a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) a.get(i).asDouble();
        return out;
    }

    @Test
    void readsCsvWithCrlfQuotesAndReportsGaps() throws Exception {
        Path f = dir.resolve("s.csv");
        Files.writeString(f, "\"Month\",\"Sales\",\"Price\"\r\n\"2020-01\",10,1.5\r\n\"2020-02\",12,1.25\r\n\"2020-04\",9,2");
        TimeSeries s = TimeSeries.readCsv(f, null, null);
        assertEquals(List.of("Sales", "Price"), s.columns());
        assertEquals(TimeSeries.Frequency.MONTHLY, s.frequency());
        assertEquals(List.of(LocalDateTime.of(2020, 3, 1, 0, 0)), s.gaps(), "March is reported missing, not filled in");
        assertEquals(3, s.length());
        assertArrayEquals(new float[] {10, 12, 9}, s.column(0));
        assertTrue(s.gapReport().contains("1 monthly step(s) missing") && s.gapReport().contains("2020-03-01"), s.gapReport());

        Files.writeString(f, "date,v\n2020-01-01 00:00:00,1\n2020-01-01 01:00:00,\n");
        var e = assertThrows(IOException.class, () -> TimeSeries.readCsv(f, null, null));
        assertTrue(e.getMessage().contains("s.csv:3") && e.getMessage().contains("'v' needs a number") && e.getMessage().contains("not filled in"),
                e.getMessage());
        Files.writeString(f, "date,v\n2020-01-02,1\n2020-01-01,2\n");
        e = assertThrows(IOException.class, () -> TimeSeries.readCsv(f, null, null));
        assertTrue(e.getMessage().contains("timestamps must increase"), e.getMessage());
        Files.writeString(f, "date,v\n01/02/2020,1\n");
        e = assertThrows(IOException.class, () -> TimeSeries.readCsv(f, null, null));
        assertTrue(e.getMessage().contains("expected a date as YYYY-MM") && e.getMessage().contains("01/02/2020"), e.getMessage());

        TimeSeries temps = TimeSeries.readCsv(SharedData.dir("timeseries").resolve("daily-min-temperatures.csv"), "Date", List.of("Temp"));
        assertEquals(3650, temps.length());
        assertEquals(TimeSeries.Frequency.DAILY, temps.frequency());
        assertEquals(List.of(LocalDateTime.of(1984, 12, 31, 0, 0), LocalDateTime.of(1988, 12, 31, 0, 0)), temps.gaps());
        TimeSeries ett = TimeSeries.readCsv(SharedData.dir("timeseries").resolve("ETTh1.csv"), null, null);
        assertEquals(TimeSeries.Frequency.HOURLY, ett.frequency());
        assertEquals(7, ett.columns().size());
        assertTrue(ett.gaps().isEmpty());
    }

    @Test
    void metricsMatchNumpy() throws Exception {
        JsonNode f = fixture();
        JsonNode m = f.get("metrics");
        double scale = ForecastMetrics.maseScale(floats(f.get("train")), f.get("season").asInt());
        assertEquals(m.get("scale").asDouble(), scale, 1e-5);
        ForecastMetrics.Report r = ForecastMetrics.of(floats(f.get("actual")), floats(f.get("forecast")), scale);
        assertEquals(m.get("mae").asDouble(), r.mae(), 1e-5);
        assertEquals(m.get("mse").asDouble(), r.mse(), 1e-5);
        assertEquals(m.get("rmse").asDouble(), r.rmse(), 1e-5);
        assertEquals(m.get("mape").asDouble(), r.mape(), 1e-4);
        assertEquals(m.get("smape").asDouble(), r.smape(), 1e-4);
        assertEquals(m.get("mase").asDouble(), r.mase(), 1e-6);
    }

    @Test
    void baselines() throws Exception {
        JsonNode ar = fixture().get("airline_ar");
        float[] y = TimeSeries.readCsv(SharedData.dir("timeseries").resolve("airline-passengers.csv"), null, null).column(0);
        Baselines.LinearAr fit = Baselines.LinearAr.fit(y, ar.get("end").asInt(), ar.get("order").asInt());
        assertEquals(ar.get("intercept").asDouble(), fit.intercept(), 1e-3);
        for (int i = 0; i < fit.order(); i++) assertEquals(ar.get("coefficients").get(i).asDouble(), fit.coefficients()[i], 1e-5, "a_" + (i + 1));
        float[] fc = fit.forecast(y, ar.get("end").asInt(), 12);
        for (int h = 0; h < 12; h++) assertEquals(ar.get("forecast").get(h).asDouble(), fc[h], 1e-2, "step " + (h + 1));

        // An AR(2) process: validation needs at least its two lags and stays well below the largest order allowed.
        Rng rng = new Rng(7);
        float[] ar2 = new float[600];
        for (int t = 2; t < ar2.length; t++) ar2[t] = 0.6f * ar2[t - 1] - 0.3f * ar2[t - 2] + (float) rng.normal();
        int chosen = Baselines.LinearAr.chooseOrder(ar2, new Forecaster.Split(400, 500, 600), 48, 3).order();
        assertTrue(chosen >= 2 && chosen <= 16, "order chosen for an AR(2) series: " + chosen);
        Baselines.TransformedAr both = Baselines.TransformedAr.choose(ar2, new Forecaster.Split(400, 500, 600), 48, 3, List.of(BoxCox.NONE),
                List.of(Baselines.Strategy.DIRECT));
        assertEquals(Baselines.Strategy.DIRECT, both.strategy());
        assertTrue(both.ar().order() >= 2 && both.ar().order() <= 16, "direct order chosen for an AR(2) series: " + both.ar().order());
        assertEquals(both.ar().order(), both.refit(ar2, 500).ar().order(), "a refit keeps the order");
        assertEquals(Baselines.Strategy.DIRECT, both.refit(ar2, 500).strategy(), "and the strategy");

        float[] s = {1, 2, 3, 4, 5, 6, 7};
        assertArrayEquals(new float[] {7, 7, 7}, Baselines.naive(s, 7, 3));

        // The direct autoregression: one least-squares fit per step ahead, against numpy's.
        JsonNode direct = fixture().get("airline_direct_ar");
        int end = direct.get("end").asInt(), hz = direct.get("horizon").asInt();
        Baselines.DirectAr d = Baselines.DirectAr.fit(y, end, direct.get("order").asInt(), hz);
        float[] dfc = d.forecast(y, end, hz);
        for (int h = 0; h < hz; h++) {
            assertEquals(direct.get("intercepts").get(h).asDouble(), d.intercepts()[h], 1e-3 * Math.max(1, Math.abs(d.intercepts()[h])), "c_" + h);
            for (int i = 0; i < d.order(); i++) {
                assertEquals(direct.get("coefficients").get(h).get(i).asDouble(), d.coefficients()[h][i], 1e-5, "a_" + h + "," + (i + 1));
            }
            assertEquals(direct.get("forecast").get(h).asDouble(), dfc[h], 1e-2, "direct step " + (h + 1));
        }
        assertThrows(IllegalArgumentException.class, () -> d.forecast(y, end, hz + 1), "fitted for " + hz + " steps only");
        assertArrayEquals(new float[] {5, 6, 7, 5, 6}, Baselines.seasonalNaive(s, 7, 5, 3), "each step repeats the same season's latest value");
        assertThrows(IllegalArgumentException.class, () -> Baselines.seasonalNaive(s, 2, 1, 3));
    }

    @Test
    void boxCoxAndTransformedAutoregressionMatchNumpy() throws Exception {
        BoxCox log = new BoxCox(0), sqrt = new BoxCox(0.5);
        assertEquals(1f, log.apply((float) Math.E), 1e-6f);
        assertEquals(4f, sqrt.apply(9f), 1e-6f, "(sqrt(9) - 1) / 0.5");
        assertEquals(9f, BoxCox.NONE.apply(9f), "lambda 1 leaves values as they are");
        for (float v : new float[] {0.5f, 1f, 112f, 622f}) {
            for (BoxCox t : List.of(log, sqrt, BoxCox.NONE)) assertEquals(v, t.invert(t.apply(v)), v * 1e-6f, "lambda " + t.lambda() + " round trip");
        }
        assertEquals(0f, sqrt.invert(-3f), "a forecast below the domain's edge is 0");
        var e = assertThrows(IllegalArgumentException.class, () -> log.apply(new float[] {3, 0, 2}, "count"));
        assertTrue(e.getMessage().contains("count") && e.getMessage().contains("row 2") && e.getMessage().contains("positive"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BoxCox(-1));

        // AR(12) of the airline counts as they are, of their log and of their square-root transform, against numpy's
        // least squares. Coefficients of collinear lags solved from float32 data agree to about 1e-4 of their size.
        float[] y = TimeSeries.readCsv(SharedData.dir("timeseries").resolve("airline-passengers.csv"), null, null).column(0);
        for (String name : List.of("airline_ar", "airline_ar_log", "airline_ar_sqrt")) {
            JsonNode ar = fixture().get(name);
            int end = ar.get("end").asInt();
            Baselines.TransformedAr fit = Baselines.TransformedAr.fit(y, end, ar.get("order").asInt(), new BoxCox(ar.get("lambda").asDouble()));
            for (int i = 0; i < fit.ar().order(); i++) {
                assertEquals(ar.get("coefficients").get(i).asDouble(), ((Baselines.LinearAr) fit.ar()).coefficients()[i], 1e-4, name + " a_" + (i + 1));
            }
            float[] fc = fit.forecast(y, end, 12);
            for (int h = 0; h < 12; h++) assertEquals(ar.get("forecast").get(h).asDouble(), fc[h], 1e-4 * fc[h], name + " step " + (h + 1));
        }

        // A series whose log is a persistent, oscillating AR(2) process (so the raw values swing over a factor of ten):
        // the autoregression of the log forecasts the validation windows with about half the squared error of the best
        // raw one (numpy, five seeds), and is chosen.
        Rng rng = new Rng(11);
        float[] z = new float[900], series = new float[900];
        for (int t = 2; t < z.length; t++) z[t] = 1.8f * z[t - 1] - 0.9f * z[t - 2] + 0.1f * (float) rng.normal();
        for (int t = 0; t < z.length; t++) series[t] = (float) Math.exp(3 + z[t]);
        Forecaster.Split split = new Forecaster.Split(600, 750, 900);
        Baselines.TransformedAr chosen = Baselines.TransformedAr.choose(series, split, 24, 3, List.of(BoxCox.NONE, sqrt, log));
        assertEquals(0.0, chosen.transform().lambda(), "the log is chosen for a log-AR(2) series");
        assertTrue(chosen.ar().order() >= 2 && chosen.ar().order() <= 12, "order " + chosen.ar().order());
        float[] shifted = series.clone();
        shifted[5] = -1;
        assertEquals(1.0, Baselines.TransformedAr.choose(shifted, split, 24, 3, List.of(BoxCox.NONE, sqrt, log)).transform().lambda(),
                "transforms whose domain misses a value are skipped");
    }

    @Test
    void pinballMatchesTorchAndLossesHaveGradients() throws Exception {
        JsonNode p = fixture().get("pinball");
        Tensor pred = Tensor.of(floats(p.get("pred")), 3, 4, 3), target = Tensor.of(floats(p.get("target")), 3, 4);
        double[] qs = {0.1, 0.5, 0.9};
        assertEquals(p.get("loss").asDouble(), Losses.pinball(pred, target, qs, Reduction.MEAN).item(), 1e-6);
        Rng rng = new Rng(2);
        Tensor a = Tensor.randn(rng, 2, 3, 3).requiresGrad(true), t = Tensor.randn(rng, 2, 3);
        assertPasses("pinball", check(x -> Losses.pinball(x[0], t, qs, Reduction.SUM), a));
        Tensor b = Tensor.randn(rng, 4, 2).requiresGrad(true), u = Tensor.randn(rng, 4, 2);
        assertPasses("l1", check(x -> Losses.l1(x[0], u, Reduction.MEAN), b));
        var e = assertThrows(IllegalArgumentException.class, () -> Losses.pinball(pred, target, new double[] {0.5}, Reduction.MEAN));
        assertTrue(e.getMessage().contains("[..., 1]"), e.getMessage());
    }

    @Test
    void modelGradients() {
        Rng rng = new Rng(4);
        for (ForecastModel.Config c : List.of(
                new ForecastModel.Config(3, 2, 0, 5, 1, 3, List.of(), ForecastModel.Style.DIRECT, false, 0f, 4, true, 2, 0, false, false, false),
                new ForecastModel.Config(4, 1, 2, 5, 2, 3, List.of(0.1, 0.5, 0.9), ForecastModel.Style.SEQ2SEQ, true, 0f, 4, true, 1, 0, false, false, false),
                new ForecastModel.Config(3, 2, 0, 6, 1, 5, List.of(), ForecastModel.Style.SEGMENT, false, 0f, 4, true, 1, 2, true, true, false),
                new ForecastModel.Config(4, 2, 0, 5, 1, 3, List.of(0.1, 0.5, 0.9), ForecastModel.Style.SEGMENT, false, 0f, 4, false, 2, 4, true, false, false),
                new ForecastModel.Config(4, 2, 2, 5, 1, 3, List.of(), ForecastModel.Style.SEQ2SEQ, false, 0f, 4, false, 1, 0, true, true, false),
                new ForecastModel.Config(3, 2, 0, 5, 1, 3, List.of(), ForecastModel.Style.DIRECT, false, 0f, 4, false, 1, 0, true, true, false))) {
            ForecastModel m = new ForecastModel(c, rng);
            // RevIN treats each window's mean and spread as constants (as Kim et al. detach them), so the inputs'
            // finite differences, which move them, are not its gradient; its parameters are checked.
            Tensor x = Tensor.randn(rng, 2, 4, c.inputSize()).requiresGrad(!c.revin());
            Tensor future = c.futureSize() > 0 ? Tensor.randn(rng, 2, c.horizon(), c.futureSize()) : null;
            Tensor y = m.forward(x, future);
            assertArrayEquals(new int[] {2, c.horizon(), c.targets(), c.outputs()}, y.shape());
            List<Tensor> all = new ArrayList<>(List.of(x));
            all.addAll(m.parameters());
            // A step of 1e-3 rather than the default 1e-2: RevIN divides by the spread of four random values, and the
            // curvature that brings moves central differences at 1e-2 by ~10% (the tolerances are the defaults).
            assertPasses(c.style() + (c.channelIndependent() ? " channel-independent" : "") + (c.revin() ? " RevIN" : "") + " forecaster",
                    check(in -> Ops.reshape(m.forward(in[0], future), -1), all.toArray(new Tensor[0]), 1e-3, org.grukit.core.GradCheck.DEFAULT_ATOL,
                            org.grukit.core.GradCheck.DEFAULT_RTOL, 1234L));
        }
    }

    @Test
    void refitTrainsOnTheValidationPartForTheChosenEpochsAndKeepsTheTransform() throws Exception {
        TimeSeries s = TimeSeries.readCsv(SharedData.dir("timeseries").resolve("airline-passengers.csv"), null, null);
        Forecaster.Split split = Forecaster.Split.fractions(s.length(), 0.2, 0.2);
        Forecaster.Settings d0 = Forecaster.Settings.defaults(12, s.frequency());
        Forecaster.Settings st = d0.withData(d0.data().withInputLength(24).withTransform(new BoxCox(0)).withChoose(false)).withModel(d0.model().withHiddenSize(16))
                .withTraining(d0.training().withEpochs(30).withBatchSize(16).withLr(3e-3).withPatience(5)).withRefit(true);
        Forecaster.Trained t = Forecaster.train(s, split, st, dir, false);
        assertEquals(Forecaster.origins(0, split.train(), 24, 12, 1).length, t.windows());
        assertEquals(Forecaster.origins(0, split.validation(), 24, 12, 1).length, t.refitWindows(), "the refit also trains on the validation part");
        assertTrue(t.refitWindows() > t.windows());
        assertEquals(Math.max(1, t.summary().bestEpoch()), t.refit().epochsRun(), "the refit runs the epochs validation chose");
        assertTrue(t.validation().mase() > 0 && Double.isFinite(t.validation().mase()), "validation MASE " + t.validation().mase());

        Forecaster loaded = Forecaster.load(dir);
        assertTrue(loaded.description().refitted());
        assertEquals(0.0, loaded.description().transform().lambda());
        Forecaster.Forecast a = t.forecaster().predict(s), b = loaded.predict(s);
        for (int h = 0; h < 12; h++) {
            assertArrayEquals(a.point()[h], b.point()[h], 0f, "the saved model is the refitted one");
            assertTrue(b.point()[h][0] > 300 && b.point()[h][0] < 900, "a 1961 forecast on the passengers' scale: " + b.point()[h][0]);
        }
        Forecaster.Evaluation e = loaded.evaluate(s, split, 0, 0);
        assertTrue(e.scores().get("model").original().mase() < e.scores().get("seasonal_naive").original().mase(),
                "the refitted log-scale GRU beats seasonal naive: " + e.scores().get("model").original().mase());
        double[] lambdas = e.arBoxCox();
        assertEquals(1, lambdas.length);
        assertTrue(List.of(1.0, 0.5, 0.0).contains(lambdas[0]), "the autoregression's transform is one of its candidates: " + lambdas[0]);
    }

    @Test
    void beatsSeasonalNaiveOnAirlinePassengersAndSurvivesSaving() throws Exception {
        TimeSeries s = TimeSeries.readCsv(SharedData.dir("timeseries").resolve("airline-passengers.csv"), null, null);
        Forecaster.Split split = Forecaster.Split.fractions(s.length(), 0.2, 0.1);
        Forecaster.Settings d0 = Forecaster.Settings.defaults(12, s.frequency());
        Forecaster.Settings st = d0.withModel(d0.model().withQuantiles(List.of(0.1, 0.5, 0.9)));
        Forecaster.Trained t = Forecaster.train(s, split, st, dir, false);
        Forecaster.Evaluation e = t.forecaster().evaluate(s, split, 0, 0);
        double model = e.scores().get("model").original().mase(), seasonal = e.scores().get("seasonal_naive").original().mase();
        System.out.printf("airline passengers, 12 months ahead, last 20%% as test: MASE model %.3f, seasonal naive %.3f, naive %.3f, AR %.3f; "
                        + "80%% interval coverage %.2f%n", model, seasonal, e.scores().get("naive").original().mase(),
                e.scores().get("linear_ar").original().mase(), e.scores().get("model").coverage());
        assertEquals(18, e.windows());
        assertTrue(model < seasonal, "the GRU beats seasonal naive: MASE " + model + " vs " + seasonal);
        assertTrue(e.scores().get("model").coverage() > 0.3, "the 10-90% band holds some of the actuals");

        Forecaster loaded = Forecaster.load(dir);
        Forecaster.Forecast a = t.forecaster().predict(s), b = loaded.predict(s);
        assertEquals(LocalDateTime.of(1961, 1, 1, 0, 0), b.time().get(0), "the forecast starts the month after the data");
        for (int h = 0; h < 12; h++) {
            assertArrayEquals(a.point()[h], b.point()[h], 0f, "the saved model is the trained one");
            assertTrue(b.bands()[h][0][0] <= b.bands()[h][0][2], "quantiles in order at step " + (h + 1));
        }
    }
    @Test
    void aLinearStartForecastsExactlyTheLinearMapAndItsFixedHighwayIsStateNotTrained() {
        Rng rng = new Rng(9);
        for (ForecastModel.Style style : ForecastModel.Style.values()) {
            ForecastModel m = new ForecastModel(new ForecastModel.Config(2, 2, 0, 6, 1, 3, List.of(0.25, 0.75), style, false, 0f, 4, true, 2,
                    style == ForecastModel.Style.SEGMENT ? 2 : 0, false, false, true), rng);
            Tensor w = Tensor.randn(rng, 3, 4), b = Tensor.randn(rng, 3);
            m.startFromLinear(w, b);
            Tensor x = Tensor.randn(rng, 5, 4, 2);
            float[] y = m.forward(x, null).toArray(), xs = x.toArray(), ws = w.toArray(), bs = b.toArray();
            for (int i = 0; i < 5; i++) {
                for (int h = 0; h < 3; h++) {
                    for (int j = 0; j < 2; j++) {
                        double v = bs[h];
                        for (int t = 0; t < 4; t++) v += ws[h * 4 + t] * xs[(i * 4 + t) * 2 + j];
                        for (int q = 0; q < 2; q++) assertEquals(v, y[((i * 3 + h) * 2 + j) * 2 + q], 1e-5, style + ": every quantile starts at the linear forecast");
                    }
                }
            }
            assertTrue(m.stateDict().containsKey("members.0.highway.weight"), "saved with the model: " + m.stateDict().keySet());
            assertTrue(m.parameters().stream().noneMatch(p -> p == m.stateDict().get("members.0.highway.weight")), style + ": the fixed highway is not trained");
        }
    }

    @Test
    void chooseDataPicksTheLogForALogAutoregressionAndTheSegmentStyleSurvivesSaving() throws Exception {
        // exp of an AR(2): the log is what a linear forecaster should model, on validation alone.
        Rng rng = new Rng(11);
        float[] z = new float[900];
        StringBuilder csv = new StringBuilder("date,y\n");
        LocalDateTime t = LocalDateTime.of(2000, 1, 1, 0, 0);
        for (int i = 2; i < z.length; i++) z[i] = 1.8f * z[i - 1] - 0.9f * z[i - 2] + 0.1f * (float) rng.normal();
        for (int i = 0; i < z.length; i++, t = t.plusDays(1)) csv.append(t.toLocalDate()).append(',').append((float) Math.exp(3 + z[i])).append('\n');
        Path file = dir.resolve("log-ar.csv");
        Files.writeString(file, csv);
        TimeSeries s = TimeSeries.readCsv(file, null, null);
        Forecaster.Split split = new Forecaster.Split(600, 750, 900);
        Forecaster.Settings d0 = Forecaster.Settings.defaults(3, s.frequency());
        Forecaster.Settings chosen = Forecaster.chooseData(s, split, d0.withData(d0.data().withInputLength(14)));
        assertEquals(0.0, chosen.data().transform().lambda(), "the log is chosen");
        assertTrue(!chosen.data().choose(), "and the choice is made once");

        // The segment style with RevIN and quantiles: a short run, then a save/load round trip.
        Forecaster.Settings st = d0.withData(d0.data().withInputLength(14).withChoose(false))
                .withModel(d0.model().withStyle(ForecastModel.Style.SEGMENT).withHiddenSize(16).withRevin(true).withLinearStart(false)
                        .withQuantiles(List.of(0.1, 0.5, 0.9)))
                .withTraining(d0.training().withEpochs(15));
        Forecaster.Trained trained = Forecaster.train(s, split, st, dir.resolve("seg"), false);
        assertEquals(7, trained.forecaster().model().config().segmentLength(), "half of a daily series' 14 days");
        Forecaster loaded = Forecaster.load(dir.resolve("seg"));
        Forecaster.Forecast a = trained.forecaster().predict(s), b = loaded.predict(s);
        for (int h = 0; h < 3; h++) assertArrayEquals(a.point()[h], b.point()[h], 0f, "the saved model is the trained one");
        Forecaster.Evaluation e = loaded.evaluate(s, split, 0, 0);
        assertTrue(e.scores().get("model").original().mase() < e.scores().get("naive").original().mase(),
                "a short run of the segment network beats the last value: " + e.scores().get("model").original().mase());
    }
    @Test
    void defaultsFollowTheSeriesLength() {
        Forecaster.Settings shortSeries = Forecaster.Settings.defaults(12, TimeSeries.Frequency.MONTHLY, Forecaster.Settings.LONG_SERIES_WINDOWS - 1);
        assertEquals(ForecastModel.Style.DIRECT, shortSeries.model().style());
        assertTrue(shortSeries.model().linearStart() && shortSeries.model().highway() && shortSeries.data().calendar() && shortSeries.data().choose());
        Forecaster.Settings longSeries = Forecaster.Settings.defaults(96, TimeSeries.Frequency.HOURLY, Forecaster.Settings.LONG_SERIES_WINDOWS);
        assertEquals(ForecastModel.Style.SEGMENT, longSeries.model().style());
        assertEquals(512, longSeries.model().hiddenSize());
        assertTrue(!longSeries.model().highway() && longSeries.data().centre() && !longSeries.data().choose(), longSeries.toString());
        assertEquals(96, longSeries.data().inputLength());
        assertEquals(24, Forecaster.Settings.segmentFor(96, TimeSeries.Frequency.HOURLY), "a day's segments");
        assertEquals(12, Forecaster.Settings.segmentFor(24, TimeSeries.Frequency.MONTHLY), "a year's");
        assertEquals(48, Forecaster.Settings.segmentFor(96, TimeSeries.Frequency.DAILY), "a daily series' season is a year: half the input");
        assertEquals(5, Forecaster.Settings.segmentFor(15, TimeSeries.Frequency.HOURLY), "the largest divisor up to half the input");
        assertTrue(!Forecaster.Settings.defaults(3, TimeSeries.Frequency.IRREGULAR).data().calendar(), "no calendar without a regular step");
    }
    @Test
    void aForecasterSavedBeforeTheNewStylesLoadsAndForecastsAsItsGrukitDid() throws Exception {
        Path folder = Path.of(getClass().getClassLoader().getResource("legacy/forecaster-v2/model.json").toURI()).getParent();
        Forecaster f = Forecaster.load(folder);
        ForecastModel.Config c = f.model().config();
        assertEquals(ForecastModel.Style.DIRECT, c.style());
        assertTrue(c.segmentLength() == 0 && !c.channelIndependent() && !c.revin() && !c.fixedHighway(), "absent fields read as none: " + c);
        TimeSeries s = TimeSeries.readCsv(SharedData.dir("timeseries").resolve("airline-passengers.csv"), null, null);
        Forecaster.Forecast p = f.predict(s);
        List<String> rows = Files.readAllLines(folder.resolve("forecast-by-its-grukit.csv"));
        for (int h = 0; h < 3; h++) {
            String[] v = rows.get(h + 1).split(",");
            assertEquals(Double.parseDouble(v[1]), p.point()[h][0], 1e-3, "step " + (h + 1));
            for (int q = 0; q < 3; q++) assertEquals(Double.parseDouble(v[2 + q]), p.bands()[h][0][q], 1e-3, "step " + (h + 1) + " quantile " + q);
        }
    }
}
