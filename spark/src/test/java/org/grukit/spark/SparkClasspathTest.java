package org.grukit.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.grukit.core.Rng;
import org.grukit.core.task.Tasks;
import org.grukit.nlp.data.LabelledText;
import org.grukit.nlp.sentiment.SentimentClassifier;
import org.grukit.nlp.sentiment.SentimentTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * grukit on Spark's own class path (Spark 4.2, Scala 2.13, its Jackson 2.21): a local[2] session starts, its
 * tasks load a grukit model folder through the task contract, and the labels they predict are the single JVM's.
 */
class SparkClasspathTest {
    @TempDir
    Path dir;

    @Test
    void aLocalSessionPredictsWhatOneJvmPredicts() throws IOException {
        List<LabelledText> reviews = new ArrayList<>();
        Rng rng = new Rng(1);
        String[] good = {"great", "lovely"}, bad = {"awful", "dull"};
        for (int i = 0; i < 200; i++) {
            boolean pos = rng.uniform() < 0.5;
            reviews.add(new LabelledText((pos ? good : bad)[rng.nextInt(2)] + " film", pos ? "pos" : "neg", "r:" + i));
        }
        SentimentTask task = new SentimentTask();
        Path model = dir.resolve("m");
        SentimentClassifier local = Tasks.train(task, task.defaults(200).withSize(8, 8).withEpochs(2), reviews, reviews,
                new Tasks.Run(model, false, null)).model();
        List<String> texts = List.of("great film", "dull film", "lovely film", "awful film", "a film");
        List<String> expected = new ArrayList<>();
        for (SentimentClassifier.Prediction p : local.predict(texts)) expected.add(p.label());

        SparkSession spark = SparkSession.builder().master("local[2]").appName("grukit-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
        try {
            String folder = model.toString();
            Dataset<String> in = spark.createDataset(texts, Encoders.STRING()).repartition(2);
            MapPartitionsFunction<String, String> predict = rows -> {
                SentimentClassifier m = (SentimentClassifier) Tasks.load(Path.of(folder));
                List<String> batch = new ArrayList<>();
                rows.forEachRemaining(batch::add);
                List<String> out = new ArrayList<>();
                for (int i = 0; i < batch.size(); i++) out.add(batch.get(i) + "\t" + m.predict(batch).get(i).label());
                return out.iterator();
            };
            List<String> rows = in.mapPartitions(predict, Encoders.STRING()).collectAsList();
            assertEquals(texts.size(), rows.size());
            for (String r : rows) {
                String[] f = r.split("\t");
                assertEquals(expected.get(texts.indexOf(f[0])), f[1], f[0]);
            }
        } finally {
            spark.stop();
        }
    }
}
