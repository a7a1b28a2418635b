package org.grukit.nlp.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.grukit.core.Rng;
import org.grukit.core.io.ModelBundle;
import org.grukit.core.task.Task;
import org.grukit.core.task.TaskModel;
import org.grukit.core.task.Tasks;
import org.grukit.nlp.data.LabelledText;
import org.grukit.nlp.sentiment.SentimentClassifier;
import org.grukit.nlp.sentiment.SentimentTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generic code drives a task through the contract without naming it: the task is found on the class path,
 * trained by {@link Tasks#train}, and its folder loaded back by the type model.json names, then asked to
 * predict and evaluate.
 */
class TaskContractTest {
    @TempDir
    Path dir;

    /** Two-word reviews whose label is set by one of the words, the other word noise. */
    private static List<LabelledText> reviews(int n, long seed) {
        String[] good = {"great", "lovely", "superb", "fine"}, bad = {"awful", "dull", "poor", "tedious"};
        String[] noise = {"film", "plot", "cast", "score", "ending", "story"};
        Rng rng = new Rng(seed);
        List<LabelledText> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean pos = rng.uniform() < 0.5;
            String word = (pos ? good : bad)[(int) (rng.uniform() * 4)];
            String other = noise[(int) (rng.uniform() * noise.length)];
            out.add(new LabelledText(rng.uniform() < 0.5 ? word + " " + other : other + " " + word, pos ? "pos" : "neg",
                    "reviews:" + (i + 1)));
        }
        return out;
    }

    @Test
    void everyTaskOnTheClassPathIsFoundByNameAndModelType() {
        List<String> names = Tasks.all().stream().map(Task::name).toList();
        assertTrue(names.containsAll(List.of("sentiment", "translate", "speech", "summarize", "forecast")),
                "every task registers as a service: " + names);
        for (Task<?, ?, ?, ?, ?> t : Tasks.all()) {
            assertEquals(t.getClass(), Tasks.named(t.name()).getClass());
            assertEquals(t.getClass(), Tasks.forModelType(t.modelType()).getClass());
        }
        // No task class registers its model type any more: the ModelTypeProvider service does.
        assertEquals(org.grukit.nlp.sentiment.SentimentModel.Config.class,
                org.grukit.core.io.ModelTypes.lookup(org.grukit.nlp.sentiment.SentimentModel.TYPE).configClass());
        var e = assertThrows(IllegalArgumentException.class, () -> Tasks.named("weather"));
        assertTrue(e.getMessage().contains("sentiment"), e.getMessage());
    }

    @Test
    void aModelTrainedThroughTheContractLoadsAndPredictsWithoutItsTaskBeingNamed() throws IOException {
        List<LabelledText> train = reviews(400, 1), dev = reviews(100, 2), test = reviews(100, 3);
        SentimentTask task = new SentimentTask();
        SentimentClassifier.Settings d = task.defaults(train.size());
        SentimentClassifier.Settings s = d.withSize(16, 16).withTraining(d.training().withEpochs(4).withLr(1e-2).withBatchSize(16));
        Tasks.Trained<SentimentClassifier> t = Tasks.train(task, s, train, dev, new Tasks.Run(dir, false, r -> {}));
        assertTrue(t.dev().get("accuracy") > 0.9, "one word decides the label: " + t.dev());
        assertTrue(t.summary().bestEpoch() > 0);

        JsonNode prov = ModelBundle.readDescriptor(dir).get("provenance");
        assertEquals("sentiment", prov.get("task").asText());
        assertEquals(4, prov.at("/settings/training/epochs").asInt(), "the full settings: " + prov.get("settings"));
        assertEquals(16, prov.at("/settings/model/hiddenSize").asInt(), "nested as the records are: " + prov.get("settings"));
        assertEquals(400, prov.at("/data/train/examples").asInt());
        assertTrue(prov.at("/data/train/sha256").asText().matches("[0-9a-f]{64}"), prov.get("data").toString());
        assertTrue(!prov.at("/data/train/sha256").asText().equals(prov.at("/data/dev/sha256").asText()));
        assertEquals(t.summary().bestEpoch(), prov.get("bestEpoch").asInt());
        assertEquals(t.summary().history().size(), prov.get("epochs").size(), "every epoch's metrics");
        assertEquals(t.dev().get("accuracy"), prov.at("/devMetrics/accuracy").asDouble(), 1e-12);
        assertTrue(prov.has("java") && prov.has("kernels") && prov.has("grukitVersion"), prov.toString());

        List<String> metricLines = java.nio.file.Files.readAllLines(dir.resolve(Tasks.METRICS_JSONL));
        assertEquals(t.summary().history().size(), metricLines.size(), "one line an epoch: " + metricLines);
        assertTrue(metricLines.get(0).contains("\"dev_accuracy\""), metricLines.get(0));
        assertTrue(java.nio.file.Files.size(dir.resolve(Tasks.TRAINING_PNG)) > 1000, "the training curve is drawn");

        TaskModel<?, ?, ?> loaded = Tasks.load(dir);
        assertInstanceOf(SentimentClassifier.class, loaded);
        assertEquals(String.class, loaded.inputType());
        assertEquals(List.of("neg", "pos"), loaded.describe().get("labels"));
        List<String> texts = new ArrayList<>();
        for (LabelledText x : test) texts.add(x.text());
        List<?> predictions = predictAny(loaded, texts);
        assertEquals(texts.size(), predictions.size());
        int right = 0;
        for (int i = 0; i < texts.size(); i++) {
            if (((SentimentClassifier.Prediction) predictions.get(i)).label().equals(test.get(i).label())) right++;
        }
        assertEquals(t.model().metrics(test).get("accuracy"), right / (double) texts.size(), 1e-12,
                "predictions in input order, the same as the trained model's metrics");
    }

    /** A model folder shipped as a zip (or inside an application jar) loads from the zip's file system and from a stream. */
    @Test
    void aModelLoadsFromAZipFileSystemAndAStream() throws IOException {
        SentimentTask task = new SentimentTask();
        SentimentClassifier.Settings s = task.defaults(200).withSize(8, 8).withEpochs(2);
        Path model = dir.resolve("m");
        Tasks.train(task, s, reviews(200, 1), reviews(50, 2), new Tasks.Run(model, false, null));
        Path zip = dir.resolve("m.zip");
        try (var out = new java.util.zip.ZipOutputStream(java.nio.file.Files.newOutputStream(zip));
             var files = java.nio.file.Files.list(model)) {
            for (Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                out.putNextEntry(new java.util.zip.ZipEntry("sentiment/" + f.getFileName()));
                java.nio.file.Files.copy(f, out);
                out.closeEntry();
            }
        }
        List<String> texts = List.of("great film", "dull plot", "the cast is poor", "lovely");
        List<?> expected = Tasks.load(model).predict(castAll(texts));
        try (var fs = java.nio.file.FileSystems.newFileSystem(zip)) {
            assertEquals(expected, Tasks.load(fs.getPath("/sentiment")).predict(castAll(texts)));
        }
        try (var in = java.nio.file.Files.newInputStream(zip)) {
            assertEquals(expected, Tasks.load(in).predict(castAll(texts)));
        }
        var e = assertThrows(IOException.class, () -> Tasks.load(new java.io.ByteArrayInputStream(new byte[] {1, 2, 3})));
        assertTrue(e.getMessage().contains("zip"), e.getMessage());
        e = assertThrows(IOException.class, () -> Tasks.loadResource(getClass().getClassLoader(), "no/such/model"));
        assertTrue(e.getMessage().contains("no/such/model/model.json"), e.getMessage());
    }

    @SuppressWarnings("unchecked")
    private static <I> List<I> castAll(List<String> texts) {
        return (List<I>) texts;
    }

    @Test
    void aRunThatFailsBeforeTrainingLeavesTheFolderAsItWas() throws IOException {
        SentimentTask task = new SentimentTask();
        SentimentClassifier.Settings s = task.defaults(400).withSize(8, 8).withEpochs(1);
        Path model = dir.resolve("m");
        Tasks.train(task, s, reviews(200, 1), reviews(50, 2), new Tasks.Run(model, false, null));
        byte[] before = java.nio.file.Files.readAllBytes(model.resolve("model.json"));
        // Bad data (no dev examples) with --overwrite: refused before the old model is touched.
        assertThrows(IllegalArgumentException.class, () -> Tasks.train(task, s, reviews(200, 3), List.of(),
                new Tasks.Run(model, false, null).withExisting(Tasks.Existing.OVERWRITE)));
        assertArrayEquals(before, java.nio.file.Files.readAllBytes(model.resolve("model.json")));
        // Into a new folder: nothing is written, so a corrected rerun is not refused.
        Path fresh = dir.resolve("fresh");
        assertThrows(IllegalArgumentException.class, () -> Tasks.train(task, s, reviews(200, 3), List.of(),
                new Tasks.Run(fresh, false, null)));
        assertTrue(!java.nio.file.Files.exists(fresh), "a failed run leaves no folder behind");
    }

    /** Progress goes to the run's listener; the library itself writes nothing to standard error. */
    @Test
    void progressReachesTheListenerAndNothingIsPrinted() throws IOException {
        SentimentTask task = new SentimentTask();
        SentimentClassifier.Settings s = task.defaults(200).withSize(8, 8).withEpochs(2);
        List<String> events = new ArrayList<>();
        org.grukit.core.train.TrainingListener listener = new org.grukit.core.train.TrainingListener() {
            @Override
            public void epochStarted(int epoch, int epochs, long examples) {
                events.add("start " + epoch + "/" + epochs + " of " + examples);
            }

            @Override
            public void epochDone(org.grukit.core.train.Trainer.EpochResult r, String monitor) {
                events.add("done " + r.epoch() + " " + monitor);
            }
        };
        java.io.PrintStream err = System.err;
        var captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            Tasks.train(task, s, reviews(200, 1), reviews(50, 2), Tasks.Run.into(dir.resolve("p")).withListener(listener));
        } finally {
            System.setErr(err);
        }
        assertEquals(List.of("start 1/2 of 200", "done 1 dev_accuracy", "start 2/2 of 200", "done 2 dev_accuracy"), events);
        assertEquals("", captured.toString(java.nio.charset.StandardCharsets.UTF_8), "nothing on standard error");
    }

    /** What a write killed midway leaves (a .NAME.RANDOM.tmp beside the file) is cleaned when the run resumes. */
    @Test
    void aResumedRunRemovesTheTemporaryFilesAKilledOneLeft() throws IOException {
        SentimentTask task = new SentimentTask();
        SentimentClassifier.Settings s = task.defaults(200).withSize(8, 8).withEpochs(1);
        Path model = dir.resolve("k");
        Tasks.train(task, s, reviews(200, 1), reviews(50, 2), new Tasks.Run(model, false, null));
        Path top = model.resolve(".weights.safetensors.8123.tmp"), deep = model.resolve("checkpoints/last/.optimizer.safetensors.77.tmp");
        java.nio.file.Files.writeString(top, "half a file");
        java.nio.file.Files.writeString(deep, "half a checkpoint");
        Path mine = model.resolve("notes.tmp"); // not a name grukit gives its temporary files: kept
        java.nio.file.Files.writeString(mine, "mine");
        Tasks.train(task, s.withEpochs(2), reviews(200, 1), reviews(50, 2),
                new Tasks.Run(model, false, null).withExisting(Tasks.Existing.RESUME));
        assertTrue(!java.nio.file.Files.exists(top) && !java.nio.file.Files.exists(deep), "leftovers removed");
        assertTrue(java.nio.file.Files.exists(mine), "other files kept");
    }

    /** After each improving epoch the folder holds a whole, loadable best model, before the run has finished. */
    @Test
    void theFolderHoldsALoadableBestModelAfterEveryImprovingEpoch() throws IOException {
        SentimentTask task = new SentimentTask();
        SentimentClassifier.Settings s = task.defaults(200).withSize(8, 8).withEpochs(2);
        Path model = dir.resolve("b");
        List<String> seen = new ArrayList<>();
        Tasks.train(task, s, reviews(200, 1), reviews(50, 2), new Tasks.Run(model, false, r -> {
            if (!r.best()) return;
            try {
                TaskModel<?, ?, ?> loaded = Tasks.load(model);
                seen.add(r.epoch() + ":" + predictAny(loaded, List.of("great film")).size());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }));
        assertTrue(!seen.isEmpty() && seen.get(0).startsWith("1:1"), "loaded mid-run after epoch 1: " + seen);
    }

    @Test
    void aFolderWithoutAModelIsRefusedByName() {
        var e = assertThrows(IOException.class, () -> Tasks.load(dir));
        assertTrue(e.getMessage().contains("model.json"), e.getMessage());
    }

    /** What a server or a Spark stage does: convert its inputs to the model's input type and predict. */
    private static <I> List<?> predictAny(TaskModel<?, I, ?> model, List<String> raw) {
        List<I> inputs = new ArrayList<>();
        for (String r : raw) inputs.add(model.inputType().cast(r));
        return model.predict(inputs);
    }
}
