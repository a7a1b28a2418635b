package org.grukit.core.train;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The command line's view of a training run: a progress bar per epoch (redrawn in place on a terminal, a line a
 * quarter in a log) and a line per epoch with its metrics, on the stream it is given.
 */
public final class ConsoleProgress implements TrainingListener {
    private final PrintStream out;
    private final boolean interactive;
    private ProgressBar bar;

    /** On {@code out}, redrawn in place when {@code interactive}. */
    public ConsoleProgress(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    /** On standard error, redrawn in place when the process has a terminal. */
    public static ConsoleProgress onStderr() {
        return new ConsoleProgress(System.err, System.console() != null);
    }

    @Override
    public void resumed(int completedEpochs, Path from) {
        out.println("resuming after epoch " + completedEpochs + " from " + from);
    }

    @Override
    public void epochStarted(int epoch, int epochs, long examples) {
        bar = new ProgressBar(String.format("epoch %d/%d", epoch, epochs), examples, out, interactive);
    }

    @Override
    public void batchDone(long seen, double meanLoss, double examplesPerSecond) {
        if (bar != null) bar.update(seen, String.format("loss %.4f  %.0f ex/s", meanLoss, examplesPerSecond));
    }

    @Override
    public void epochDone(Trainer.EpochResult result, String monitor) {
        if (bar != null) bar.finish(String.format("loss %.4f  %.0f ex/s", result.trainLoss(), result.examplesPerSecond()));
        bar = null;
        out.println(Trainer.describe(result, monitor));
    }

    @Override
    public void note(String message) {
        out.println(message);
    }
}
