package org.grukit.core.task;

/**
 * How a task trains, the same for every task: the settings the trainer, the optimiser and the batch order
 * are made from. Validated at construction; {@code with...} for each field.
 *
 * @param epochs      the most epochs to run
 * @param batchSize   examples per batch
 * @param lr          Adam's learning rate at the start, cosine-decayed to 5% over all epochs
 * @param weightDecay Adam's L2 weight decay
 * @param clipNorm    clip gradients to this global L2 norm; 0 for none
 * @param patience    stop after this many epochs without a better monitored metric; 0 never stops early
 * @param seed        seeds initialisation, batch order and dropout
 */
public record TrainingSettings(int epochs, int batchSize, double lr, double weightDecay, double clipNorm, int patience,
                               long seed) {
    public TrainingSettings {
        if (epochs <= 0) throw new IllegalArgumentException("epochs must be > 0, got " + epochs);
        if (batchSize <= 0) throw new IllegalArgumentException("batchSize must be > 0, got " + batchSize);
        if (!(lr > 0)) throw new IllegalArgumentException("lr must be > 0, got " + lr);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        if (!(clipNorm >= 0)) throw new IllegalArgumentException("clipNorm must be >= 0, got " + clipNorm);
        if (patience < 0) throw new IllegalArgumentException("patience must be >= 0, got " + patience);
    }

    public TrainingSettings withEpochs(int value) {
        return new TrainingSettings(value, batchSize, lr, weightDecay, clipNorm, patience, seed);
    }

    public TrainingSettings withBatchSize(int value) {
        return new TrainingSettings(epochs, value, lr, weightDecay, clipNorm, patience, seed);
    }

    public TrainingSettings withLr(double value) {
        return new TrainingSettings(epochs, batchSize, value, weightDecay, clipNorm, patience, seed);
    }

    public TrainingSettings withWeightDecay(double value) {
        return new TrainingSettings(epochs, batchSize, lr, value, clipNorm, patience, seed);
    }

    public TrainingSettings withClipNorm(double value) {
        return new TrainingSettings(epochs, batchSize, lr, weightDecay, value, patience, seed);
    }

    public TrainingSettings withPatience(int value) {
        return new TrainingSettings(epochs, batchSize, lr, weightDecay, clipNorm, value, seed);
    }

    public TrainingSettings withSeed(long value) {
        return new TrainingSettings(epochs, batchSize, lr, weightDecay, clipNorm, patience, value);
    }
}
