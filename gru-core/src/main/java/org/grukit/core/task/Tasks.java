package org.grukit.core.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import org.grukit.core.io.ModelBundle;
import org.grukit.core.optim.Adam;
import org.grukit.core.train.Trainer;
import org.grukit.core.train.TrainerConfig;

/**
 * What every task shares, written once: the tasks on the class path ({@link ServiceLoader}), training any of
 * them (the trainer, Adam with a cosine schedule, checkpoints and resume, the best epoch kept, the model folder
 * written), and loading any model folder by the type its model.json names.
 */
public final class Tasks {
    private Tasks() {}

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A finished run: the model with its best epoch's weights, the trainer's summary, and the dev metrics. */
    public record Trained<M>(M model, Trainer.Summary summary, Map<String, Double> dev) {}

    /**
     * Where and how a run reports: the model folder (null for none: nothing written, no checkpoints), a
     * progress bar on standard error, and a listener called after every epoch.
     */
    public record Run(Path dir, boolean progress, Consumer<Trainer.EpochResult> onEpoch) {
        public static Run quiet() {
            return new Run(null, false, r -> {});
        }

        public static Run into(Path dir) {
            return new Run(dir, true, r -> {});
        }

        public Run withProgress(boolean on) {
            return new Run(dir, on, onEpoch);
        }

        public Run withOnEpoch(Consumer<Trainer.EpochResult> listener) {
            return new Run(dir, progress, listener == null ? r -> {} : listener);
        }
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

    /** The task whose models have type {@code modelType}. */
    public static Task<?, ?, ?, ?, ?> forModelType(String modelType) {
        List<String> types = new ArrayList<>();
        for (Task<?, ?, ?, ?, ?> t : all()) {
            if (t.modelType().equals(modelType)) return t;
            types.add(t.modelType());
        }
        throw new IllegalArgumentException("no task on the class path loads models of type '" + modelType
                + "'; the tasks here load " + types);
    }

    /** Loads any task's model folder: the task is the one whose model type model.json names. */
    public static TaskModel<?, ?, ?> load(Path dir) throws IOException {
        Path file = dir.resolve(ModelBundle.MODEL_JSON);
        JsonNode root;
        try (InputStream in = Files.newInputStream(file)) {
            root = JSON.readTree(in);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "not a grukit model folder: no " + ModelBundle.MODEL_JSON);
        }
        JsonNode type = root == null ? null : root.get("type");
        if (type == null || !type.isTextual()) {
            throw new IOException(file + ": expected a \"type\" string naming the model type, found " + type);
        }
        return forModelType(type.asText()).load(dir);
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
        Task.Training<M> training = task.prepare(settings, train, dev);
        Path dir = run.dir();
        if (dir != null) training.writePreprocessing(dir); // a checkpoint is usable with the folder's preprocessing
        TrainerConfig tc = new TrainerConfig(ts.epochs(), ts.patience(), ts.clipNorm(),
                dir == null ? null : dir.resolve("checkpoints"), dir != null, ts.seed(), run.progress());
        Trainer trainer = new Trainer(tc).provenance(ModelBundle.Provenance.of(ts.seed(), task.size(train) + " examples"))
                .onEpoch(run.onEpoch());
        Trainer.Summary summary = trainer.fitAdamCosine(training, Adam.Config.adam(ts.lr()).withWeightDecay(ts.weightDecay()));
        M model = training.result();
        model.module().train(false);
        if (dir != null) model.save(dir);
        return new Trained<>(model, summary, model.metrics(dev));
    }
}
