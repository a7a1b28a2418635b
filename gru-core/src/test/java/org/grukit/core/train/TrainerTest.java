package org.grukit.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.data.Batching;
import org.grukit.core.io.ModelBundle;
import org.grukit.core.nn.Gru;
import org.grukit.core.nn.GruConfig;
import org.grukit.core.nn.Losses;
import org.grukit.core.nn.Module;
import org.grukit.core.nn.Reduction;
import org.grukit.core.optim.Adam;
import org.grukit.core.optim.FactorSchedule;
import org.grukit.core.optim.LrScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop: loss falls, the best model is saved, runs resume to the same result, NaN stops it. */
class TrainerTest {
    @TempDir
    Path dir;

    /** Regress the sum of each sequence with a bare GRU: the mean of its last output. */
    static final class SumTask implements TrainingTask {
        final Gru gru;
        final Tensor x;
        final float[] y;
        float scale = 1f;
        int batchSize = 16;
        final List<Integer> started = new java.util.ArrayList<>();

        SumTask(long seed) {
            gru = new Gru(GruConfig.of(1, 4).withBatchFirst(true), new Rng(seed)); // weights vary with seed
            x = Tensor.uniform(new Rng(1000), -0.5f, 0.5f, 64, 6, 1); // data never does
            y = new float[64];
            for (int i = 0; i < 64; i++) for (int t = 0; t < 6; t++) y[i] += x.get(i, t, 0) / 3f;
        }

        Tensor predict(int[] idx) {
            Tensor xb = Tensor.zeros(idx.length, 6, 1);
            for (int i = 0; i < idx.length; i++) System.arraycopy(x.array(), idx[i] * 6, xb.array(), i * 6, 6);
            Tensor hN = Ops.select(gru.forward(xb).hN(), 0, 0);
            return Ops.mulScalar(Ops.sum(hN, 1, false), scale);
        }

        float[] targets(int[] idx) {
            float[] t = new float[idx.length];
            for (int i = 0; i < idx.length; i++) t[i] = y[idx[i]];
            return t;
        }

        @Override public Module model() { return gru; }
        @Override public int trainSize() { return 64; }
        @Override public void startEpoch(int epoch) { started.add(epoch); }
        @Override public List<int[]> trainBatches(Rng rng) { return Batching.shuffled(64, batchSize, rng); }
        @Override public Tensor loss(int[] b) {
            return Losses.mse(predict(b), Tensor.of(targets(b), b.length), Reduction.MEAN);
        }
        @Override public Map<String, Double> evaluate() {
            int[] all = Batching.sequential(64, 64).get(0);
            return Map.of("dev_mse", (double) Losses.mse(predict(all), Tensor.of(targets(all), 64), Reduction.MEAN).item());
        }
        @Override public String monitor() { return "dev_mse"; }
        @Override public boolean maximize() { return false; }
    }

    private static Trainer.Summary run(SumTask task, TrainerConfig cfg) {
        Adam opt = new Adam(task.gru.arena(), Adam.Config.adam(0.02));
        LrScheduler s = FactorSchedule.stepLr(opt, 3, 0.7);
        return new Trainer(cfg).fit(task, opt, s);
    }

    @Test
    void lossFallsAndTheBestModelIsSaved() throws Exception {
        SumTask task = new SumTask(1);
        double before = task.evaluate().get("dev_mse");
        Trainer.Summary s = run(task, TrainerConfig.of(8, 5).withProgress(false).withCheckpoints(dir, false));
        assertEquals(8, s.epochsRun());
        assertTrue(s.best() < before / 3, "dev MSE " + before + " -> " + s.best());
        assertEquals(s.best(), task.evaluate().get("dev_mse"), 1e-6, "the best epoch's weights are restored");
        // The last checkpoint holds the best epoch's weights beside the last ones: one folder, one epoch's record.
        assertTrue(Files.exists(dir.resolve("last").resolve("trainer.json")));
        assertTrue(!Files.exists(dir.resolve("best")), "no second folder that a kill could leave out of step");
        SumTask fresh = new SumTask(9);
        Checkpoints.Restored r = Checkpoints.load(dir.resolve("last"), fresh.gru, new Adam(fresh.gru.arena(), Adam.Config.adam(0.02)));
        assertEquals(s.bestEpoch(), r.trainerState().get("bestEpoch").asInt());
        assertArrayEquals(task.gru.arena().data(), r.bestWeights(), 0f);
    }

    @Test
    void anInterruptedRunResumesToTheSameResult() {
        Trainer.Summary straight = run(new SumTask(2), TrainerConfig.of(6, 9).withProgress(false));
        // Stop after 3 epochs, as a crash would, then resume from the checkpoint with a fresh model.
        run(new SumTask(2), TrainerConfig.of(3, 9).withProgress(false).withCheckpoints(dir, true));
        SumTask fresh = new SumTask(77); // other initial weights: everything must come from the checkpoint
        Trainer.Summary resumed = run(fresh, TrainerConfig.of(6, 9).withProgress(false).withCheckpoints(dir, true));
        assertTrue(resumed.resumed());
        assertEquals(List.of(3, 4, 5), fresh.started, "a resumed run tells the task which epochs it runs");
        assertEquals(6, resumed.history().size());
        for (int e = 0; e < 6; e++) {
            assertEquals(straight.history().get(e).trainLoss(), resumed.history().get(e).trainLoss(), 1e-9, "epoch " + (e + 1));
            assertEquals(straight.history().get(e).lr(), resumed.history().get(e).lr(), 1e-12, "lr at epoch " + (e + 1));
        }
        assertEquals(straight.best(), resumed.best(), 1e-9);
    }

    @Test
    void earlyStoppingAndNanLoss() {
        SumTask task = new SumTask(3);
        Adam opt = new Adam(task.gru.arena(), Adam.Config.adam(0.0)); // lr 0: nothing improves after epoch 1
        Trainer.Summary s = new Trainer(TrainerConfig.of(20, 1).withPatience(2).withProgress(false)).fit(task, opt, null);
        assertTrue(s.stoppedEarly());
        assertEquals(3, s.epochsRun());

        task.scale = Float.NaN;
        var e = assertThrows(IllegalStateException.class,
                () -> run(task, TrainerConfig.of(2, 1).withProgress(false)));
        assertTrue(e.getMessage().contains("loss became NaN at epoch 1, batch 1"), e.getMessage());
    }
}
