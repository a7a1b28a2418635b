package org.grukit.core.train;

import java.nio.file.Path;

/**
 * What a training run reports as it goes: an application shows it as it likes (a progress bar, a log, a web page).
 * The library never writes to standard error itself: {@link #logging()}, the default, goes to the JDK's logging
 * facade ({@link System.Logger}, which an application routes to SLF4J, Log4j or java.util.logging), and
 * {@link ConsoleProgress} draws the command line's bar. Calls come from the training thread.
 */
public interface TrainingListener {
    /** A stopped run continues after {@code completedEpochs} epochs, from the checkpoint in {@code from}. */
    default void resumed(int completedEpochs, Path from) {}

    /** Epoch {@code epoch} (1-based) of {@code epochs} starts, on {@code examples} training examples. */
    default void epochStarted(int epoch, int epochs, long examples) {}

    /** A batch is done: {@code seen} examples of this epoch so far, their mean loss, and the throughput. */
    default void batchDone(long seen, double meanLoss, double examplesPerSecond) {}

    /** An epoch is done and evaluated; {@code monitor} names the metric that picks the best epoch. */
    default void epochDone(Trainer.EpochResult result, String monitor) {}

    /** Anything else worth saying ("refitting on the training and dev parts for 7 epochs"). */
    default void note(String message) {}

    /** Says nothing. */
    TrainingListener SILENT = new TrainingListener() {};

    /** Epochs, resumes and notes at INFO, through {@link System.Logger} "org.grukit.train"; batches are not logged. */
    static TrainingListener logging() {
        System.Logger log = System.getLogger("org.grukit.train");
        return new TrainingListener() {
            @Override
            public void resumed(int completedEpochs, Path from) {
                log.log(System.Logger.Level.INFO, "resuming after epoch {0} from {1}", completedEpochs, from);
            }

            @Override
            public void epochDone(Trainer.EpochResult result, String monitor) {
                if (log.isLoggable(System.Logger.Level.INFO)) log.log(System.Logger.Level.INFO, Trainer.describe(result, monitor));
            }

            @Override
            public void note(String message) {
                log.log(System.Logger.Level.INFO, message);
            }
        };
    }
}
