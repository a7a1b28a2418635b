package org.grukit.nlp.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.grukit.core.Rng;
import org.grukit.core.task.Task;
import org.grukit.core.task.TaskModel;
import org.grukit.core.task.TaskSettings;
import org.grukit.core.task.Tasks;
import org.grukit.core.task.TrainingRecipe;
import org.grukit.core.train.DataParallel;
import org.grukit.core.train.RingAllReduce;
import org.grukit.core.train.Trainer;
import org.grukit.nlp.forecast.ForecastData;
import org.grukit.nlp.forecast.ForecastTask;
import org.grukit.nlp.forecast.Forecaster;
import org.grukit.nlp.forecast.TimeSeries;
import org.grukit.nlp.sentiment.SentimentClassifier;
import org.grukit.nlp.sentiment.SentimentTask;
import org.grukit.nlp.speech.SpeechTask;
import org.grukit.nlp.speech.Transcriber;
import org.grukit.nlp.summarize.SummarizationTask;
import org.grukit.nlp.summarize.Summarizer;
import org.grukit.nlp.translate.TranslationTask;
import org.grukit.nlp.translate.Translator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every task trains data-parallel through the task contract alone: its settings and data travel as a recipe, two
 * workers (threads joined by the socket all-reduce, as Spark's barrier tasks are) prepare the same training and take
 * the steps one machine takes, to float rounding; a refit runs on the workers too.
 */
class DistributedTrainingTest {
    @TempDir
    Path dir;

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** {@code n} workers on threads of this JVM: each epoch a ring on loopback, each worker prepared from the recipe once. */
    private Tasks.Distribution threads(int n) {
        return (recipe, optimization) -> {
            List<DataParallel.Worker> workers = new ArrayList<>();
            return e -> {
                try {
                    if (workers.isEmpty()) for (int r = 0; r < n; r++) workers.add(DataParallel.Worker.prepare(recipe, optimization));
                    DataParallel.EpochPlan plan = DataParallel.EpochPlan.of(e);
                    List<ServerSocketChannel> servers = new ArrayList<>();
                    List<InetSocketAddress> addresses = new ArrayList<>();
                    for (int r = 0; r < n; r++) {
                        servers.add(RingAllReduce.listen(InetAddress.getLoopbackAddress()));
                        addresses.add((InetSocketAddress) servers.get(r).getLocalAddress());
                    }
                    List<Future<DataParallel.EpochOutcome>> outcomes = new ArrayList<>();
                    for (int r = 0; r < n; r++) {
                        int rank = r;
                        outcomes.add(pool.submit(() -> {
                            try (RingAllReduce ring = RingAllReduce.join(rank, addresses, servers.get(rank), Duration.ofSeconds(60))) {
                                return workers.get(rank).runEpoch(plan, rank, n, ring);
                            }
                        }));
                    }
                    DataParallel.EpochOutcome first = outcomes.get(0).get();
                    for (int r = 1; r < n; r++) assertArrayEquals(first.weights(), outcomes.get(r).get().weights(), 0f, "worker " + r);
                    first.restoreInto(e.optimizer(), e.scheduler());
                    return new Trainer.EpochLoss(first.lossSum(), first.seen());
                } catch (Exception x) {
                    throw new IllegalStateException(x);
                }
            };
        };
    }

    /** Trains on one machine and on two workers; the weights and every epoch's train loss agree to float rounding. */
    private <S extends TaskSettings, D, I, O, M extends TaskModel<D, I, O>> void assertSameSteps(Task<S, D, I, O, M> task, S settings,
                                                                                                  D train, D dev, double tolerance) throws IOException {
        Tasks.Trained<M> one = Tasks.train(task, settings, train, dev, new Tasks.Run(null, false, null));
        Tasks.Trained<M> two = Tasks.train(task, settings, train, dev, new Tasks.Run(null, false, null).withDistribution(threads(2)));
        float[] a = one.model().module().arena().data(), b = two.model().module().arena().data();
        float[] start = task.prepare(settings, train, dev).model().arena().data();
        assertEquals(a.length, b.length);
        double moved = 0, off = 0;
        for (int i = 0; i < a.length; i++) {
            moved = Math.max(moved, Math.abs(a[i] - start[i]));
            off = Math.max(off, Math.abs(a[i] - b[i]));
        }
        assertTrue(moved > 10 * tolerance, task.name() + ": training moved the weights by " + moved);
        assertTrue(off <= tolerance, task.name() + ": two workers end " + off + " from one machine (training moved them " + moved + ")");
        assertEquals(one.summary().history().size(), two.summary().history().size());
        for (int e = 0; e < one.summary().history().size(); e++) {
            assertEquals(one.summary().history().get(e).trainLoss(), two.summary().history().get(e).trainLoss(), 1e-4, task.name() + " epoch " + (e + 1));
        }
    }

    @Test
    void sentimentTakesOneMachinesSteps() throws IOException {
        SentimentTask task = new SentimentTask();
        SentimentClassifier.Settings d = task.defaults(200).withSize(8, 8);
        // No dropout: each worker draws its masks for its own share, which one machine does not.
        SentimentClassifier.Settings s = d.withModel(d.model().withDropout(0f).withWordDropout(0f)).withEpochs(2);
        assertSameSteps(task, s, TinyData.reviews(200, 1), TinyData.reviews(40, 2), 1e-4);
    }

    @Test
    void translationWeighsEachShareByItsTokens() throws IOException {
        Translator.Settings d = Translator.Settings.defaults().withSize(4, 8, 8);
        Translator.Settings s = d.withModel(d.model().withDropout(0f)).withEpochs(2);
        assertSameSteps(new TranslationTask(), s, TinyData.pairs(60, new Rng(1)), TinyData.pairs(10, new Rng(2)), 1e-4);
    }

    @Test
    void summarizationSpeechAndForecastingToo() throws IOException {
        Summarizer.Settings sd = Summarizer.Settings.defaults().withSize(100, 4, 8, 8);
        assertSameSteps(new SummarizationTask(), sd.withModel(sd.model().withDropout(0f)).withTraining(sd.training().withEpochs(1)),
                TinyData.emails(30, new Rng(1)), TinyData.emails(5, new Rng(2)), 1e-4);

        Transcriber.Settings pd = Transcriber.Settings.defaultsFor(10);
        // No SpecAugment or pauses: like dropout, each worker draws them for its own share.
        assertSameSteps(new SpeechTask(), pd.withData(pd.data().withSpecAugment(false).withPadSilence(false)).withModel(pd.model().withHiddenSize(4).withDropout(0f))
                .withTraining(pd.training().withEpochs(2)), TinyData.tones(10, new Rng(1)), TinyData.tones(3, new Rng(2)), 1e-4);

        TimeSeries series = TinyData.monthlySeries(dir);
        Forecaster.Settings fd = Forecaster.Settings.defaults(3, series.frequency());
        ForecastData data = new ForecastData(series, Forecaster.Split.fractions(series.length(), 0.2, 0.2));
        // Refitting on training and dev data once the epochs are chosen: the refit runs on the workers too.
        assertSameSteps(new ForecastTask(), fd.withRefit(true).withData(fd.data().withInputLength(12)).withModel(fd.model().withHiddenSize(4).withDropout(0f))
                .withTraining(fd.training().withEpochs(2)), data, data, 1e-4);
    }

    @Test
    void aRecipeCarriesTheRunExactly() throws IOException {
        SentimentTask task = new SentimentTask();
        SentimentClassifier.Settings s = task.defaults(50).withSize(4, 4);
        TrainingRecipe recipe = TrainingRecipe.of(task, s, TinyData.reviews(50, 1), TinyData.reviews(10, 2), false);
        TrainingRecipe.Unpacked back = recipe.unpack();
        assertEquals(s, back.settings());
        assertEquals(TinyData.reviews(50, 1), back.train());
        assertEquals(TinyData.reviews(10, 2), back.dev());
        assertArrayEquals(task.prepare(s, TinyData.reviews(50, 1), TinyData.reviews(10, 2)).model().arena().data(),
                back.prepare(false).model().arena().data(), 0f, "the worker's network starts where the driver's does");
    }
}
