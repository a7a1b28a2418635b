package org.grukit.core.train;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.grukit.core.Tensor;
import org.grukit.core.io.AtomicFiles;
import org.grukit.core.io.SafeTensors;
import org.grukit.core.nn.Module;
import org.grukit.core.optim.Optimizer;

/**
 * The resumable training state in a directory: model weights, optimiser state and the trainer's JSON.
 * A new checkpoint is written beside the old one and swapped in by renames, so a crash at any moment
 * leaves a complete checkpoint (the new one, or the previous one under {@code .old}).
 */
public final class Checkpoints {
    private Checkpoints() {}

    static final String WEIGHTS = "weights.safetensors";
    static final String OPTIMIZER = "optimizer.safetensors";
    static final String STATE = "trainer.json";

    /** Writes a checkpoint into {@code dir}, replacing any previous one. */
    public static void save(Path dir, Module model, Optimizer optimizer, JsonNode trainerState) throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + dir.getFileName() + ".");
        try {
            SafeTensors.write(tmp.resolve(WEIGHTS), model.stateDict(), null);
            Map<String, Tensor> opt = new LinkedHashMap<>();
            optimizer.state().forEach((k, v) -> opt.put(k, Tensor.of(v.clone(), v.length)));
            SafeTensors.write(tmp.resolve(OPTIMIZER), opt, null);
            AtomicFiles.writeString(tmp.resolve(STATE), JsonLines.of(trainerState) + "\n");
            Path old = parent.resolve(dir.getFileName() + ".old");
            deleteTree(old);
            if (Files.exists(dir)) Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(old);
        } finally {
            deleteTree(tmp);
        }
    }

    /** The checkpoint directory to resume from: {@code dir}, or its {@code .old} twin after an interrupted swap. */
    public static Path find(Path dir) {
        if (Files.isRegularFile(dir.resolve(STATE))) return dir;
        Path old = dir.toAbsolutePath().getParent().resolve(dir.getFileName() + ".old");
        return Files.isRegularFile(old.resolve(STATE)) ? old : null;
    }

    /** Restores weights and optimiser state from {@code dir}; returns the trainer's JSON state. */
    public static JsonNode load(Path dir, Module model, Optimizer optimizer) throws IOException {
        JsonNode state = JsonLines.mapper().readTree(dir.resolve(STATE).toFile());
        try {
            model.loadStateDict(SafeTensors.load(dir.resolve(WEIGHTS)));
            Map<String, float[]> opt = new LinkedHashMap<>();
            SafeTensors.load(dir.resolve(OPTIMIZER)).forEach((k, v) -> opt.put(k, v.toArray()));
            optimizer.loadState(opt);
        } catch (IllegalArgumentException e) {
            throw new IOException("checkpoint " + dir + " does not fit this model and optimiser: " + e.getMessage(), e);
        }
        return state;
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
