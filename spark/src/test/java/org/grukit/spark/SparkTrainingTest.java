package org.grukit.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.grukit.core.ParameterArena;
import org.grukit.core.optim.LrScheduler;
import org.grukit.core.optim.Optimizer;
import org.grukit.core.optim.Sgd;
import org.grukit.core.task.Task;
import org.grukit.core.task.Tasks;
import org.grukit.core.task.TrainingRecipe;
import org.grukit.core.train.Trainer;
import org.grukit.core.train.TrainerConfig;
import org.grukit.core.train.TrainingTask;
import org.grukit.nlp.data.LabelledText;
import org.grukit.nlp.sentiment.SentimentClassifier;
import org.grukit.nlp.sentiment.SentimentTask;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel training on local[2] with two barrier tasks joined by the socket all-reduce: the weights one machine
 * reaches, for Adam (through the task contract) and SGD (through the trainer); checkpoints on the driver that a
 * killed run resumes from.
 */
class SparkTrainingTest {
    static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("grukit-training-test").config("spark.ui.enabled", "false").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static final SentimentTask TASK = new SentimentTask();
    private static final List<LabelledText> TRAIN = TaskTransformerTest.reviews(160, 1), DEV = TaskTransformerTest.reviews(40, 2);

    /** Small and without dropout: each worker draws dropout masks for its own share, which one machine does not. */
    private static SentimentClassifier.Settings settings(int epochs) {
        SentimentClassifier.Settings d = TASK.defaults(TRAIN.size()).withSize(8, 8);
        return d.withModel(d.model().withDropout(0f).withWordDropout(0f)).withEpochs(epochs);
    }

    private static double maxDifference(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double off = 0;
        for (int i = 0; i < a.length; i++) off = Math.max(off, Math.abs(a[i] - b[i]));
        return off;
    }

    @Test
    void twoWorkersReachOneMachinesWeightsWithAdam() throws IOException {
        SentimentClassifier one = Tasks.train(TASK, settings(3), TRAIN, DEV, new Tasks.Run(null, false, null)).model();
        SparkTraining cluster = SparkTraining.on(spark, 2);
        SentimentClassifier two = Tasks.train(TASK, settings(3), TRAIN, DEV, new Tasks.Run(null, false, null).withDistribution(cluster)).model();
        float[] start = TASK.prepare(settings(3), TRAIN, DEV).model().arena().data();
        double moved = maxDifference(start, one.module().arena().data());
        double off = maxDifference(one.module().arena().data(), two.module().arena().data());
        assertTrue(moved > 0.005, "training moved the weights by " + moved);
        assertTrue(off < 1e-5, "two Spark workers end " + off + " from one machine (training moved them " + moved + ")");
        assertEquals(3, cluster.epochs().size());
        for (SparkTraining.EpochTimes t : cluster.epochs()) {
            assertTrue(t.computeSeconds() > 0 && t.communicationSeconds() > 0 && t.seconds() >= t.computeSeconds(), t.toString());
        }
    }

    /** Plain SGD with momentum and no schedule, as a value every worker builds. */
    private record SgdMomentum(double lr) implements Trainer.Optimization {
        @Override
        public Optimizer optimizer(ParameterArena arena) {
            return new Sgd(arena, Sgd.Config.of(lr).withMomentum(0.9));
        }

        @Override
        public LrScheduler schedule(Optimizer optimizer, TrainingTask task) {
            return null;
        }
    }

    @Test
    void twoWorkersReachOneMachinesWeightsWithSgd() throws IOException {
        TrainingRecipe recipe = TrainingRecipe.of(TASK, settings(2), TRAIN, DEV, false);
        Trainer.Optimization sgd = new SgdMomentum(0.05);
        float[][] ends = new float[2][];
        for (int run = 0; run < 2; run++) {
            Task.Training<?> training = recipe.unpack().prepare(false);
            Optimizer opt = sgd.optimizer(training.model().arena());
            Trainer trainer = new Trainer(TrainerConfig.of(2, 1).withProgress(false).withClipNorm(5));
            if (run == 1) trainer.runner(SparkTraining.on(spark, 2).runner(recipe, sgd));
            trainer.fit(training, opt, sgd.schedule(opt, training));
            ends[run] = training.model().arena().data();
        }
        double moved = maxDifference(recipe.unpack().prepare(false).model().arena().data(), ends[0]);
        double off = maxDifference(ends[0], ends[1]);
        assertTrue(moved > 0.01, "training moved the weights by " + moved);
        assertTrue(off < 1e-5, "two Spark workers end " + off + " from one machine with SGD (training moved them " + moved + ")");
    }

    @Test
    void aKilledRunResumesFromTheDriversCheckpoint() throws IOException {
        Path whole = dir.resolve("whole"), killed = dir.resolve("killed");
        SentimentClassifier straight = Tasks.train(TASK, settings(3), TRAIN, DEV,
                new Tasks.Run(whole, false, null).withDistribution(SparkTraining.on(spark, 2))).model();
        RuntimeException stop = new RuntimeException("killed after epoch 2");
        assertThrows(RuntimeException.class, () -> Tasks.train(TASK, settings(3), TRAIN, DEV, new Tasks.Run(killed, false, r -> {
            if (r.epoch() == 2) throw stop;
        }).withDistribution(SparkTraining.on(spark, 2))));
        List<Integer> resumedEpochs = new ArrayList<>();
        SentimentClassifier resumed = Tasks.train(TASK, settings(3), TRAIN, DEV, new Tasks.Run(killed, false, r -> resumedEpochs.add(r.epoch()))
                .withExisting(Tasks.Existing.RESUME).withDistribution(SparkTraining.on(spark, 2))).model();
        assertEquals(List.of(3), resumedEpochs, "the resumed run starts after the checkpointed epochs");
        assertEquals(0.0, maxDifference(straight.module().arena().data(), resumed.module().arena().data()), 1e-6);
    }
}
