package org.grukit.core.train;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.grukit.core.ParameterArena;
import org.grukit.core.Tensor;
import org.grukit.core.io.AtomicFiles;
import org.grukit.core.io.SafeTensors;
import org.grukit.core.nn.Module;
import org.grukit.core.optim.Optimizer;

/**
 * The resumable training state in a directory: model weights, optimiser state, the trainer's JSON and the best
 * epoch's weights (when they are not the last ones). A new checkpoint is written beside the old one and swapped in
 * by renames, so a crash at any moment leaves a complete checkpoint (the new one, or the previous one under
 * {@code .old}), and the best weights always belong to the epoch its state names.
 */
public final class Checkpoints {
    private Checkpoints() {}

    static final String WEIGHTS = "weights.safetensors";
    static final String OPTIMIZER = "optimizer.safetensors";
    static final String STATE = "trainer.json";
    static final String BEST = "best.safetensors";

    /** What a checkpoint restores besides the weights and optimiser state it loads into place. */
    public record Restored(JsonNode trainerState, float[] bestWeights) {}

    /**
     * Writes a checkpoint into {@code dir}, replacing any previous one.
     *
     * @param best the best epoch's parameters in the model's arena layout, or null when they are the model's own
     */
    public static void save(Path dir, Module model, Optimizer optimizer, JsonNode trainerState, float[] best) throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + dir.getFileName() + ".");
        try {
            SafeTensors.write(tmp.resolve(WEIGHTS), model.stateDict(), null);
            Map<String, Tensor> opt = new LinkedHashMap<>();
            optimizer.state().forEach((k, v) -> opt.put(k, Tensor.of(v.clone(), v.length)));
            SafeTensors.write(tmp.resolve(OPTIMIZER), opt, null);
            if (best != null) SafeTensors.write(tmp.resolve(BEST), arenaTensors(model.arena(), best), null);
            AtomicFiles.writeString(tmp.resolve(STATE), JsonLines.of(trainerState) + "\n");
            Path old = parent.resolve(dir.getFileName() + ".old");
            AtomicFiles.deleteTree(old);
            if (Files.exists(dir)) Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.deleteTree(old);
        } finally {
            AtomicFiles.deleteTree(tmp);
        }
    }

    /** The checkpoint directory to resume from: {@code dir}, or its {@code .old} twin after an interrupted swap. */
    public static Path find(Path dir) {
        if (Files.isRegularFile(dir.resolve(STATE))) return dir;
        Path old = dir.toAbsolutePath().getParent().resolve(dir.getFileName() + ".old");
        return Files.isRegularFile(old.resolve(STATE)) ? old : null;
    }

    /**
     * Restores weights and optimiser state from {@code dir}; returns the trainer's JSON state and the best epoch's
     * parameters (the restored ones when the last epoch was the best; null before any epoch improved).
     */
    public static Restored load(Path dir, Module model, Optimizer optimizer) throws IOException {
        JsonNode state = JsonLines.mapper().readTree(Files.readAllBytes(dir.resolve(STATE)));
        try {
            float[] best = null;
            Path bestFile = dir.resolve(BEST);
            if (Files.exists(bestFile)) {
                model.loadStateDict(SafeTensors.load(bestFile), false);
                best = model.arena().data().clone();
            }
            model.loadStateDict(SafeTensors.load(dir.resolve(WEIGHTS)));
            if (best == null && state.path("bestEpoch").asInt() > 0) {
                if (state.path("bestEpoch").asInt() != state.path("completedEpochs").asInt()) {
                    throw new IOException("checkpoint " + dir + " names epoch " + state.path("bestEpoch").asInt()
                            + " as the best but holds no " + BEST + "; it was not written by this grukit");
                }
                best = model.arena().data().clone();
            }
            Map<String, float[]> opt = new LinkedHashMap<>();
            SafeTensors.load(dir.resolve(OPTIMIZER)).forEach((k, v) -> opt.put(k, v.toArray()));
            optimizer.loadState(opt);
            return new Restored(state, best);
        } catch (IllegalArgumentException e) {
            throw new IOException("checkpoint " + dir + " does not fit this model and optimiser: " + e.getMessage(), e);
        }
    }

    /** The parameters of {@code arena}'s layout, taken from {@code values}, by name. */
    private static Map<String, Tensor> arenaTensors(ParameterArena arena, float[] values) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        arena.parameters().forEach((name, t) -> {
            int at = arena.offsetOf(name);
            out.put(name, Tensor.of(Arrays.copyOfRange(values, at, at + (int) t.numel()), t.shape()));
        });
        return out;
    }
}
