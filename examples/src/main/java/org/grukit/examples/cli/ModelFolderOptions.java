package org.grukit.examples.cli;

import java.util.List;
import org.grukit.core.task.Tasks;
import picocli.CommandLine.Option;

/**
 * The options every {@code train} shares for its model folder: a folder that is not empty is refused unless
 * the user says to continue its run or to replace it.
 */
final class ModelFolderOptions {
    @Option(names = "--resume", description = "Continue the stopped run in the model folder; refused unless its settings"
            + " (but --epochs and --patience) and data are this run's.")
    boolean resume;
    @Option(names = "--overwrite", description = "Start again in a grukit model folder: its checkpoints go now, its model"
            + " when the new run saves its first.")
    boolean overwrite;

    /**
     * Where every train command of this process takes its steps: null for this JVM, or a cluster ({@code grukit spark
     * train} sets it before it runs the task's own train command, so that every option means what it means there).
     */
    static volatile Tasks.Distribution distribution;

    /** The run into {@code dir}, as the options say, with the command line recorded in its provenance. */
    Tasks.Run run(java.nio.file.Path dir, boolean progress, String... commandLine) {
        if (resume && overwrite) throw new IllegalArgumentException("--resume and --overwrite exclude each other; give one");
        Tasks.Existing e = resume ? Tasks.Existing.RESUME : overwrite ? Tasks.Existing.OVERWRITE : Tasks.Existing.REFUSE;
        return Tasks.Run.into(dir).withProgress(progress).withListener(org.grukit.core.train.ConsoleProgress.onStderr()).withExisting(e).withCommandLine(List.of(commandLine))
                .withDistribution(distribution);
    }
}
