package org.grukit.nlp.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.io.SafeTensors;
import org.grukit.core.task.Task;
import org.grukit.core.task.TaskModel;
import org.grukit.core.task.TaskSettings;
import org.grukit.core.task.Tasks;
import org.grukit.core.train.Trainer;
import org.grukit.core.train.TrainingListener;
import org.grukit.nlp.data.LabelledText;
import org.grukit.nlp.data.TextPair;
import org.grukit.nlp.forecast.ForecastData;
import org.grukit.nlp.forecast.ForecastTask;
import org.grukit.nlp.forecast.Forecaster;
import org.grukit.nlp.forecast.TimeSeries;
import org.grukit.nlp.sentiment.SentimentClassifier;
import org.grukit.nlp.sentiment.SentimentTask;
import org.grukit.nlp.speech.SpeechData;
import org.grukit.nlp.speech.SpeechTask;
import org.grukit.nlp.speech.Transcriber;
import org.grukit.nlp.summarize.SummarizationTask;
import org.grukit.nlp.summarize.Summarizer;
import org.grukit.nlp.summarize.SummaryData;
import org.grukit.nlp.translate.TranslationTask;
import org.grukit.nlp.translate.Translator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped in the middle of an epoch and resumed from its checkpoint ends with the weights, optimiser state
 * and chosen model of a run that was never stopped, bit for bit, for every task: every random stream (batch order,
 * dropout masks, word dropout, SpecAugment) restarts from the seed and the epoch. Each task trains with its random
 * parts switched on, since a stream that draws nothing would prove nothing.
 */
class KillAndResumeTest {
    @TempDir
    Path dir;

    /** Thrown by the listener to stop a run as a kill would: nothing after it is written. */
    static final class Killed extends RuntimeException {
        Killed() {
            super("killed");
        }
    }

    /** Trains once without a break, and once stopped in epoch {@code killIn} and resumed; compares the two. */
    private <S extends TaskSettings, D> void resumesExactly(Task<S, D, ?, ?, ?> task, S settings, Supplier<D> train,
                                                            Supplier<D> dev, int killIn) throws IOException {
        Path whole = dir.resolve(task.name() + "-whole"), broken = dir.resolve(task.name() + "-broken");
        TaskModel<?, ?, ?> reference = Tasks.train(task, settings, train.get(), dev.get(), new Tasks.Run(whole, false, null)).model();

        int[] epoch = {0};
        TrainingListener killer = new TrainingListener() {
            @Override
            public void epochStarted(int e, int epochs, long examples) {
                epoch[0] = e;
            }

            @Override
            public void batchDone(long seen, double meanLoss, double examplesPerSecond) {
                if (epoch[0] == killIn) throw new Killed();
            }
        };
        assertThrows(Killed.class, () -> Tasks.train(task, settings, train.get(), dev.get(),
                new Tasks.Run(broken, true, null).withListener(killer)));
        List<Integer> resumedEpochs = new ArrayList<>();
        TaskModel<?, ?, ?> resumed = (TaskModel<?, ?, ?>) Tasks.train(task, settings, train.get(), dev.get(),
                new Tasks.Run(broken, false, r -> resumedEpochs.add(r.epoch())).withExisting(Tasks.Existing.RESUME)).model();
        assertEquals(killIn, resumedEpochs.get(0), task.name() + ": the resumed run starts at the killed epoch");

        assertBitEqual(task.name() + " final model", reference.module().stateDict(), resumed.module().stateDict());
        for (String file : List.of("checkpoints/last/weights.safetensors", "checkpoints/last/optimizer.safetensors")) {
            assertBitEqual(task.name() + " " + file, SafeTensors.load(whole.resolve(file)), SafeTensors.load(broken.resolve(file)));
        }
        assertArrayEquals(Files.readAllBytes(whole.resolve("weights.safetensors")), Files.readAllBytes(broken.resolve("weights.safetensors")),
                task.name() + ": the saved model's weights file");
    }

    /**
     * --overwrite keeps the old model until the new run's first save replaces it: a run killed in its first epoch
     * leaves the old model loadable, with its own answers (its checkpoints and run record are gone).
     */
    @Test
    void aRunKilledBeforeItsFirstSaveLeavesTheOverwrittenModelLoadable() throws IOException {
        SentimentTask task = new SentimentTask();
        SentimentClassifier.Settings s = task.defaults(300).withSize(8, 8).withEpochs(2);
        Path model = dir.resolve("overwritten");
        TaskModel<?, ?, ?> old = Tasks.train(task, s, TinyData.reviews(300, 1), TinyData.reviews(60, 2), new Tasks.Run(model, false, null)).model();
        TrainingListener killer = new TrainingListener() {
            @Override
            public void batchDone(long seen, double meanLoss, double examplesPerSecond) {
                throw new Killed();
            }
        };
        assertThrows(Killed.class, () -> Tasks.train(task, s.withSize(8, 12), TinyData.reviews(300, 3), TinyData.reviews(60, 4),
                new Tasks.Run(model, true, null).withListener(killer).withExisting(Tasks.Existing.OVERWRITE)));
        assertBitEqual("the old model", old.module().stateDict(), Tasks.load(model).module().stateDict());
        assertEquals(false, Files.exists(model.resolve("checkpoints")), "the old run's checkpoints are gone");
    }

    private static void assertBitEqual(String what, Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet(), what);
        for (String k : expected.keySet()) {
            float[] a = expected.get(k).toArray(), b = actual.get(k).toArray();
            assertEquals(a.length, b.length, what + " " + k);
            for (int i = 0; i < a.length; i++) {
                if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                    throw new AssertionError(what + ": " + k + "[" + i + "] is " + b[i] + " after resuming, " + a[i] + " without a break");
                }
            }
        }
    }

    @Test
    void sentimentWithDropoutAndWordDropout() throws IOException {
        SentimentTask task = new SentimentTask();
        SentimentClassifier.Settings d = task.defaults(300).withSize(8, 8).withEpochs(3);
        SentimentClassifier.Settings s = d.withModel(d.model().withDropout(0.3f).withWordDropout(0.2f));
        resumesExactly(task, s, () -> TinyData.reviews(300, 1), () -> TinyData.reviews(60, 2), 2);
    }

    @Test
    void translationWithDropout() throws IOException {
        TranslationTask task = new TranslationTask();
        Translator.Settings d = Translator.Settings.defaults().withSize(8, 16, 16).withEpochs(3);
        Translator.Settings s = d.withModel(d.model().withDropout(0.3f));
        resumesExactly(task, s, () -> TinyData.pairs(200, new Rng(1)), () -> TinyData.pairs(30, new Rng(2)), 2);
    }

    @Test
    void summarizationWithDropout() throws IOException {
        SummarizationTask task = new SummarizationTask();
        Summarizer.Settings d = Summarizer.Settings.defaults().withSize(200, 8, 16, 16);
        Summarizer.Settings s = d.withTraining(d.training().withEpochs(3).withBatchSize(16)).withModel(d.model().withDropout(0.3f));
        resumesExactly(task, s, () -> TinyData.emails(120, new Rng(1)), () -> TinyData.emails(20, new Rng(2)), 2);
    }

    @Test
    void speechWithDropoutAndSpecAugment() throws IOException {
        SpeechTask task = new SpeechTask();
        Transcriber.Settings d = Transcriber.Settings.defaultsFor(40).withEpochs(3);
        Transcriber.Settings s = d.withData(d.data().withSpecAugment(true)).withModel(d.model().withHiddenSize(16).withDropout(0.3f))
                .withTraining(d.training().withEpochs(3).withBatchSize(8));
        resumesExactly(task, s, () -> TinyData.tones(40, new Rng(1)), () -> TinyData.tones(10, new Rng(2)), 2);
    }

    @Test
    void forecasting() throws IOException {
        ForecastTask task = new ForecastTask();
        Path csv = dir.resolve("waves.csv");
        StringBuilder sb = new StringBuilder("time,value\n");
        Rng rng = new Rng(3);
        java.time.LocalDateTime t = java.time.LocalDateTime.of(2020, 1, 1, 0, 0);
        for (int i = 0; i < 600; i++, t = t.plusHours(1)) {
            sb.append(t).append(',').append(10 + 3 * Math.sin(2 * Math.PI * i / 24) + rng.normal() * 0.3).append('\n');
        }
        Files.writeString(csv, sb);
        TimeSeries series = TimeSeries.readCsv(csv, null, null);
        Forecaster.Settings d = Forecaster.Settings.defaults(24, series.frequency());
        Forecaster.Settings s = d.withData(d.data().withInputLength(48)).withModel(d.model().withHiddenSize(8).withDropout(0.3f))
                .withTraining(d.training().withEpochs(3).withBatchSize(32));
        ForecastData data = new ForecastData(series, Forecaster.Split.fractions(series.length(), 0.2, 0.2));
        resumesExactly(task, s, () -> data, () -> data, 2);
    }
}
