package org.grukit.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.grukit.core.Rng;
import org.grukit.core.task.InputKind;
import org.grukit.core.task.OutputField;
import org.grukit.core.task.TaskModel;
import org.grukit.core.task.Tasks;
import org.grukit.nlp.forecast.ForecastData;
import org.grukit.nlp.forecast.ForecastTask;
import org.grukit.nlp.forecast.Forecaster;
import org.grukit.nlp.forecast.TimeSeries;
import org.grukit.nlp.speech.SpeechData;
import org.grukit.nlp.speech.SpeechTask;
import org.grukit.nlp.speech.Transcriber;
import org.grukit.nlp.summarize.SummarizationTask;
import org.grukit.nlp.summarize.Summarizer;
import org.grukit.nlp.task.TinyData;
import org.grukit.nlp.translate.TranslationTask;
import org.grukit.nlp.translate.Translator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark stage for the tasks beyond sentiment, through the task contract alone, on local[2]: translation and
 * summarisation from a text column, speech from {@code binaryFile} bytes and from paths, forecasting from a long table
 * of series; every row's columns equal the single JVM's prediction, and bad rows are named in the error column.
 */
class EveryTaskTransformerTest {
    static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("grukit-every-task").config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /**
     * Each output column of {@code row} holds what the model's own prediction holds: texts and labels exactly, numbers to
     * float rounding (a row's batch in Spark is not its batch in one call, and the kernels' sums follow the batch's shape).
     */
    private static <I, O> void assertSameAsSingleJvm(TaskModel<?, I, O> model, O expected, Row row, String what) {
        Map<String, Object> values = model.outputValues(expected);
        for (OutputField f : model.outputFields()) {
            assertClose(normalized(values.get(f.name())), normalized(row.get(row.fieldIndex(f.name()))), what + ": " + f.name());
        }
        assertNull(row.get(row.fieldIndex("error")), what);
    }

    private static void assertClose(Object expected, Object actual, String what) {
        if (expected instanceof Double e && actual instanceof Double a) {
            assertEquals(e, a, 1e-6 * Math.max(1, Math.abs(e)), what);
        } else if (expected instanceof List<?> e && actual instanceof List<?> a) {
            assertEquals(e.size(), a.size(), what);
            for (int i = 0; i < e.size(); i++) assertClose(e.get(i), a.get(i), what + "[" + i + "]");
        } else {
            assertEquals(expected, actual, what);
        }
    }

    /** Spark's arrays (Scala sequences) and Java lists compared as Java lists. */
    private static Object normalized(Object v) {
        if (v instanceof scala.collection.Seq<?> s) v = scala.jdk.javaapi.CollectionConverters.asJava(s);
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) out.add(normalized(o));
            return out;
        }
        return v;
    }

    @Test
    void translationAndSummarizationAddTheirColumns() throws IOException {
        Path tm = dir.resolve("translate"), sm = dir.resolve("summarize");
        Translator translator = Tasks.train(new TranslationTask(), Translator.Settings.defaults().withSize(4, 8, 8).withEpochs(1),
                TinyData.pairs(60, new Rng(1)), TinyData.pairs(10, new Rng(2)), new Tasks.Run(tm, false, null)).model();
        Summarizer.Settings sd = Summarizer.Settings.defaults().withSize(100, 4, 8, 8);
        Summarizer summarizer = Tasks.train(new SummarizationTask(), sd.withTraining(sd.training().withEpochs(1)), TinyData.emails(30, new Rng(1)),
                TinyData.emails(5, new Rng(2)), new Tasks.Run(sm, false, null)).model();
        List<String> sources = TinyData.pairs(30, new Rng(3)).stream().map(p -> p.source()).toList();
        List<String> emails = TinyData.emails(12, new Rng(4)).stream().map(d -> d.text()).toList();
        for (Object[] run : new Object[][] {{tm, translator, sources}, {sm, summarizer, emails}}) {
            @SuppressWarnings("unchecked")
            TaskModel<?, String, Object> model = (TaskModel<?, String, Object>) run[1];
            @SuppressWarnings("unchecked")
            List<String> texts = (List<String>) run[2];
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) rows.add(RowFactory.create((long) i, texts.get(i)));
            rows.add(RowFactory.create(-1L, ""));
            Dataset<Row> in = spark.createDataFrame(rows, new StructType().add("id", DataTypes.LongType).add("text", DataTypes.StringType)).repartition(2);
            List<Object> expected = model.predict(texts);
            for (Row r : TaskTransformer.of((Path) run[0]).setBatchSize(5).transform(in).collectAsList()) {
                long id = r.getLong(0);
                if (id < 0) {
                    assertTrue(r.getString(r.fieldIndex("error")).contains("empty"), r.toString());
                } else {
                    assertSameAsSingleJvm(model, expected.get((int) id), r, model.type() + " row " + id);
                }
            }
        }
    }

    @Test
    void speechFromBinaryFilesAndFromPaths() throws IOException {
        Path model = dir.resolve("speech");
        Transcriber.Settings pd = Transcriber.Settings.defaultsFor(10);
        Transcriber transcriber = Tasks.train(new SpeechTask(), pd.withModel(pd.model().withHiddenSize(8)).withTraining(pd.training().withEpochs(2)),
                TinyData.tones(20, new Rng(1)), TinyData.tones(4, new Rng(2)), new Tasks.Run(model, false, null)).model();
        Path audio = Files.createDirectories(dir.resolve("audio"));
        List<SpeechData.Utterance> utterances = TinyData.tones(12, new Rng(3));
        Map<String, String> expected = new LinkedHashMap<>();
        for (SpeechData.Utterance u : utterances) {
            Path f = audio.resolve(u.id() + ".wav");
            Files.write(f, TinyData.wav(u.samples(), u.sampleRate()));
            expected.put(f.getFileName().toString(), transcriber.predict(List.of(transcriber.input(f.toString()))).get(0));
        }
        Files.writeString(audio.resolve("broken.wav"), "this is not a recording");
        Files.write(audio.resolve("empty.wav"), new byte[0]);

        TaskTransformer stage = TaskTransformer.of(model);
        assertEquals(InputKind.AUDIO, stage.inputKind());
        Dataset<Row> files = spark.read().format("binaryFile").load(audio.toString()); // path, modificationTime, length, content
        List<Row> out = stage.setBatchSize(4).transform(files).collectAsList();
        // Spark's binaryFile source leaves empty files out; they are read by path below.
        assertEquals(expected.size() + 1, out.size(), out.stream().map(r -> r.getString(0)).toList().toString());
        for (Row r : out) {
            String name = Path.of(java.net.URI.create(r.getString(r.fieldIndex("path")))).getFileName().toString();
            String error = r.getString(r.fieldIndex("error"));
            if (name.equals("broken.wav")) {
                assertTrue(error.contains("not a recording grukit reads") && error.contains("the audio bytes"), error);
            } else {
                assertNull(error, name);
                assertEquals(expected.get(name), r.getString(r.fieldIndex("transcript")), name);
            }
        }

        // The same files by path, from a string column.
        List<Row> paths = new ArrayList<>();
        for (String name : expected.keySet()) paths.add(RowFactory.create(audio.resolve(name).toString()));
        paths.add(RowFactory.create(audio.resolve("missing.wav").toString()));
        paths.add(RowFactory.create(audio.resolve("empty.wav").toString()));
        Dataset<Row> byPath = spark.createDataFrame(paths, new StructType().add("file", DataTypes.StringType));
        for (Row r : TaskTransformer.of(model).setInputCol("file").transform(byPath).collectAsList()) {
            String name = Path.of(r.getString(0)).getFileName().toString();
            if (name.equals("missing.wav") || name.equals("empty.wav")) {
                assertNotNull(r.getString(r.fieldIndex("error")), "a missing or empty file is named");
                assertTrue(r.getString(r.fieldIndex("error")).contains(name), r.getString(r.fieldIndex("error")));
            } else {
                assertEquals(expected.get(name), r.getString(r.fieldIndex("transcript")), name);
            }
        }
    }

    @Test
    void forecastingGivesOneRowPerSeries() throws IOException {
        TimeSeries series = TinyData.monthlySeries(dir);
        Forecaster.Settings fd = Forecaster.Settings.defaults(3, series.frequency());
        ForecastData data = new ForecastData(series, Forecaster.Split.fractions(series.length(), 0.2, 0.2));
        Path model = dir.resolve("forecast");
        Forecaster forecaster = Tasks.train(new ForecastTask(), fd.withData(fd.data().withInputLength(12)).withModel(fd.model().withHiddenSize(4)
                .withQuantiles(List.of(0.1, 0.9))).withTraining(fd.training().withEpochs(1)), data, data, new Tasks.Run(model, false, null)).model();

        // Three stores in one long table, rows shuffled: two of 40 months, one of 5 (shorter than the model's input).
        List<Row> rows = new ArrayList<>();
        Map<String, TimeSeries> expected = new LinkedHashMap<>();
        for (String store : List.of("a", "b", "short")) {
            int n = store.equals("short") ? 5 : 40;
            List<Object> times = new ArrayList<>(), values = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                LocalDate month = LocalDate.of(2010, 1, 1).plusMonths(i);
                double v = 50 + 5 * Math.sin(i + store.hashCode());
                rows.add(RowFactory.create(store, java.sql.Date.valueOf(month), v));
                times.add(month);
                values.add(v);
            }
            Map<String, Object> columns = new LinkedHashMap<>();
            columns.put("id", store);
            columns.put("time", times);
            columns.put("value", values);
            expected.put(store, TimeSeries.fromColumns(columns));
        }
        java.util.Collections.shuffle(rows, new java.util.Random(1));
        Dataset<Row> in = spark.createDataFrame(rows, new StructType().add("store", DataTypes.StringType).add("month", DataTypes.DateType)
                .add("value", DataTypes.DoubleType)).repartition(3);
        TaskTransformer stage = TaskTransformer.of(model).setIdCol("store").setTimeCol("month");
        assertEquals(InputKind.SERIES, stage.inputKind());
        List<Row> out = stage.transform(in).collectAsList();
        assertEquals(3, out.size(), "one row per series");
        for (Row r : out) {
            String store = r.getString(0);
            if (store.equals("short")) {
                assertTrue(r.getString(r.fieldIndex("error")).contains("need the last 12 rows"), r.getString(r.fieldIndex("error")));
            } else {
                assertSameAsSingleJvm(forecaster, forecaster.predict(expected.get(store)), r, "store " + store);
            }
        }
    }
}
