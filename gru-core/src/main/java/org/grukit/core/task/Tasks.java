package org.grukit.core.task;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import org.grukit.core.Tensor;
import org.grukit.core.io.AtomicFiles;
import org.grukit.core.io.FolderReplacement;
import org.grukit.core.io.ModelBundle;
import org.grukit.core.kernel.Gemm;
import org.grukit.core.kernel.Parallel;
import org.grukit.core.optim.Adam;
import org.grukit.core.plot.Charts;
import org.grukit.core.train.Trainer;
import org.grukit.core.train.TrainerConfig;
import org.grukit.core.train.TrainingListener;

/**
 * What every task shares, written once: the tasks on the class path ({@link ServiceLoader}), training any of
 * them (the trainer, Adam with a cosine schedule, checkpoints and resume, the best epoch kept, the model folder
 * written), and loading any model folder by the type its model.json names, from a path (on any file system: a
 * zip's or a jar's too), a zip stream or the class path.
 */
public final class Tasks {
    private Tasks() {}

    /**
     * For digests and records of datasets: dates and times (a series' timestamps) are written as ISO-8601 text,
     * tensors as their shape and values.
     */
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new SimpleModule("grukit-data")
            .addSerializer(LocalDateTime.class, ToStringSerializer.instance)
            .addSerializer(LocalDate.class, ToStringSerializer.instance)
            .addSerializer(Instant.class, ToStringSerializer.instance)
            .addSerializer(Tensor.class, new StdSerializer<>(Tensor.class) {
                @Override
                public void serialize(Tensor t, JsonGenerator g, SerializerProvider p) throws IOException {
                    g.writeStartObject();
                    g.writeFieldName("shape");
                    g.writeArray(t.shape(), 0, t.rank());
                    g.writeFieldName("values");
                    g.writeStartArray();
                    float[] d = t.array();
                    for (int i = 0; i < t.numel(); i++) g.writeNumber(d[t.offset() + i]);
                    g.writeEndArray();
                    g.writeEndObject();
                }
            }));

    /**
     * A finished run: the model, the trainer's summary, the dev metrics of the chosen epoch's model, and the
     * examples it trained on; with a refit, its summary and examples too (else null and 0), and the model is the
     * refit's.
     */
    public record Trained<M>(M model, Trainer.Summary summary, Map<String, Double> dev, int examples, Trainer.Summary refit,
                             int refitExamples) {}

    /** What to do with a model folder that is not empty. */
    public enum Existing {
        /** Refuse to train into it (the default): a rerun must never mix with or silently replace another run. */
        REFUSE,
        /** Continue its stopped run, only if the settings and the data are the run's own. */
        RESUME,
        /**
         * Start again in a grukit model folder (never another folder): its checkpoints and run record are deleted, and
         * its model is replaced as a whole by the new run's first save (kept loadable until then).
         */
        OVERWRITE
    }

    /**
     * Where and how a run reports: the model folder (null for none: nothing written, no checkpoints), what to do
     * when it is not empty, a progress bar on standard error, a listener called after every epoch, and the
     * command line that started it (recorded in the provenance).
     */
    public record Run(Path dir, Existing existing, boolean progress, Consumer<Trainer.EpochResult> onEpoch,
                      List<String> commandLine, TrainingListener listener, Distribution distribution) {
        public Run {
            existing = existing == null ? Existing.REFUSE : existing;
            onEpoch = onEpoch == null ? r -> {} : onEpoch;
            commandLine = commandLine == null ? List.of() : List.copyOf(commandLine);
            listener = listener == null ? TrainingListener.logging() : listener;
        }

        public Run(Path dir, boolean progress, Consumer<Trainer.EpochResult> onEpoch) {
            this(dir, Existing.REFUSE, progress, onEpoch, List.of(), null, null);
        }


        public static Run into(Path dir) {
            return new Run(dir, true, null);
        }

        public Run withExisting(Existing e) {
            return new Run(dir, e, progress, onEpoch, commandLine, listener, distribution);
        }

        public Run withProgress(boolean on) {
            return new Run(dir, existing, on, onEpoch, commandLine, listener, distribution);
        }

        public Run withOnEpoch(Consumer<Trainer.EpochResult> listener) {
            return new Run(dir, existing, progress, listener, commandLine, this.listener, distribution);
        }

        /** The command line that started the run, recorded in the model's provenance. */
        public Run withCommandLine(List<String> args) {
            return new Run(dir, existing, progress, onEpoch, args, listener, distribution);
        }

        /**
         * Who hears of the run's progress when {@code progress} is on: {@link TrainingListener#logging()} unless
         * set (the command line sets {@link org.grukit.core.train.ConsoleProgress}).
         */
        public Run withListener(TrainingListener l) {
            return new Run(dir, existing, progress, onEpoch, commandLine, l, distribution);
        }

        /** Where the epochs take their steps: null (the default) for this JVM, or across workers (a Spark cluster). */
        public Run withDistribution(Distribution d) {
            return new Run(dir, existing, progress, onEpoch, commandLine, listener, d);
        }
    }

    /**
     * Runs a training's epochs somewhere other than this JVM alone: given what a worker needs to prepare the same
     * training (the recipe) and to build the same optimiser and schedule, the runner of each epoch's steps. The driver
     * keeps the loop, the evaluation, the checkpoints and the model folder.
     */
    @FunctionalInterface
    public interface Distribution {
        Trainer.EpochRunner runner(TrainingRecipe recipe, Trainer.Optimization optimization);
    }

    /** The JSON form of datasets and settings: for digests, and for {@link TrainingRecipe}s. */
    static ObjectMapper dataMapper() {
        return JSON;
    }

    /** Every task on the class path, in the order their providers are found. */
    @SuppressWarnings("rawtypes")
    public static List<Task<?, ?, ?, ?, ?>> all() {
        List<Task<?, ?, ?, ?, ?>> out = new ArrayList<>();
        for (Task t : ServiceLoader.load(Task.class)) out.add(t);
        return out;
    }

    /** The task called {@code name} ("sentiment"). */
    public static Task<?, ?, ?, ?, ?> named(String name) {
        List<String> names = new ArrayList<>();
        for (Task<?, ?, ?, ?, ?> t : all()) {
            if (t.name().equals(name)) return t;
            names.add(t.name());
        }
        throw new IllegalArgumentException("no task named '" + name + "'; the class path has " + names);
    }

    /** The task whose models have type {@code modelType}, if one is on the class path. */
    public static Optional<Task<?, ?, ?, ?, ?>> find(String modelType) {
        return all().stream().filter(t -> t.modelType().equals(modelType)).findFirst();
    }

    /** The task whose models have type {@code modelType}. */
    public static Task<?, ?, ?, ?, ?> forModelType(String modelType) {
        return find(modelType).orElseThrow(() -> new IllegalArgumentException("no task on the class path loads models of type '"
                + modelType + "'; the tasks here load " + all().stream().map(Task::modelType).toList()));
    }

    /** Loads any task's model folder: the task is the one whose model type model.json names. */
    public static TaskModel<?, ?, ?> load(Path dir) throws IOException {
        String type = ModelBundle.readDescriptor(dir).get("type").asText();
        Task<?, ?, ?, ?, ?> task;
        try {
            task = forModelType(type);
        } catch (IllegalArgumentException e) {
            throw new IOException(dir.resolve(ModelBundle.MODEL_JSON) + ": " + e.getMessage(), e);
        }
        return task.load(dir);
    }

    /**
     * Loads a model folder packed as a zip, from a stream (an upload, a download, a resource): the folder's files at
     * the zip's root or inside its one top-level folder. Nothing of the zip is kept once the model is loaded.
     */
    public static TaskModel<?, ?, ?> load(InputStream zip) throws IOException {
        Path tmp = Files.createTempFile("grukit-model", ".zip");
        try {
            Files.copy(zip, tmp, StandardCopyOption.REPLACE_EXISTING);
            try (FileSystem fs = FileSystems.newFileSystem(tmp)) {
                Path root = fs.getPath("/");
                if (!Files.exists(root.resolve(ModelBundle.MODEL_JSON))) {
                    try (var entries = Files.list(root)) {
                        List<Path> folders = entries.filter(Files::isDirectory).toList();
                        if (folders.size() == 1) root = folders.get(0);
                    }
                }
                if (!Files.exists(root.resolve(ModelBundle.MODEL_JSON))) {
                    throw new IOException("the zip holds no model folder: no " + ModelBundle.MODEL_JSON
                            + " at its root or in its one top-level folder");
                }
                return load(root);
            } catch (java.util.zip.ZipException | java.nio.file.ProviderNotFoundException e) {
                throw new IOException("not a zip file: " + e.getMessage(), e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Loads a model folder from the class path ({@code "models/sentiment"}, holding model.json), whether it is a folder
     * on disk or inside an application jar.
     */
    public static TaskModel<?, ?, ?> loadResource(ClassLoader loader, String folder) throws IOException {
        String name = folder.endsWith("/") ? folder + ModelBundle.MODEL_JSON : folder + "/" + ModelBundle.MODEL_JSON;
        URL url = loader.getResource(name);
        if (url == null) throw new IOException("no model on the class path: " + name + " not found");
        URI uri;
        try {
            uri = url.toURI();
        } catch (java.net.URISyntaxException e) {
            throw new IOException("cannot read the class path resource " + url + ": " + e.getMessage(), e);
        }
        if (!"jar".equals(uri.getScheme())) return load(Path.of(uri).getParent());
        FileSystem fs;
        boolean opened;
        try {
            fs = FileSystems.newFileSystem(uri, Map.of());
            opened = true;
        } catch (FileSystemAlreadyExistsException e) {
            fs = FileSystems.getFileSystem(uri);
            opened = false;
        }
        try {
            return load(fs.provider().getPath(uri).getParent());
        } finally {
            if (opened) fs.close();
        }
    }

    /**
     * Trains {@code task} on {@code train}, picking the epoch by its dev metric, as every task trains: Adam at
     * the settings' learning rate and weight decay, decayed per step along a cosine to 5%, gradients clipped,
     * early stopping by patience. With a folder, checkpoints go to {@code dir/checkpoints} (a stopped run
     * resumes from them) and the best model is written to {@code dir}.
     */
    public static <S extends TaskSettings, D, I, O, M extends TaskModel<D, I, O>> Trained<M> train(
            Task<S, D, I, O, M> task, S settings, D train, D dev, Run run) throws IOException {
        TrainingSettings ts = settings.training();
        Path dir = run.dir();
        // A save killed midway left a folder beside this one: put back what it carried, so the run sees one folder.
        if (dir != null) FolderReplacement.recover(dir);
        // Each dataset is digested once, for the run record and the provenance; train and dev may be one value.
        String trainSha = dir == null ? null : digest(train);
        String devSha = dir == null ? null : dev == train ? trainSha : digest(dev);
        ObjectNode record = dir == null ? null : RunRecord.of(task, settings, trainSha, devSha);
        RunRecord.Plan plan = dir == null ? RunRecord.Plan.FRESH : RunRecord.check(dir, run.existing(), record);
        Task.Training<M> training = task.prepare(settings, train, dev); // may fail on bad data: nothing written yet
        boolean resume = plan == RunRecord.Plan.RESUME;
        if (dir != null) {
            RunRecord.commit(dir, plan, record);
            // A run killed during a write left its temporary file; the files it was writing are whole or absent.
            AtomicFiles.removeLeftovers(dir);
        }
        TrainerConfig tc = new TrainerConfig(ts.epochs(), ts.patience(), ts.clipNorm(),
                dir == null ? null : dir.resolve("checkpoints"), resume, ts.seed(), run.progress());
        List<Trainer.EpochResult> epochs = new ArrayList<>();
        Trainer trainer = new Trainer(tc).listener(run.listener())
                .onEpoch(r -> {
                    epochs.add(r);
                    if (dir != null) {
                        writeMetrics(dir, epochs);
                        // After every improving epoch the folder holds the best model so far, whole and loadable, so a
                        // stopped run leaves something to evaluate (the finished run rewrites it with its provenance).
                        if (r.best()) {
                            try {
                                training.result().save(dir);
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException("cannot write the best model so far into " + dir + ": "
                                        + e.getMessage(), e);
                            }
                        }
                    }
                    run.onEpoch().accept(r);
                });
        Adam.Config adam = Adam.Config.adam(ts.lr()).withWeightDecay(ts.weightDecay());
        if (run.distribution() != null) {
            trainer.runner(run.distribution().runner(TrainingRecipe.of(task, settings, train, dev, false), new Trainer.AdamCosine(adam, ts.epochs())));
        }
        Trainer.Summary summary = trainer.fitAdamCosine(training, adam);
        M model = training.result();
        model.module().train(false);
        Map<String, Double> devMetrics = model.metrics(dev); // the chosen epoch's, before any refit has seen dev
        Task.Training<M> again = training.refit();
        Trainer.Summary refit = null;
        if (again != null) {
            if (run.progress()) run.listener().note("refitting on the training and dev parts for " + Math.max(1, summary.bestEpoch()) + " epochs");
            int refitEpochs = Math.max(1, summary.bestEpoch());
            Trainer refitter = new Trainer(new TrainerConfig(refitEpochs, 0, ts.clipNorm(), null, false, ts.seed(), run.progress()))
                    .listener(run.listener());
            if (run.distribution() != null) {
                refitter.runner(run.distribution().runner(TrainingRecipe.of(task, settings, train, dev, true), new Trainer.AdamCosine(adam, refitEpochs)));
            }
            refit = refitter.fitAdamCosine(again, adam);
            model = again.result();
            model.module().train(false);
        }
        if (dir != null) {
            model.save(dir);
            ModelBundle.recordProvenance(dir, provenance(task, settings, train, dev, trainSha, devSha, run, summary,
                    devMetrics));
            writeMetrics(dir, summary.history()); // with a resumed run's earlier epochs too
            Charts.trainingCurve(dir.resolve(TRAINING_PNG), task.name() + ": training", summary.history().stream()
                    .mapToDouble(Trainer.EpochResult::trainLoss).toArray(), summary.monitor(), summary.history().stream()
                    .mapToDouble(r -> r.metrics().getOrDefault(summary.monitor(), Double.NaN)).toArray(), summary.bestEpoch());
        }
        return new Trained<>(model, summary, devMetrics, training.trainSize(), refit, again == null ? 0 : again.trainSize());
    }

    /** Each epoch's train loss and metrics, one JSON line an epoch, in the model folder. */
    public static final String METRICS_JSONL = "metrics.jsonl";
    /** The training curve drawn into the model folder. */
    public static final String TRAINING_PNG = "training.png";

    private static void writeMetrics(Path dir, List<Trainer.EpochResult> epochs) {
        StringBuilder sb = new StringBuilder();
        try {
            for (Trainer.EpochResult r : epochs) sb.append(JSON.writeValueAsString(r)).append('\n');
            AtomicFiles.writeString(dir.resolve(METRICS_JSONL), sb.toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + dir.resolve(METRICS_JSONL) + ": " + e.getMessage(), e);
        }
    }

    /**
     * How a model was made, for its model.json: the task, the full settings, the command line, each dataset's size
     * and SHA-256 (of its content as JSON), the seed, the JDK and kernels, every epoch's metrics and the chosen one.
     */
    static <S extends TaskSettings, D> Map<String, Object> provenance(Task<S, D, ?, ?, ?> task, S settings, D train, D dev,
                                                                      String trainSha, String devSha, Run run,
                                                                      Trainer.Summary summary, Map<String, Double> devMetrics) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("task", task.name());
        p.put("settings", settings);
        if (!run.commandLine().isEmpty()) p.put("commandLine", run.commandLine());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("train", Map.of("examples", task.size(train), "sha256", trainSha));
        data.put("dev", Map.of("examples", task.size(dev), "sha256", devSha));
        p.put("data", data);
        p.put("seed", settings.training().seed());
        p.put("java", Runtime.version().toString());
        p.put("kernels", Gemm.backend());
        p.put("threads", Parallel.threads());
        p.put("monitor", summary.monitor());
        p.put("bestEpoch", summary.bestEpoch());
        p.put("epochs", summary.history());
        p.put("devMetrics", devMetrics);
        p.put("seconds", summary.seconds());
        return p;
    }

    /** SHA-256 of a dataset's content, serialised as JSON: the same examples in the same order give the same digest. */
    static String digest(Object data) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        try (OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), md)) {
            JSON.writeValue(out, data);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
