package org.grukit.core.io;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
 * A saved model: a directory holding {@code model.json} (format version, model type, config, provenance)
 * and {@code weights.safetensors} (float32, PyTorch state_dict names). Both files are written atomically;
 * loading refuses unknown format versions, unknown types, and weights that are missing, extra or
 * mis-shaped, so a damaged bundle fails with a message rather than giving a wrong model.
 */
public final class ModelBundle {
    private ModelBundle() {}

    public static final int FORMAT_VERSION = 1;
    public static final String MODEL_JSON = "model.json";
    public static final String WEIGHTS = "weights.safetensors";

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Where a model came from: the seed, the data it was trained on, and free-form notes. */
    public record Provenance(Long seed, String data, Map<String, String> notes) {
        public static Provenance of(long seed, String data) {
            return new Provenance(seed, data, Map.of());
        }

        public static Provenance none() {
            return new Provenance(null, null, Map.of());
        }
    }

    public static ObjectMapper json() {
        return JSON;
    }

    /** Saves a registered model. */
    public static <M extends Module & SavableModel> void save(Path dir, M model, Provenance provenance) throws IOException {
        ModelTypes.lookup(model.modelType()); // refuse to write what could not be loaded back
        ObjectNode root = JSON.createObjectNode();
        root.put("formatVersion", FORMAT_VERSION);
        root.put("type", model.modelType());
        root.set("config", JSON.valueToTree(model.modelConfig()));
        ObjectNode prov = root.putObject("provenance");
        if (provenance.seed() != null) prov.put("seed", provenance.seed());
        if (provenance.data() != null) prov.put("data", provenance.data());
        prov.put("grukitVersion", Version.get());
        prov.put("created", Instant.now().toString());
        if (provenance.notes() != null && !provenance.notes().isEmpty()) prov.set("notes", JSON.valueToTree(provenance.notes()));
        ObjectNode weights = root.putObject("weights");
        weights.put("file", WEIGHTS);
        weights.put("parameters", model.parameterCount());
        Files.createDirectories(dir);
        // Weights first, then the descriptor: a bundle with a model.json is always complete.
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        SafeTensors.write(dir.resolve(WEIGHTS), model.stateDict(), meta);
        AtomicFiles.writeString(dir.resolve(MODEL_JSON), JSON.writeValueAsString(root) + "\n");
    }

    /**
     * Adds {@code entries} to the provenance in {@code dir}'s model.json (a trained model's settings, data digests,
     * per-epoch metrics), replacing entries of the same name; the file is rewritten atomically.
     */
    public static void recordProvenance(Path dir, Map<String, ?> entries) throws IOException {
        JsonNode root = readDescriptor(dir);
        ObjectNode prov = root.path("provenance").isObject() ? (ObjectNode) root.get("provenance")
                : ((ObjectNode) root).putObject("provenance");
        entries.forEach((k, v) -> prov.set(k, JSON.valueToTree(v)));
        AtomicFiles.writeString(dir.resolve(MODEL_JSON), JSON.writeValueAsString(root) + "\n");
    }

    /** Reads and checks model.json without building the model. */
    public static JsonNode readDescriptor(Path dir) throws IOException {
        Path file = dir.resolve(MODEL_JSON);
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new IOException(dir + " is not a grukit model: " + MODEL_JSON + " not found", e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) throw new IOException(file + ": expected a JSON object");
        JsonNode v = root.get("formatVersion");
        if (v == null || !v.canConvertToInt()) throw new IOException(file + ": formatVersion is missing");
        if (v.asInt() != FORMAT_VERSION) {
            throw new IOException(file + ": formatVersion " + v.asInt() + " is not supported by grukit " + Version.get()
                    + " (it reads version " + FORMAT_VERSION + ")");
        }
        if (!root.path("type").isTextual()) throw new IOException(file + ": type is missing");
        if (!root.path("config").isObject()) throw new IOException(file + ": config is missing");
        return root;
    }

    /** Loads a bundle, building the model from its registered type and config, then loading its weights. */
    public static Module load(Path dir) throws IOException {
        JsonNode root = readDescriptor(dir);
        ModelTypes.Type<?> type;
        try {
            type = ModelTypes.lookup(root.get("type").asText());
        } catch (IllegalArgumentException e) {
            throw new IOException(dir.resolve(MODEL_JSON) + ": " + e.getMessage(), e);
        }
        Module model = build(type, root.get("config"), dir);
        Map<String, org.grukit.core.Tensor> weights = SafeTensors.load(dir.resolve(root.path("weights").path("file")
                .asText(WEIGHTS)));
        try {
            model.loadStateDict(weights);
        } catch (IllegalArgumentException e) {
            throw new IOException(dir.resolve(WEIGHTS) + ": " + e.getMessage(), e);
        }
        model.eval();
        return model;
    }

    /** Loads a bundle and checks it holds the expected class of model. */
    public static <M extends Module> M load(Path dir, Class<M> expected) throws IOException {
        Module m = load(dir);
        if (!expected.isInstance(m)) {
            throw new IOException(dir + " holds a model of type '" + readDescriptor(dir).get("type").asText()
                    + "', not a " + expected.getSimpleName());
        }
        return expected.cast(m);
    }

    private static <C> Module build(ModelTypes.Type<C> type, JsonNode config, Path dir) throws IOException {
        C cfg;
        try {
            cfg = JSON.treeToValue(config, type.configClass());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
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
