package org.grukit.core.train;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.grukit.core.GradMode;
import org.grukit.core.ParameterArena;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.nn.Module;
import org.grukit.core.optim.Adam;
import org.grukit.core.optim.FactorSchedule;
import org.grukit.core.optim.LrScheduler;
import org.grukit.core.optim.Optimizer;

/**
 * The training loop every task shares: mini-batches in a seeded order, gradient clipping, a learning-rate
 * schedule, evaluation after each epoch, the best epoch's weights kept (and restored at the end), early
 * stopping, checkpoints after each epoch that a later run resumes from, a progress bar, and a summary.
 */
public final class Trainer {
    /** One epoch's outcome. */
    public record EpochResult(int epoch, double trainLoss, Map<String, Double> metrics, double lr, double seconds,
                              double examplesPerSecond, boolean best) {}

    /** The whole run; {@code best} is the monitored metric at {@code bestEpoch} (1-based). */
    public record Summary(int epochsRun, int bestEpoch, String monitor, double best, boolean stoppedEarly,
                          boolean resumed, double seconds, List<EpochResult> history) {}

    private final TrainerConfig config;
    private Consumer<EpochResult> onEpoch = r -> {};
    private TrainingListener listener = TrainingListener.logging();
    private EpochRunner runner = Trainer::runLocally;

    public Trainer(TrainerConfig config) {
        this.config = config;
    }

    /** Called after every epoch (after evaluation and checkpointing). */
    public Trainer onEpoch(Consumer<EpochResult> listener) {
        this.onEpoch = listener;
        return this;
    }

    /** Who hears of the run's progress (when the config asks for progress); {@link TrainingListener#logging()} by default. */
    public Trainer listener(TrainingListener l) {
        this.listener = l == null ? TrainingListener.SILENT : l;
        return this;
    }

    /**
     * Who turns each epoch's batches into optimiser steps: by default this JVM, one batch after another; a
     * data-parallel runner spreads every batch over workers and takes the same steps.
     */
    public Trainer runner(EpochRunner r) {
        this.runner = r == null ? Trainer::runLocally : r;
        return this;
    }

    /** One epoch's work for an {@link EpochRunner}: its 0-based index, the run's seed, the batches in order. */
    public record Epoch(int index, long seed, TrainingTask task, List<int[]> batches, Optimizer optimizer, LrScheduler scheduler,
                        double clipNorm, TrainingListener listener, long startNanos) {}

    /** The epoch's training loss: each batch's mean loss times its size, summed, and the examples seen. */
    public record EpochLoss(double sum, long seen) {}

    /** Turns an epoch's batches into optimiser steps on the task's model, leaving the model and optimiser after the last. */
    @FunctionalInterface
    public interface EpochRunner {
        EpochLoss run(Epoch epoch);
    }

    /**
     * What every epoch starts with, wherever its steps run: every random stream (the model's and the task's) restarted
     * from the seed and the epoch, so an epoch draws the same masks whether the run got here without a break, resumed
     * from the previous epoch's checkpoint, or runs on a worker; then the task's own start of epoch.
     */
    public static void startEpoch(TrainingTask task, long seed, int epoch) {
        long streamSeed = Rng.derive(seed, epoch);
        task.model().reseedRandomStreams(streamSeed);
        Module.reseed(task.randomStreams(), Rng.derive(streamSeed, 1));
        task.startEpoch(epoch);
    }

    /** The error a non-finite loss stops the run with, naming the epoch and batch (both 1-based here). */
    static IllegalStateException nonFinite(float value, int epoch, int batch, double lossSum, long seen) {
        return new IllegalStateException("loss became " + value + " at epoch " + epoch + ", batch " + batch
                + " (last mean loss " + (seen == 0 ? "n/a" : String.format("%.5f", lossSum / seen))
                + "); lower the learning rate or clip gradients (clipNorm)");
    }

    /** After an optimiser step: a schedule that moves per step takes its step. */
    static void afterStep(LrScheduler scheduler, Optimizer optimizer) {
        if (scheduler != null && scheduler.interval() == LrScheduler.Interval.STEP) scheduler.step(optimizer, Double.NaN);
    }

    private static EpochLoss runLocally(Epoch e) {
        ParameterArena arena = e.optimizer().arena();
        double lossSum = 0;
        long seen = 0;
        for (int b = 0; b < e.batches().size(); b++) {
            int[] batch = e.batches().get(b);
            e.optimizer().zeroGrad();
            Tensor loss = e.task().loss(batch);
            float value = loss.item();
            if (!Float.isFinite(value)) throw nonFinite(value, e.index() + 1, b + 1, lossSum, seen);
            loss.backward();
            if (e.clipNorm() > 0) arena.clipGradNorm(e.clipNorm());
            e.optimizer().step();
            afterStep(e.scheduler(), e.optimizer());
            lossSum += (double) value * batch.length;
            seen += batch.length;
            e.listener().batchDone(seen, lossSum / seen, seen / ((System.nanoTime() - e.startNanos()) / 1e9));
        }
        return new EpochLoss(lossSum, seen);
    }

    /**
     * How a run builds its optimiser and learning-rate schedule (null for none): a value that can travel, so that every
     * worker of a distributed run builds what the driver built.
     */
    public interface Optimization extends java.io.Serializable {
        Optimizer optimizer(ParameterArena arena);

        LrScheduler schedule(Optimizer optimizer, TrainingTask task);
    }

    /**
     * grukit's usual optimisation: Adam with {@code adam}'s settings, its learning rate decayed per step along a cosine
     * to 5% over {@code epochs} epochs of the task's batches. A value, so that every worker of a distributed run builds
     * the optimiser and schedule the driver built.
     */
    public record AdamCosine(Adam.Config adam, int epochs) implements Optimization {
        @Override
        public Adam optimizer(ParameterArena arena) {
            return new Adam(arena, adam);
        }

        @Override
        public LrScheduler schedule(Optimizer optimizer, TrainingTask task) {
            return FactorSchedule.cosine(optimizer, (long) epochs * task.trainBatches(new Rng(0)).size(), adam.lr() * 0.05,
                    LrScheduler.Interval.STEP);
        }
    }

    /** The usual run of grukit's tasks: {@link AdamCosine} over this trainer's epochs, then {@link #fit}. */
    public Summary fitAdamCosine(TrainingTask task, Adam.Config adam) {
        AdamCosine a = new AdamCosine(adam, config.epochs());
        Adam optimizer = a.optimizer(task.model().arena());
        return fit(task, optimizer, a.schedule(optimizer, task));
    }

    public Summary fit(TrainingTask task, Optimizer optimizer, LrScheduler scheduler) {
        Module model = task.model();
        ParameterArena arena = model.arena();
        if (optimizer.arena() != arena) {
            throw new IllegalArgumentException("the optimiser was built on another parameter arena than the model's;"
                    + " build it with model.arena()");
        }
        List<EpochResult> history = new ArrayList<>();
        int startEpoch = 0, bestEpoch = 0, badEpochs = 0;
        double best = task.maximize() ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        double priorSeconds = 0;
        boolean resumed = false;
        float[] bestWeights = null;

        Path lastDir = config.checkpointDir() == null ? null : config.checkpointDir().resolve("last");
        if (config.resume() && Checkpoints.find(lastDir) != null) {
            try {
                Checkpoints.Restored r = Checkpoints.load(Checkpoints.find(lastDir), model, optimizer);
                JsonNode st = r.trainerState();
                startEpoch = st.get("completedEpochs").asInt();
                bestEpoch = st.get("bestEpoch").asInt();
                best = st.get("best").asDouble();
                badEpochs = st.get("badEpochs").asInt();
                priorSeconds = st.get("seconds").asDouble();
                bestWeights = r.bestWeights();
                optimizer.setLr(st.get("lr").asDouble()); // exact: the optimiser's own state keeps it as float32
                history.addAll(JsonLines.mapper().convertValue(st.get("history"), new TypeReference<List<EpochResult>>() {}));
                if (scheduler != null && st.has("scheduler")) {
                    scheduler.loadState(JsonLines.mapper().convertValue(st.get("scheduler"),
                            new TypeReference<Map<String, Double>>() {}));
                }
                resumed = true;
                if (config.progress()) listener.resumed(startEpoch, lastDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot resume from " + lastDir + ": " + e.getMessage(), e);
            }
        }

        long start = System.nanoTime();
        boolean stoppedEarly = false;
        for (int epoch = startEpoch; epoch < config.epochs(); epoch++) {
            if (config.patience() > 0 && badEpochs >= config.patience()) {
                stoppedEarly = true;
                break;
            }
            long epochStart = System.nanoTime();
            model.train(true);
            Rng rng = new Rng(config.seed() * 0x9E3779B97F4A7C15L + epoch);
            startEpoch(task, config.seed(), epoch);
            List<int[]> batches = task.trainBatches(rng);
            if (config.progress()) listener.epochStarted(epoch + 1, config.epochs(), task.trainSize());
            EpochLoss loss = runner.run(new Epoch(epoch, config.seed(), task, batches, optimizer, scheduler, config.clipNorm(),
                    config.progress() ? listener : TrainingListener.SILENT, epochStart));
            double lossSum = loss.sum();
            long seen = loss.seen();
            double trainSeconds = (System.nanoTime() - epochStart) / 1e9;
            double trainLoss = seen == 0 ? Double.NaN : lossSum / seen;

            model.train(false);
            Map<String, Double> metrics;
            try (GradMode g = GradMode.noGrad()) {
                metrics = new LinkedHashMap<>(task.evaluate());
            }
            model.train(true);
            Double monitored = metrics.get(task.monitor());
            if (monitored == null) {
                throw new IllegalStateException("evaluate() returned no '" + task.monitor() + "'; it returned " + metrics.keySet());
            }
            boolean improved = task.maximize() ? monitored > best : monitored < best;
            if (improved) {
                best = monitored;
                bestEpoch = epoch + 1;
                badEpochs = 0;
                bestWeights = arena.data().clone();
            } else {
                badEpochs++;
            }
            if (scheduler != null && scheduler.interval() == LrScheduler.Interval.EPOCH) scheduler.step(optimizer, monitored);
            double seconds = (System.nanoTime() - epochStart) / 1e9;
            EpochResult r = new EpochResult(epoch + 1, trainLoss, metrics, optimizer.lr(), seconds, seen / trainSeconds, improved);
            history.add(r);
            if (lastDir != null) {
                ObjectNode st = JsonLines.mapper().createObjectNode();
                st.put("completedEpochs", epoch + 1);
                st.put("bestEpoch", bestEpoch);
                st.put("best", best);
                st.put("badEpochs", badEpochs);
                st.put("seconds", priorSeconds + (System.nanoTime() - start) / 1e9);
                st.put("lr", optimizer.lr());
                st.set("history", JsonLines.mapper().valueToTree(history));
                if (scheduler != null) st.set("scheduler", JsonLines.mapper().valueToTree(scheduler.state()));
                try {
                    // One checkpoint holds the last state and the best weights, so the two always belong to one run
                    // at one epoch; the best weights are written only when they are not the last ones.
                    Checkpoints.save(lastDir, model, optimizer, st, improved ? null : bestWeights);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write checkpoint " + lastDir + ": " + e.getMessage(), e);
                }
            }
            if (config.progress()) listener.epochDone(r, task.monitor());
            onEpoch.accept(r);
        }
        if (bestWeights != null) arena.load(bestWeights);
        model.train(false);
        double seconds = priorSeconds + (System.nanoTime() - start) / 1e9;
        return new Summary(history.size(), bestEpoch, task.monitor(), best, stoppedEarly, resumed, seconds, history);
    }

    /** One line of an epoch's results: "epoch 3  train_loss 0.1234  dev_accuracy 0.9100  lr 0.001  2.1s  5000 ex/s (best ...)". */
    public static String describe(EpochResult r, String monitor) {
        StringBuilder sb = new StringBuilder(String.format("epoch %d  train_loss %.4f", r.epoch(), r.trainLoss()));
        r.metrics().forEach((k, v) -> sb.append(String.format("  %s %.4f", k, v)));
        sb.append(String.format("  lr %.3g  %.1fs  %.0f ex/s", r.lr(), r.seconds(), r.examplesPerSecond()));
        if (r.best()) sb.append("  (best ").append(monitor).append(')');
        return sb.toString();
    }
}
