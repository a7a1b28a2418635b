package org.grukit.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.grukit.core.Rng;
import org.grukit.core.task.Tasks;
import org.grukit.nlp.data.LabelledText;
import org.grukit.nlp.sentiment.SentimentClassifier;
import org.grukit.nlp.sentiment.SentimentTask;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The task contract's Spark stage on local[2]: the same predictions as one JVM, row for row, and bad rows named. */
class TaskTransformerTest {
    static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("grukit-test").config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** {@code n} two-word reviews whose label one word gives away. */
    static List<LabelledText> reviews(int n, long seed) {
        List<LabelledText> reviews = new ArrayList<>();
        Rng rng = new Rng(seed);
        String[] good = {"great", "lovely"}, bad = {"awful", "dull"};
        for (int i = 0; i < n; i++) {
            boolean pos = rng.uniform() < 0.5;
            reviews.add(new LabelledText((pos ? good : bad)[rng.nextInt(2)] + " film", pos ? "pos" : "neg", "r:" + i));
        }
        return reviews;
    }

    private SentimentClassifier sentiment(Path model) throws IOException {
        List<LabelledText> reviews = reviews(200, 1);
        SentimentTask task = new SentimentTask();
        return Tasks.train(task, task.defaults(200).withSize(8, 8).withEpochs(2), reviews, reviews, new Tasks.Run(model, false, null)).model();
    }

    @Test
    void sentimentColumnsEqualTheSingleJvmsPredictionsAndBadRowsAreNamed() throws IOException {
        Path model = dir.resolve("m");
        SentimentClassifier local = sentiment(model);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 300; i++) texts.add(List.of("great film", "dull film", "a lovely and great film", "awful", "film").get(i % 5) + (i % 7 == 0 ? " again" : ""));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) rows.add(RowFactory.create((long) i, texts.get(i)));
        rows.add(RowFactory.create(-1L, null));
        rows.add(RowFactory.create(-2L, "  "));
        StructType schema = new StructType().add("id", DataTypes.LongType).add("review", DataTypes.StringType);
        Dataset<Row> in = spark.createDataFrame(rows, schema).repartition(3);

        TaskTransformer stage = TaskTransformer.of(model).setInputCol("review").setBatchSize(32);
        List<Row> out = stage.transform(in).collectAsList();
        assertEquals(rows.size(), out.size());
        List<SentimentClassifier.Prediction> expected = local.predict(texts);
        for (Row r : out) {
            long id = r.getLong(r.fieldIndex("id"));
            if (id < 0) {
                assertNull(r.get(r.fieldIndex("label")));
                assertTrue(r.getString(r.fieldIndex("error")).contains(id == -1 ? "null" : "empty"), r.toString());
                continue;
            }
            SentimentClassifier.Prediction p = expected.get((int) id);
            assertEquals(p.label(), r.getString(r.fieldIndex("label")), "row " + id);
            assertEquals(p.probability(), r.getDouble(r.fieldIndex("probability")), 0.0, "row " + id);
            List<Double> probs = r.getList(r.fieldIndex("probabilities"));
            assertEquals(Arrays.stream(p.probabilities()).boxed().toList(), probs, "row " + id);
            assertNull(r.get(r.fieldIndex("error")));
        }
    }

    /** In a Pipeline, saved and loaded back as Spark ML saves pipelines: the same params, the same predictions. */
    @Test
    void aPipelineWithTheStageSavesAndLoads() throws IOException {
        Path model = dir.resolve("m");
        sentiment(model);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) rows.add(RowFactory.create((long) i, i % 2 == 0 ? "great film" : "dull film " + i));
        Dataset<Row> in = spark.createDataFrame(rows, new StructType().add("id", DataTypes.LongType).add("review", DataTypes.StringType));
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {TaskTransformer.of(model).setInputCol("review").setBatchSize(7)});
        PipelineModel fitted = pipeline.fit(in);
        String saved = dir.resolve("pipeline").toString();
        fitted.write().overwrite().save(saved);
        PipelineModel loaded = PipelineModel.load(saved);
        TaskTransformer stage = (TaskTransformer) loaded.stages()[0];
        assertEquals("review", stage.getOrDefault(stage.inputCol()));
        assertEquals(7, (Integer) stage.getOrDefault(stage.batchSize()));
        List<Row> a = fitted.transform(in).orderBy("id").collectAsList(), b = loaded.transform(in).orderBy("id").collectAsList();
        assertEquals(a, b);
    }

    /** Asked for, a sentiment model's tokens and attention weights come as columns too, as the single JVM explains them. */
    @Test
    void attentionWeightsAsColumnsWhenAsked() throws IOException {
        Path model = dir.resolve("m");
        SentimentClassifier local = sentiment(model);
        List<String> texts = List.of("great film", "a dull and awful film", "lovely");
        List<Row> rows = new ArrayList<>();
        for (String t : texts) rows.add(RowFactory.create(t));
        Dataset<Row> in = spark.createDataFrame(rows, new StructType().add("text", DataTypes.StringType));
        List<Row> out = TaskTransformer.of(model).setWithDetails(true).transform(in).collectAsList();
        for (Row r : out) {
            SentimentClassifier.Explanation e = local.explain(r.getString(0));
            assertEquals(e.tokens().stream().map(t -> t.text()).toList(), r.getList(r.fieldIndex("tokens")));
            List<Double> weights = r.getList(r.fieldIndex("attention"));
            for (int i = 0; i < weights.size(); i++) assertEquals(e.weights()[i], weights.get(i), 1e-6);
            assertEquals(e.prediction().label(), r.getString(r.fieldIndex("label")));
        }
        assertEquals(texts.size(), out.size());
    }

    /** With failFast the first row without a prediction fails the job, naming the row and why. */
    @Test
    void failFastFailsTheJobAtABadRow() throws IOException {
        Path model = dir.resolve("m");
        sentiment(model);
        Dataset<Row> in = spark.createDataFrame(List.of(RowFactory.create(1L, "great film"), RowFactory.create(2L, null)),
                new StructType().add("id", DataTypes.LongType).add("text", DataTypes.StringType));
        TaskTransformer stage = TaskTransformer.of(model).setFailFast(true);
        Exception e = assertThrows(Exception.class, () -> stage.transform(in).collectAsList());
        String all = e.toString() + (e.getCause() == null ? "" : e.getCause().toString());
        assertTrue(all.contains("the input is null"), all);
    }

    @Test
    void aMissingOrWrongInputColumnIsNamed() throws IOException {
        Path model = dir.resolve("m");
        sentiment(model);
        Dataset<Row> in = spark.createDataFrame(List.of(RowFactory.create(1L)), new StructType().add("id", DataTypes.LongType));
        TaskTransformer stage = TaskTransformer.of(model);
        var e = assertThrows(IllegalArgumentException.class, () -> stage.transform(in));
        assertTrue(e.getMessage().contains("no input column 'text'"), e.getMessage());
        var f = assertThrows(IllegalArgumentException.class, () -> stage.setInputCol("id").transform(in));
        assertTrue(f.getMessage().contains("holds bigint, not strings"), f.getMessage());
    }
}
