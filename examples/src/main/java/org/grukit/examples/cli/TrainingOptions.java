package org.grukit.examples.cli;

import org.grukit.core.kernel.Parallel;
import org.grukit.core.task.TrainingSettings;
import picocli.CommandLine.Option;

/**
 * The training options every {@code train} shares, with one spelling. Each is applied only when given, on top
 * of the task's own defaults (some sized to the training set), so the command line trains what the Java API
 * does with the same settings.
 */
final class TrainingOptions {
    @Option(names = "--epochs", description = "The most epochs to run (default: the task's).")
    Integer epochs;
    @Option(names = "--batch-size", description = "Examples per batch (default: the task's).")
    Integer batchSize;
    @Option(names = "--lr", description = "Adam's learning rate, cosine-decayed to 5%% (default: the task's).")
    Double lr;
    @Option(names = "--patience", description = "Stop after this many epochs without a better dev metric; 0 never"
            + " (default: the task's).")
    Integer patience;
    @Option(names = "--seed", description = "Seed of initialisation, batch order, dropout and any split (default: 1).")
    Long seed;
    @Option(names = "--threads", description = "Kernel threads (default: the available processors).")
    Integer threads;
    @Option(names = "--no-progress", description = "No progress bar or epoch lines.")
    boolean noProgress;

    /** {@code defaults} with the options that were given; also sets the kernel threads. */
    TrainingSettings apply(TrainingSettings defaults) {
        if (threads != null) {
            if (threads <= 0) throw new IllegalArgumentException("--threads must be > 0, got " + threads);
            Parallel.setThreads(threads);
        }
        TrainingSettings t = defaults;
        try {
            if (epochs != null) t = t.withEpochs(epochs);
            if (batchSize != null) t = t.withBatchSize(batchSize);
            if (lr != null) t = t.withLr(lr);
            if (patience != null) t = t.withPatience(patience);
        } catch (IllegalArgumentException e) { // the settings' own words, in the option's name
            throw new IllegalArgumentException(e.getMessage().replace("epochs", "--epochs").replace("batchSize", "--batch-size")
                    .replace("lr must", "--lr must").replace("patience", "--patience"), e);
        }
        return seed != null ? t.withSeed(seed) : t;
    }

    /** The seed the run uses: the option's, else the task's default. */
    long seed(TrainingSettings defaults) {
        return seed != null ? seed : defaults.seed();
    }

    boolean progress() {
        return !noProgress;
    }
}
