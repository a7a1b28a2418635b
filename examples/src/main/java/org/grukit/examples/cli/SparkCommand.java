package org.grukit.examples.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructField;
import org.grukit.core.task.InputKind;
import org.grukit.core.task.Task;
import org.grukit.core.task.Tasks;
import org.grukit.core.train.JsonLines;
import org.grukit.speech.FeatureRequest;
import org.grukit.spark.FeatureTransformer;
import org.grukit.spark.SparkTraining;
import org.grukit.spark.TaskTransformer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code grukit spark predict|train}: the tasks on an Apache Spark cluster (or {@code local[N]}). Spark itself is not in
 * grukit.jar: the {@code grukit} launcher puts {@code $SPARK_HOME/jars} on the class path, and the executors get
 * grukit.jar through {@code spark.jars}.
 */
@Command(name = "spark", mixinStandardHelpOptions = true, description = "Run the tasks on an Apache Spark cluster.",
        subcommands = {SparkCommand.Predict.class, SparkCommand.Features.class, SparkCommand.Train.class})
final class SparkCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    /** What every Spark command shares: the master, and a session that ships grukit to the executors. */
    static final class Cluster {
        @Option(names = "--master", description = "Spark master URL: local[N], spark://HOST:PORT, yarn, k8s://... (default: "
                + "spark-submit's, else local[*]).")
        String master;
        @Option(names = "--conf", description = "Any Spark setting, KEY=VALUE (repeatable), e.g. spark.executor.memory=4g.")
        Map<String, String> conf = new LinkedHashMap<>();

        SparkSession start(String appName) {
            // Under spark-submit the master and the application jar are spark-submit's (given as system properties).
            boolean submitted = System.getProperty("spark.master") != null;
            if (master == null) master = submitted ? System.getProperty("spark.master") : "local[*]";
            SparkSession.Builder b = SparkSession.builder().master(master).appName(appName)
                    .config("spark.ui.showConsoleProgress", "false");
            if (System.getProperty("spark.executor.extraJavaOptions") == null) {
                // Executors need the Vector API module for grukit's kernels; Spark adds its own --add-opens flags.
                b = b.config("spark.executor.extraJavaOptions", "--add-modules=jdk.incubator.vector");
            }
            Path jar = ownJar();
            if (jar != null && !submitted && !master.startsWith("local")) b = b.config("spark.jars", jar.toUri().toString());
            for (Map.Entry<String, String> e : conf.entrySet()) b = b.config(e.getKey(), e.getValue());
            return b.getOrCreate();
        }

        /** grukit.jar, when this runs from it (not from a build's class folders). */
        private static Path ownJar() {
            try {
                Path p = Path.of(SparkCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                return Files.isRegularFile(p) ? p : null;
            } catch (URISyntaxException | SecurityException | NullPointerException e) {
                return null;
            }
        }
    }

    /** A table's format from its option or its file name's ending. */
    static String format(String given, Path path, String option) {
        String f = given != null ? given.toLowerCase(Locale.ROOT) : null;
        if (f == null) {
            String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".csv")) f = "csv";
            else if (name.endsWith(".tsv")) f = "tsv";
            else if (name.endsWith(".jsonl") || name.endsWith(".json")) f = "json";
            else if (name.endsWith(".parquet")) f = "parquet";
            else throw new IllegalArgumentException("cannot tell the format of " + path + " from its name; give " + option
                    + " csv, tsv, json or parquet");
        }
        if (!List.of("csv", "tsv", "json", "parquet").contains(f)) {
            throw new IllegalArgumentException(option + " must be csv, tsv, json or parquet, got " + given);
        }
        return f;
    }

    @Command(name = "predict", mixinStandardHelpOptions = true, description = "Predict with any task's model for every row of a "
            + "table (texts; audio paths; series as rows of id, time and values) or every WAV file of a folder: the input columns kept, "
            + "the task's output columns and an error column added (for series, one row per id). Prints a JSON line: rows, rows "
            + "with an error, seconds.")
    static final class Predict implements Callable<Integer> {
        @CommandLine.Mixin
        Cluster cluster = new Cluster();
        @Option(names = "--model", required = true, description = "A model folder.")
        Path model;
        @Option(names = "--input", required = true, description = "CSV or TSV with a header, JSON lines, or Parquet (a file or a folder); "
                + "for speech also a folder of WAV files.")
        Path input;
        @Option(names = "--output", required = true, description = "Where to write the result (a folder of part files, as Spark writes).")
        Path output;
        @Option(names = "--input-format", description = "csv, tsv, json or parquet (default: from --input's name).")
        String inputFormat;
        @Option(names = "--output-format", description = "csv, tsv, json or parquet (default: from --output's name).")
        String outputFormat;
        @Option(names = {"--text-column", "--input-column"}, description = "The column to predict for: texts, or audio paths "
                + "(default: text; for speech from a folder, the files' bytes).")
        String textColumn;
        @Option(names = "--id-column", defaultValue = "id", description = "For forecasting: the column naming each row's series (default: ${DEFAULT-VALUE}).")
        String idColumn;
        @Option(names = "--time-column", defaultValue = "time", description = "For forecasting: the timestamps' column (default: ${DEFAULT-VALUE}); "
                + "every other column is a value column.")
        String timeColumn;
        @Option(names = "--batch-size", defaultValue = "4096", description = "Rows handed to the model at once; it sorts them by "
                + "length and batches them itself (default: ${DEFAULT-VALUE}).")
        int batchSize;
        @Option(names = "--partitions", description = "Repartition the input into this many partitions first.")
        Integer partitions;
        @Option(names = "--output-prefix", defaultValue = "", description = "Put before the output columns' names, for an input that "
                + "already has columns of those names (a label column: --output-prefix predicted_).")
        String outputPrefix;
        @Option(names = "--error-column", defaultValue = "error", description = "The column that says why a row got no prediction "
                + "(default: ${DEFAULT-VALUE}).")
        String errorColumn;
        @Option(names = "--fail-fast", description = "Fail the job on the first bad row instead of naming it in the error column.")
        boolean failFast;
        @Option(names = "--with-details", description = "Add the model's detail columns too (sentiment: tokens and attention weights).")
        boolean withDetails;
        @Option(names = "--overwrite", description = "Replace --output if it exists.")
        boolean overwrite;

        @Override
        public Integer call() throws IOException {
            TaskTransformer stage = TaskTransformer.of(model).setBatchSize(batchSize).setFailFast(failFast).setOutputPrefix(outputPrefix)
                    .setErrorCol(errorColumn).setIdCol(idColumn).setTimeCol(timeColumn);
            if (withDetails) stage.setWithDetails(true);
            boolean wavFolder = stage.inputKind() == InputKind.AUDIO && Files.isDirectory(input) && inputFormat == null;
            String in = wavFolder ? "binaryFile" : format(inputFormat, input, "--input-format"), out = format(outputFormat, output, "--output-format");
            if (Files.exists(output) && !overwrite) throw new IllegalArgumentException(output + " exists; remove it or give --overwrite");
            String column = textColumn != null ? textColumn : wavFolder ? "content" : "text";
            stage.setInputCol(column);
            SparkSession spark = cluster.start("grukit spark predict");
            try {
                long start = System.nanoTime();
                Dataset<Row> table = wavFolder
                        ? spark.read().format("binaryFile").option("recursiveFileLookup", "true").option("pathGlobFilter", "*.{wav,flac,mp3,ogg}")
                                .load(input.toString()).drop("modificationTime")
                        : read(spark, in, input.toString());
                if (stage.inputKind() != InputKind.SERIES && !List.of(table.columns()).contains(column)) {
                    throw new IllegalArgumentException(input + " has no column '" + column + "' (it has " + List.of(table.columns())
                            + "); choose one with --input-column");
                }
                if (partitions != null) table = table.repartition(partitions);
                Dataset<Row> result = stage.transform(table).cache();
                if (wavFolder) result = result.drop("content"); // the recordings themselves stay where they are
                Dataset<Row> written = result;
                if (in.equals("csv") || out.equals("csv") || out.equals("tsv")) written = flatten(result);
                var writer = written.write().mode(overwrite ? "overwrite" : "errorifexists");
                switch (out) {
                    case "csv" -> writer.option("header", "true").csv(output.toString());
                    case "tsv" -> writer.option("header", "true").option("sep", "\t").csv(output.toString());
                    case "json" -> writer.json(output.toString());
                    default -> writer.parquet(output.toString());
                }
                long rows = result.count();
                long errors = result.filter(functions.col(errorColumn).isNotNull()).count();
                double seconds = (System.nanoTime() - start) / 1e9;
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("output", output.toString());
                m.put("rows", rows);
                m.put("errors", errors);
                m.put("seconds", Math.round(seconds * 10) / 10.0);
                m.put("rows_per_s", Math.round(rows / seconds));
                m.put("master", cluster.master);
                m.put("partitions", table.rdd().getNumPartitions());
                System.out.println(JsonLines.of(m));
                return 0;
            } finally {
                spark.stop();
            }
        }

        /** CSV holds no arrays: each array column written as its JSON text. */
        private static Dataset<Row> flatten(Dataset<Row> d) {
            List<Column> cols = new ArrayList<>();
            for (StructField f : d.schema().fields()) {
                Column c = functions.col(f.name());
                cols.add(f.dataType() instanceof ArrayType ? functions.to_json(c).alias(f.name()) : c);
            }
            return d.select(cols.toArray(new Column[0]));
        }
    }

    @Command(name = "features", mixinStandardHelpOptions = true, description = "Speech features (MFCC or log mel filterbanks, "
            + "Kaldi or torchaudio presets, the options of grukit features) of many recordings, written as Parquet or JSON lines: "
            + "one row per recording, its path, the features [frames][coefficients] and an error column. Prints a JSON line.")
    static final class Features implements Callable<Integer> {
        @CommandLine.Mixin
        Cluster cluster = new Cluster();
        @CommandLine.Mixin
        FeaturesCommand.FeatureOptions options = new FeaturesCommand.FeatureOptions();
        @Option(names = "--kind", defaultValue = "mfcc", description = "mfcc or fbank (torchaudio: mel spectrogram) (default: ${DEFAULT-VALUE}).")
        String kind;
        @Option(names = "--num-ceps", description = "Cepstra, for mfcc (kaldi 13, torchaudio 40).")
        Integer numCeps;
        @Option(names = "--input", required = true, description = "WAV files: a folder (searched recursively) or a glob, read as "
                + "binary files; or a CSV/TSV/JSON lines/Parquet table of paths with --path-column.")
        String input;
        @Option(names = "--path-column", description = "The input is a table, and this column holds the WAV files' paths.")
        String pathColumn;
        @Option(names = "--output", required = true, description = "Where to write (a folder of part files): .parquet or .jsonl.")
        Path output;
        @Option(names = "--partitions", description = "Repartition the input into this many partitions first.")
        Integer partitions;
        @Option(names = "--overwrite", description = "Replace --output if it exists.")
        boolean overwrite;

        @Override
        public Integer call() {
            if (!kind.equals("mfcc") && !kind.equals("fbank")) throw new IllegalArgumentException("--kind must be mfcc or fbank, got " + kind);
            FeatureRequest request = options.request(kind.equals("mfcc"), numCeps);
            String out = format(null, output, "--output");
            if (out.equals("csv") || out.equals("tsv")) throw new IllegalArgumentException("--output must be .parquet or .jsonl: CSV holds no frames");
            if (Files.exists(output) && !overwrite) throw new IllegalArgumentException(output + " exists; remove it or give --overwrite");
            SparkSession spark = cluster.start("grukit spark features");
            try {
                long start = System.nanoTime();
                Dataset<Row> table;
                FeatureTransformer stage = new FeatureTransformer().setRequest(request);
                if (pathColumn == null) {
                    Path in = Path.of(input);
                    table = spark.read().format("binaryFile").option("recursiveFileLookup", Files.isDirectory(in) ? "true" : "false")
                            .option("pathGlobFilter", Files.isDirectory(in) ? "*.{wav,flac,mp3,ogg}" : "*").load(input).drop("modificationTime");
                    stage.setInputCol("content");
                } else {
                    table = read(spark, format(null, Path.of(input), "--input"), input);
                    if (!List.of(table.columns()).contains(pathColumn)) {
                        throw new IllegalArgumentException(input + " has no column '" + pathColumn + "' (it has " + List.of(table.columns()) + ")");
                    }
                    stage.setInputCol(pathColumn);
                }
                if (partitions != null) table = table.repartition(partitions);
                Dataset<Row> result = stage.transform(table).cache();
                if (pathColumn == null) result = result.drop("content");
                var writer = result.write().mode(overwrite ? "overwrite" : "errorifexists");
                if (out.equals("json")) writer.json(output.toString());
                else writer.parquet(output.toString());
                long rows = result.count();
                long errors = result.filter(functions.col("error").isNotNull()).count();
                Row frames = result.agg(functions.sum(functions.size(functions.col("features")))).head();
                double seconds = (System.nanoTime() - start) / 1e9;
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("output", output.toString());
                m.put("recordings", rows);
                m.put("errors", errors);
                m.put("frames", frames.isNullAt(0) ? 0 : frames.getLong(0));
                m.put("preset", request.preset().name().toLowerCase(Locale.ROOT));
                m.put("seconds", Math.round(seconds * 10) / 10.0);
                m.put("master", cluster.master);
                System.out.println(JsonLines.of(m));
                return 0;
            } finally {
                spark.stop();
            }
        }
    }

    /** A table in one of the formats {@link #format} names. */
    static Dataset<Row> read(SparkSession spark, String format, String path) {
        DataFrameReader reader = spark.read();
        return switch (format) {
            case "csv" -> reader.option("header", "true").option("multiLine", "true").option("escape", "\"").option("inferSchema", "true").csv(path);
            case "tsv" -> reader.option("header", "true").option("sep", "\t").option("quote", "").option("inferSchema", "true").csv(path);
            case "json" -> reader.json(path);
            default -> reader.parquet(path);
        };
    }

    @Command(name = "train", mixinStandardHelpOptions = true, description = "Train any task with synchronous data-parallel "
            + "workers on the cluster: Spark's options first, then the task, then the task's own train options (grukit TASK train "
            + "--help). "
            + "The driver evaluates, checkpoints and writes the model folder as a single machine does.")
    static final class Train implements Callable<Integer> {
        @CommandLine.Mixin
        Cluster cluster = new Cluster();
        @Option(names = "--workers", defaultValue = "2", description = "Workers, one barrier task each; the cluster needs as many "
                + "free task slots (default: ${DEFAULT-VALUE}).")
        int workers;
        @Parameters(index = "0", description = "The task, as its grukit command is named (sentiment, translate, speech...).")
        String task;
        @Parameters(index = "1..*", arity = "0..*", description = "The task's train options.")
        List<String> options = new ArrayList<>();

        @Override
        public Integer call() {
            // The tasks on the class path (the task contract's registry), each trained by its own grukit command's train.
            Map<String, CommandLine> commands = GrukitCli.command().getSubcommands();
            List<String> trainable = Tasks.all().stream().map(Task::name)
                    .filter(n -> commands.containsKey(n) && commands.get(n).getSubcommands().containsKey("train")).toList();
            if (!trainable.contains(task)) throw new IllegalArgumentException("no task '" + task + "' to train; give one of " + trainable);
            CommandLine cl = new CommandLine(commands.get(task).getCommand());
            if (workers < 1) throw new IllegalArgumentException("--workers must be >= 1, got " + workers);
            SparkSession spark = cluster.start("grukit spark train " + task);
            SparkTraining training = SparkTraining.on(spark, workers);
            ModelFolderOptions.distribution = training;
            try {
                List<String> args = new ArrayList<>(List.of("train"));
                args.addAll(options);
                cl.setExecutionExceptionHandler((e, c, p) -> {
                    throw e;
                });
                int code = cl.execute(args.toArray(new String[0]));
                if (code != 0) return code;
                List<SparkTraining.EpochTimes> epochs = training.epochs();
                double seconds = 0, compute = 0, communication = 0;
                for (SparkTraining.EpochTimes t : epochs) {
                    seconds += t.seconds();
                    compute += t.computeSeconds();
                    communication += t.communicationSeconds();
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("master", cluster.master);
                m.put("workers", workers);
                m.put("epochs", epochs.size());
                m.put("epoch_seconds", epochs.isEmpty() ? 0 : Math.round(seconds / epochs.size() * 100) / 100.0);
                m.put("compute_share", seconds == 0 ? 0 : Math.round(compute / seconds * 1000) / 1000.0);
                m.put("communication_share", seconds == 0 ? 0 : Math.round(communication / seconds * 1000) / 1000.0);
                m.put("other_share", seconds == 0 ? 0 : Math.round((seconds - compute - communication) / seconds * 1000) / 1000.0);
                System.out.println(JsonLines.of(m));
                return 0;
            } finally {
                ModelFolderOptions.distribution = null;
                spark.stop();
            }
        }
    }
}
