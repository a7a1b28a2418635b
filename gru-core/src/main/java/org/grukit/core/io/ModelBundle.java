package org.grukit.core.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.grukit.core.Version;
import org.grukit.core.nn.Module;

/**
 * A saved model: a directory holding {@code model.json} (format version, model type, architecture config, the
 * preprocessing the task needs to turn inputs into the model's and back, and provenance) and
 * {@code weights.safetensors} (float32, PyTorch state_dict names); files the preprocessing names (a BPE or
 * tokenizer model) sit beside them. Both files are written atomically, weights first; loading refuses unknown format
 * versions, unknown types, and weights that are missing, extra or mis-shaped, so a damaged bundle fails with a
 * message rather than giving a wrong model. The directory may be on any file system, a zip or jar one included.
 *
 * <p>Format 1 kept each task's preprocessing in files of its own beside model.json (text-pipeline.json,
 * speech.json, ...); such folders still load: {@link Folder#preprocessing} reads the old file instead.
 */
public final class ModelBundle {
    private ModelBundle() {}

    public static final int FORMAT_VERSION = 3;
    /** The oldest format this grukit still reads. */
    public static final int OLDEST_FORMAT_VERSION = 1;
    public static final String MODEL_JSON = "model.json";
    public static final String WEIGHTS = "weights.safetensors";

    /** Where a model came from: the seed, the data it was trained on, and free-form notes. */
    public record Provenance(Long seed, String data, Map<String, String> notes) {
        public static Provenance of(long seed, String data) {
            return new Provenance(seed, data, Map.of());
        }

        public static Provenance none() {
            return new Provenance(null, null, Map.of());
        }
    }

    /** Saves a registered model with no preprocessing. */
    public static <M extends Module & SavableModel> void save(Path dir, M model, Provenance provenance) throws IOException {
        save(dir, model, provenance, null);
    }

    /**
     * Saves a registered model, with {@code preprocessing} (any value Jackson writes: a record, a map; null for
     * none) under "preprocessing" in model.json, replacing any model in {@code dir} as a whole
     * ({@link FolderReplacement}).
     */
    public static <M extends Module & SavableModel> void save(Path dir, M model, Provenance provenance, Object preprocessing)
            throws IOException {
        FolderReplacement.replace(dir, folder -> write(folder, model, provenance, preprocessing));
    }

    /**
     * Writes a registered model's weights and model.json into {@code folder}, for a {@link FolderReplacement.Body}
     * that also writes other files of the model (tokenizers) beside them.
     */
    public static <M extends Module & SavableModel> void write(Path folder, M model, Provenance provenance, Object preprocessing)
            throws IOException {
        ModelTypes.lookup(model.modelType()); // refuse to write what could not be loaded back
        ObjectNode root = Json.object();
        root.put("formatVersion", FORMAT_VERSION);
        root.put("type", model.modelType());
        root.set("config", Json.tree(model.modelConfig()));
        if (preprocessing != null) root.set("preprocessing", Json.tree(preprocessing));
        ObjectNode prov = root.putObject("provenance");
        if (provenance.seed() != null) prov.put("seed", provenance.seed());
        if (provenance.data() != null) prov.put("data", provenance.data());
        prov.put("grukitVersion", Version.get());
        prov.put("created", Instant.now().toString());
        if (provenance.notes() != null && !provenance.notes().isEmpty()) prov.set("notes", Json.tree(provenance.notes()));
        ObjectNode weights = root.putObject("weights");
        weights.put("file", WEIGHTS);
        weights.put("parameters", model.parameterCount());
        Files.createDirectories(folder);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        SafeTensors.write(folder.resolve(WEIGHTS), model.stateDict(), meta);
        AtomicFiles.writeString(folder.resolve(MODEL_JSON), Json.pretty(root));
    }

    /**
     * Adds {@code entries} to the provenance in {@code dir}'s model.json (a trained model's settings, data digests,
     * per-epoch metrics), replacing entries of the same name; the file is rewritten atomically.
     */
    public static void recordProvenance(Path dir, Map<String, ?> entries) throws IOException {
        JsonNode root = readDescriptor(dir);
        ObjectNode prov = root.path("provenance").isObject() ? (ObjectNode) root.get("provenance")
                : ((ObjectNode) root).putObject("provenance");
        entries.forEach((k, v) -> prov.set(k, Json.tree(v)));
        FolderIntegrity.reseal((ObjectNode) root);
        AtomicFiles.writeString(dir.resolve(MODEL_JSON), Json.pretty(root));
    }

    /** Reads and checks model.json without building the model. */
    public static JsonNode readDescriptor(Path dir) throws IOException {
        Path file = dir.resolve(MODEL_JSON);
        JsonNode root;
        try {
            root = Json.parse(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new IOException(dir + " is not a grukit model: " + MODEL_JSON + " not found", e);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) throw new IOException(file + ": expected a JSON object");
        JsonNode v = root.get("formatVersion");
        if (v == null || !v.isInt()) throw new IOException(file + ": formatVersion is missing (expected an integer)");
        if (v.asInt() > FORMAT_VERSION) {
            throw new IOException(file + ": formatVersion " + v.asInt() + " was written by a newer grukit; grukit " + Version.get()
                    + " reads versions " + OLDEST_FORMAT_VERSION + " to " + FORMAT_VERSION + " (upgrade grukit to load it)");
        }
        if (v.asInt() < OLDEST_FORMAT_VERSION) {
            throw new IOException(file + ": formatVersion " + v.asInt() + " is older than grukit " + Version.get()
                    + " reads (" + OLDEST_FORMAT_VERSION + " to " + FORMAT_VERSION + "); retrain the model with this grukit");
        }
        if (!root.path("type").isTextual()) throw new IOException(file + ": type is missing");
        if (!root.path("config").isObject()) throw new IOException(file + ": config is missing");
        if (root.has("preprocessing") && !root.get("preprocessing").isObject()) {
            throw new IOException(file + ": preprocessing must be a JSON object, found " + root.get("preprocessing").getNodeType());
        }
        return root;
    }

    /**
     * Opens a model folder: its model.json read and checked, and every file checked against the digests it records
     * (unless {@link FolderIntegrity#SKIP_PROPERTY} is set), nothing built yet.
     */
    public static Folder open(Path dir) throws IOException {
        return open(dir, !FolderIntegrity.skipRequested());
    }

    /** {@link #open(Path)}, with the digests checked or not; a folder of format 1 or 2 has none to check. */
    public static Folder open(Path dir, boolean verify) throws IOException {
        JsonNode root = readDescriptor(dir);
        if (verify && (root.get("formatVersion").asInt() >= 3 || FolderIntegrity.sealed(root))) FolderIntegrity.verify(dir, root);
        return new Folder(dir, root);
    }

    /** A model folder as read: where it is and its checked model.json. */
    public record Folder(Path dir, JsonNode descriptor) {
        public int formatVersion() {
            return descriptor.get("formatVersion").asInt();
        }

        public String type() {
            return descriptor.get("type").asText();
        }

        /** This folder, if it holds a model of type {@code expected}; else an error naming what it holds. */
        public Folder expect(String expected) throws IOException {
            if (!type().equals(expected)) {
                throw new IOException(dir + " holds a '" + type() + "' model, not a '" + expected + "' one (grukit info " + dir + " says more)");
            }
            return this;
        }

        /**
         * The preprocessing entry {@code key} bound to {@code type}; in a format-1 folder, the file {@code legacyFile}
         * (relative to the folder) that held it then.
         */
        public <T> T preprocessing(String key, Class<T> type, String legacyFile) throws IOException {
            JsonNode node;
            String where;
            if (formatVersion() == 1) {
                Path p = dir.resolve(legacyFile);
                where = p.toString();
                try {
                    node = Json.parse(Files.readAllBytes(p));
                } catch (NoSuchFileException e) {
                    throw new IOException(dir + " is a grukit model of format 1 without its " + legacyFile
                            + "; the folder is incomplete (retrain the model with this grukit)", e);
                } catch (com.fasterxml.jackson.core.JacksonException e) {
                    throw new IOException(p + " is not valid JSON: " + e.getOriginalMessage(), e);
                }
            } else {
                node = descriptor.path("preprocessing").get(key);
                where = dir.resolve(MODEL_JSON) + ": preprocessing." + key;
                if (node == null || node.isNull()) throw new IOException(where + " is missing (a " + type() + " model needs it)");
            }
            try {
                T value = Json.bind(node, type);
                if (value == null) throw new IOException(where + " is empty");
                return value;
            } catch (com.fasterxml.jackson.core.JacksonException e) {
                throw new IOException(where + " does not fit a " + type() + " model: " + e.getOriginalMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new IOException(where + ": " + e.getMessage(), e);
            }
        }

        /** Builds the model from its registered type and config, then loads its weights. */
        public Module model() throws IOException {
            ModelTypes.Type<?> t;
            try {
                t = ModelTypes.lookup(type());
            } catch (IllegalArgumentException e) {
                throw new IOException(dir.resolve(MODEL_JSON) + ": " + e.getMessage(), e);
            }
            JsonNode named = descriptor.path("weights").path("file");
            String name = named.isMissingNode() ? WEIGHTS : named.isTextual() ? named.asText() : null;
            // A plain file name of this folder: model.json must not send the loader anywhere else.
            if (name == null || name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
                throw new IOException(dir.resolve(MODEL_JSON) + ": weights.file must name a file in the folder, found " + named);
            }
            Path weightsFile = dir.resolve(name);
            long fileBytes;
            try {
                fileBytes = Files.size(weightsFile);
            } catch (NoSuchFileException e) {
                throw new IOException(dir.resolve(MODEL_JSON) + " names the weights file " + name + ", which is missing", e);
            }
            Module model;
            // No parameter takes less than a byte of the weights file: a config needing more values than the file has
            // bytes (plus room for small buffers) lies about its sizes, and is refused before it allocates them.
            try (org.grukit.core.AllocationBudget b = org.grukit.core.AllocationBudget.open(fileBytes + (1 << 20),
                    "the model that " + dir.resolve(MODEL_JSON) + " describes")) {
                model = build(t, descriptor.get("config"), dir);
            }
            Map<String, org.grukit.core.Tensor> weights = renameStackedLayers(SafeTensors.load(weightsFile), model.stateDict().keySet());
            requireFinite(weightsFile, weights);
            try {
                model.loadStateDict(weights);
            } catch (IllegalArgumentException e) {
                throw new IOException(weightsFile + " does not fit the model " + dir.resolve(MODEL_JSON) + " describes: " + e.getMessage(), e);
            }
            model.eval();
            return model;
        }

        /** Builds a value from what was read. */
        @FunctionalInterface
        public interface Assembly<T> {
            T build() throws IOException;
        }

        /**
         * Builds the task's model from the parts read (a pipeline, labels, the network): a mismatch between them (a
         * vocabulary of another size than the network's) is reported as model.json's, where it came from.
         */
        public <T> T assemble(Assembly<T> parts) throws IOException {
            try {
                return parts.build();
            } catch (IllegalArgumentException e) {
                throw new IOException(dir.resolve(MODEL_JSON) + ": " + e.getMessage(), e);
            }
        }

        /** The model, checked to be of the expected class. */
        public <M extends Module> M model(Class<M> expected) throws IOException {
            Module m = model();
            if (!expected.isInstance(m)) {
                throw new IOException(dir + " holds a model of type '" + type() + "', not a " + expected.getSimpleName());
            }
            return expected.cast(m);
        }
    }

    /** Loads a bundle, building the model from its registered type and config, then loading its weights. */
    public static Module load(Path dir) throws IOException {
        return open(dir).model();
    }

    /** Loads a bundle and checks it holds the expected class of model. */
    public static <M extends Module> M load(Path dir, Class<M> expected) throws IOException {
        return open(dir).model(expected);
    }

    /** A NaN or an infinity in a saved weight means a damaged file or a diverged run: refused, naming the tensor. */
    static void requireFinite(Path file, Map<String, org.grukit.core.Tensor> weights) throws IOException {
        for (Map.Entry<String, org.grukit.core.Tensor> e : weights.entrySet()) {
            float[] v = e.getValue().toArray();
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    throw new IOException(file + ": tensor '" + e.getKey() + "' holds " + v[i] + " at element " + i
                            + "; a model must have finite weights (the file is damaged, or training diverged)");
                }
            }
        }
    }

    private static final java.util.regex.Pattern STACKED = java.util.regex.Pattern.compile(
            "(.*)\\.layers\\.(\\d+)\\.(weight|bias)_(ih|hh)_l0(_reverse)?");

    /**
     * Task models once held plain GRU layers as a stack of one-layer GRUs ({@code encoder.layers.1.weight_ih_l0});
     * they now hold one multi-layer GRU with torch.nn.GRU's names ({@code encoder.weight_ih_l1}). A saved name the
     * model does not have is renamed so when the model has the new one, so folders saved before still load.
     */
    static Map<String, org.grukit.core.Tensor> renameStackedLayers(Map<String, org.grukit.core.Tensor> weights,
                                                                  java.util.Set<String> expected) {
        Map<String, org.grukit.core.Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, org.grukit.core.Tensor> e : weights.entrySet()) {
            String name = e.getKey();
            java.util.regex.Matcher m = STACKED.matcher(name);
            if (!expected.contains(name) && m.matches()) {
                String renamed = m.group(1) + "." + m.group(3) + "_" + m.group(4) + "_l" + m.group(2) + (m.group(5) == null ? "" : m.group(5));
                if (expected.contains(renamed) && !weights.containsKey(renamed)) name = renamed;
            }
            out.put(name, e.getValue());
        }
        return out;
    }

    private static <C> Module build(ModelTypes.Type<C> type, JsonNode config, Path dir) throws IOException {
        C cfg;
        try {
            cfg = Json.bind(config, type.configClass());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(dir.resolve(MODEL_JSON) + ": config does not fit model type " + type.name() + ": "
                    + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IOException(dir.resolve(MODEL_JSON) + ": invalid config: " + e.getMessage(), e);
        }
        try {
            return type.factory().apply(cfg);
        } catch (IllegalArgumentException e) {
            throw new IOException(dir.resolve(MODEL_JSON) + ": invalid config: " + e.getMessage(), e);
        }
    }
}
