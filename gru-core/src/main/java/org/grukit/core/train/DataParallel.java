package org.grukit.core.train;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grukit.core.ParameterArena;
import org.grukit.core.Tensor;
import org.grukit.core.optim.LrScheduler;
import org.grukit.core.optim.Optimizer;
import org.grukit.core.task.TrainingRecipe;

/**
 * Synchronous data-parallel training, the part every worker runs whatever carries its messages (Spark's barrier tasks,
 * threads in a test). N workers hold the same model and optimiser; every batch of an epoch is cut into N contiguous
 * shares; each worker computes its share's loss and gradient, the gradients are summed over the workers (each weighed
 * by {@link TrainingTask#lossWeight}, so the sum is the whole batch's mean gradient), and every worker takes the same
 * optimiser step on the same sum. The steps are the ones a single machine takes on the whole batches, to float
 * rounding: the batch's sum is formed over shares instead of over examples. Random draws inside the loss (dropout,
 * word dropout, SpecAugment) differ from a single machine's, as each worker draws for its own share from the epoch's
 * streams.
 *
 * <p>Communication per step: one all-reduce of the gradient (4 bytes a parameter) and two numbers; with
 * {@link RingAllReduce} each worker sends and receives 2 (N - 1) / N of it.
 */
public final class DataParallel {
    private DataParallel() {}

    /** Sums a buffer over all workers in place; every worker ends with the same bits. */
    @FunctionalInterface
    public interface AllReduce {
        void sum(float[] values) throws IOException;
    }

    /**
     * What a worker needs for one epoch, as the driver holds it before the epoch: the epoch (0-based) and the run's
     * seed (for the random streams), the batches in order, the weights, the optimiser's state and learning rate, the
     * schedule's state (null for none) and the gradient clipping norm (0 for none).
     */
    public record EpochPlan(int epoch, long seed, List<int[]> batches, float[] weights, Map<String, float[]> optimizerState,
                            double lr, Map<String, Double> schedulerState, double clipNorm) implements Serializable {
        public EpochPlan {
            batches = List.copyOf(batches);
            optimizerState = new LinkedHashMap<>(optimizerState);
            schedulerState = schedulerState == null ? null : new LinkedHashMap<>(schedulerState);
        }

        /** The plan of epoch {@code epoch} of a run at its current state. */
        public static EpochPlan of(Trainer.Epoch e) {
            return new EpochPlan(e.index(), e.seed(), e.batches(), e.optimizer().arena().data().clone(), e.optimizer().state(),
                    e.optimizer().lr(), e.scheduler() == null ? null : e.scheduler().state(), e.clipNorm());
        }
    }

    /**
     * A worker's epoch: the state after its last step (the same on every worker; the others may send null), the
     * epoch's training loss as the trainer sums it, and where the worker's time went: computing its shares, and in
     * the all-reduce (sending, receiving and waiting for the slowest worker).
     */
    public record EpochOutcome(float[] weights, Map<String, float[]> optimizerState, double lr, Map<String, Double> schedulerState,
                               double lossSum, long seen, double computeSeconds, double communicationSeconds) implements Serializable {
        public EpochOutcome {
            optimizerState = optimizerState == null ? null : new LinkedHashMap<>(optimizerState);
            schedulerState = schedulerState == null ? null : new LinkedHashMap<>(schedulerState);
        }

        /** The same outcome without the state, as the workers other than one send it. */
        public EpochOutcome timingsOnly() {
            return new EpochOutcome(null, null, lr, null, lossSum, seen, computeSeconds, communicationSeconds);
        }

        /** Loads the state into the driver's model, optimiser and schedule. */
        public void restoreInto(Optimizer optimizer, LrScheduler scheduler) {
            if (weights == null) throw new IllegalStateException("this outcome carries no state (a worker's timings only)");
            optimizer.arena().load(weights);
            optimizer.loadState(optimizerState);
            optimizer.setLr(lr);
            if (scheduler != null && schedulerState != null) scheduler.loadState(schedulerState);
        }
    }

    /** Worker {@code rank}'s share of {@code batch}: a contiguous slice, the first {@code length % workers} one longer. */
    public static int[] share(int[] batch, int rank, int workers) {
        int base = batch.length / workers, extra = batch.length % workers;
        int from = rank * base + Math.min(rank, extra), length = base + (rank < extra ? 1 : 0);
        return java.util.Arrays.copyOfRange(batch, from, from + length);
    }

    /**
     * Runs {@code plan}'s epoch as worker {@code rank} of {@code workers} on this worker's copy of the task, optimiser and
     * schedule (built as the driver's were), summing through {@code allReduce}; returns the state after the last step.
     */
    public static EpochOutcome runEpoch(EpochPlan plan, int rank, int workers, TrainingTask task, Optimizer optimizer,
                                        LrScheduler scheduler, AllReduce allReduce) {
        ParameterArena arena = optimizer.arena();
        if (plan.weights().length != arena.size()) {
            throw new IllegalStateException("worker " + rank + "'s model has " + arena.size() + " parameters, the driver's " + plan.weights().length
                    + ": the task was prepared differently on this worker (other data, settings or code)");
        }
        arena.load(plan.weights());
        optimizer.loadState(plan.optimizerState());
        optimizer.setLr(plan.lr());
        if (scheduler != null && plan.schedulerState() != null) scheduler.loadState(plan.schedulerState());
        task.model().train(true);
        Trainer.startEpoch(task, plan.seed(), plan.epoch());
        int n = arena.size();
        float[] buffer = new float[n + 2];
        float[] grad = arena.grad();
        double lossSum = 0, compute = 0, communication = 0;
        long seen = 0;
        for (int b = 0; b < plan.batches().size(); b++) {
            long t0 = System.nanoTime();
            int[] batch = plan.batches().get(b);
            int[] mine = share(batch, rank, workers);
            optimizer.zeroGrad();
            float weight = 0, value = 0;
            if (mine.length > 0) {
                Tensor loss = task.loss(mine);
                value = loss.item();
                weight = (float) task.lossWeight(mine);
                if (Float.isFinite(value)) loss.backward();
            }
            for (int i = 0; i < n; i++) buffer[i] = grad[i] * weight;
            buffer[n] = weight;
            buffer[n + 1] = Float.isFinite(value) ? value * weight : value; // a NaN reaches every worker, which all stop
            long t1 = System.nanoTime();
            try {
                allReduce.sum(buffer);
            } catch (IOException e) {
                throw new UncheckedIOException("worker " + rank + ", epoch " + (plan.epoch() + 1) + ", batch " + (b + 1) + ": " + e.getMessage(), e);
            }
            long t2 = System.nanoTime();
            float total = buffer[n], mean = buffer[n + 1] / total;
            if (!Float.isFinite(mean)) throw Trainer.nonFinite(mean, plan.epoch() + 1, b + 1, lossSum, seen);
            for (int i = 0; i < n; i++) grad[i] = buffer[i] / total;
            if (plan.clipNorm() > 0) arena.clipGradNorm(plan.clipNorm());
            optimizer.step();
            Trainer.afterStep(scheduler, optimizer);
            lossSum += (double) mean * batch.length;
            seen += batch.length;
            compute += (t1 - t0) / 1e9 + (System.nanoTime() - t2) / 1e9;
            communication += (t2 - t1) / 1e9;
        }
        return new EpochOutcome(arena.data().clone(), optimizer.state(), optimizer.lr(), scheduler == null ? null : scheduler.state(),
                lossSum, seen, compute, communication);
    }

    /**
     * One worker's copy of a run: the training prepared from the driver's recipe, with the optimiser and schedule built
     * as the driver built them. Prepared once and kept for the run's epochs; each epoch starts from the plan's state.
     */
    public static final class Worker {
        private final TrainingTask training;
        private final Optimizer optimizer;
        private final LrScheduler schedule;

        private Worker(TrainingTask training, Trainer.Optimization optimization) {
            this.training = training;
            this.optimizer = optimization.optimizer(training.model().arena());
            this.schedule = optimization.schedule(optimizer, training);
        }

        /** Prepares the recipe's training (its data encoded, its network built) and the optimiser. */
        public static Worker prepare(TrainingRecipe recipe, Trainer.Optimization optimization) throws IOException {
            return new Worker(recipe.unpack().prepare(recipe.refit()), optimization);
        }

        /** Runs {@code plan}'s epoch as worker {@code rank} of {@code workers}. */
        public EpochOutcome runEpoch(EpochPlan plan, int rank, int workers, AllReduce allReduce) {
            return DataParallel.runEpoch(plan, rank, workers, training, optimizer, schedule, allReduce);
        }
    }
}
