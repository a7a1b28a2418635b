package org.grukit.examples.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.grukit.core.Version;
import org.grukit.core.io.FolderIntegrity;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code grukit} command line: one entry point with a subcommand per job. */
@Command(name = "grukit", mixinStandardHelpOptions = true, versionProvider = GrukitCli.VersionProvider.class,
        description = "Gated recurrent networks (GRU), attention and the tasks built on them.",
        subcommands = {QuickstartCommand.class, SentimentCommand.class, TranslateCommand.class, SpeechCommand.class, SummarizeCommand.class, ForecastCommand.class, AddingCommand.class, FeaturesCommand.class, TextCommands.Tokenize.class, TextCommands.BpeCommand.class,
                TextCommands.TokenizerCommand.class, ServeCommand.class, BenchCommand.class, InfoCommand.class, GrukitCli.VersionCommand.class, CommandLine.HelpCommand.class})
public final class GrukitCli implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (for tests and embedding). */
    public static int run(String... args) {
        String skip = System.getProperty(FolderIntegrity.SKIP_PROPERTY);
        try {
            return command().setExecutionExceptionHandler(GrukitCli::reportError).execute(args);
        } finally { // the option holds for this run only, also when run is called again in one JVM
            if (skip == null) System.clearProperty(FolderIntegrity.SKIP_PROPERTY);
            else System.setProperty(FolderIntegrity.SKIP_PROPERTY, skip);
        }
    }

    /**
     * The command tree. {@code spark} is there only when Spark's classes are (the launcher adds {@code $SPARK_HOME/jars}):
     * its commands' signatures name Spark types, which picocli's reflection would fail to load.
     */
    static CommandLine command() {
        CommandLine cl = new CommandLine(new GrukitCli());
        boolean spark;
        try {
            Class.forName("org.apache.spark.sql.SparkSession", false, GrukitCli.class.getClassLoader());
            spark = true;
        } catch (ClassNotFoundException | LinkageError e) {
            spark = false;
        }
        cl.addSubcommand("spark", spark ? new SparkCommand() : new NoSpark());
        // grukit spark train [SPARK OPTIONS] TASK [TASK'S TRAIN OPTIONS]: everything after the task is the task's.
        if (spark) cl.getSubcommands().get("spark").getSubcommands().get("train").setStopAtPositional(true);
        return cl;
    }

    @Command(name = "spark", description = "Run the tasks on an Apache Spark cluster (needs SPARK_HOME).")
    static final class NoSpark implements Callable<Integer> {
        @CommandLine.Parameters(arity = "0..*", hidden = true)
        List<String> ignored;

        @Override
        public Integer call() {
            System.err.println("grukit: 'grukit spark' needs Apache Spark 4.x (Scala 2.13) on the class path: set SPARK_HOME to a Spark distribution and run the grukit launcher, "
                    + "which adds $SPARK_HOME/jars");
            return 1;
        }
    }

    @CommandLine.Option(names = "--skip-integrity-check", description = "Load model folders whose files no longer match the "
            + "digests in their model.json (for a folder edited on purpose); given before the command: grukit "
            + "--skip-integrity-check sentiment predict ...")
    void skipIntegrityCheck(boolean on) {
        if (on) System.setProperty(FolderIntegrity.SKIP_PROPERTY, "true");
    }

    /** Bad input (a file, an option value) is reported in one line, not as a stack trace. */
    private static int reportError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) throws Exception {
        if (e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException
                || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
            cmd.getErr().println("grukit: " + describe(e));
            return 1;
        }
        throw e;
    }

    /** The message, with what a file system exception leaves out (its message is often the bare path). */
    static String describe(Exception e) {
        Throwable t = e instanceof java.io.UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
        if (t instanceof java.nio.file.NoSuchFileException n) return "no such file or folder: " + n.getFile();
        if (t instanceof java.nio.file.AccessDeniedException a) return "permission denied: " + a.getFile();
        if (t instanceof java.nio.file.FileAlreadyExistsException f) return "already exists: " + f.getFile();
        if (t instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getFile() + ": " + f.getReason();
        return e.getMessage();
    }

    /** No command given: the usage on stderr and exit code 2, as for any other usage error. */
    @Override
    public Integer call() {
        new CommandLine(this).usage(System.err);
        return 2;
    }

    @Command(name = "version", mixinStandardHelpOptions = true, description = "Prints the grukit version and the Java runtime.")
    static final class VersionCommand implements Callable<Integer> {
        @Override
        public Integer call() {
            System.out.println("grukit " + Version.get() + " (Java " + Runtime.version() + ", "
                    + System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors() + " cores)");
            return 0;
        }
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"grukit " + Version.get()};
        }
    }
}
