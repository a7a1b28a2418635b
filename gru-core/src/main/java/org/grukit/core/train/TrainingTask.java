package org.grukit.core.train;

import java.util.List;
import java.util.Map;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.nn.Module;

/** What the {@link Trainer} needs from a task: the model, batches, a loss per batch and an evaluation. */
public interface TrainingTask {
    Module model();

    /** The number of training examples (for progress and throughput). */
    int trainSize();

    /**
     * Called before each epoch's batches (0-based, so also after resuming): for losses that change with the
     * epoch, such as a term added only in a final phase of training.
     */
    default void startEpoch(int epoch) {}

    /**
     * The random streams the task draws from outside its model (word dropout, feature augmentation), by name. The
     * trainer restarts them, and the model's own, at every epoch from the run's seed and the epoch, so a resumed run
     * draws what an uninterrupted one draws.
     */
    default Map<String, Rng> randomStreams() {
        return Map.of();
    }

    /** This epoch's batches as example indices (shuffled or bucketed with {@code rng}). */
    List<int[]> trainBatches(Rng rng);

    /** The loss of one batch, computed in training mode with grad enabled. */
    Tensor loss(int[] batch);

    /**
     * What {@link #loss} of {@code batch} is a mean over: the number of examples (the default), or of target tokens
     * for a loss averaged per token. Data-parallel training weighs each worker's share of a batch by it, so that the
     * shares' gradients add up to the whole batch's.
     */
    default double lossWeight(int[] batch) {
        return batch.length;
    }

    /** Metrics on held-out data, computed in eval mode with grad disabled; must include {@link #monitor()}. */
    Map<String, Double> evaluate();

    /** The metric that picks the best epoch, e.g. "dev_accuracy". */
    String monitor();

    /** True when a larger monitored value is better (accuracy), false for a loss. */
    boolean maximize();
}
