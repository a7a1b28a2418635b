package org.grukit.core.task;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.grukit.core.Tensor;

/**
 * What a worker of a distributed run needs to prepare the very training the driver prepared: the task's name, its
 * settings and its training and dev data, packed as gzipped JSON (any task whose settings and data are plain records,
 * lists and arrays travels without code of its own). Preparing is deterministic from the settings' seed, so every worker
 * fits the same vocabulary and builds the same network; the weights themselves travel with each epoch.
 *
 * <p>{@link #of} unpacks what it packed and refuses data that does not come back the same, so a type JSON cannot carry
 * fails on the driver, before any worker starts.
 */
public record TrainingRecipe(String task, boolean refit, byte[] packed, String sha256) implements Serializable {
    public TrainingRecipe {
        packed = packed.clone();
    }

    @Override
    public byte[] packed() {
        return packed.clone();
    }

    // Derived properties a record's getters add ("identity" of isIdentity()) are skipped when read back; the round trip
    // check of {@link #of} is what proves nothing was lost.
    private static final ObjectMapper JSON = Tasks.dataMapper().copy()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .registerModule(new SimpleModule("grukit-data-read")
                    .addDeserializer(LocalDateTime.class, parsed(LocalDateTime.class, LocalDateTime::parse))
                    .addDeserializer(LocalDate.class, parsed(LocalDate.class, LocalDate::parse))
                    .addDeserializer(Instant.class, parsed(Instant.class, Instant::parse))
                    .addDeserializer(Tensor.class, new StdDeserializer<>(Tensor.class) {
                        @Override
                        public Tensor deserialize(JsonParser p, DeserializationContext c) throws IOException {
                            JsonNode n = p.getCodec().readTree(p);
                            int[] shape = p.getCodec().treeToValue(n.get("shape"), int[].class);
                            float[] values = p.getCodec().treeToValue(n.get("values"), float[].class);
                            return Tensor.of(values, shape);
                        }
                    }));

    private static <T> StdDeserializer<T> parsed(Class<T> type, Function<String, T> parse) {
        return new StdDeserializer<>(type) {
            @Override
            public T deserialize(JsonParser p, DeserializationContext c) throws IOException {
                return parse.apply(p.getValueAsString());
            }
        };
    }

    /** What {@link #unpack} gives back: the task and its settings and data, as the driver had them. */
    public record Unpacked(Task<?, ?, ?, ?, ?> task, TaskSettings settings, Object train, Object dev) {
        /** Prepares the training the driver prepared (its refit, when the recipe is a refit's). */
        @SuppressWarnings({"unchecked", "rawtypes"})
        public Task.Training<?> prepare(boolean refit) throws IOException {
            Task.Training<?> t = ((Task) task).prepare(settings, train, dev);
            if (!refit) return t;
            Task.Training<?> again = t.refit();
            if (again == null) throw new IllegalStateException("task " + task.name() + " has no refit");
            return again;
        }
    }

    /** Packs a run of {@code task}; checks that the settings and data come back from JSON as they went in. */
    public static <S extends TaskSettings, D> TrainingRecipe of(Task<S, D, ?, ?, ?> task, S settings, D train, D dev, boolean refit) {
        ObjectNode root = JSON.createObjectNode();
        root.put("task", task.name());
        root.set("settings", JSON.valueToTree(settings));
        root.set("train", JSON.valueToTree(train));
        if (dev != train) root.set("dev", JSON.valueToTree(dev)); // often one value (a series and its split)
        byte[] packed;
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
                JSON.writeValue(gz, root);
            }
            packed = bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pack the " + task.name() + " run for the workers: " + e.getMessage(), e);
        }
        TrainingRecipe recipe = new TrainingRecipe(task.name(), refit, packed, sha256(packed));
        Unpacked back = recipe.unpack();
        // Compared as trees with those just packed: each dataset is turned into JSON once more, not twice.
        Object[][] parts = {{"settings", back.settings()}, {"train", back.train()}, {"dev", back.dev()}};
        for (Object[] part : parts) {
            JsonNode packedTree = root.has((String) part[0]) ? root.get((String) part[0]) : root.get("train");
            if (!packedTree.equals(JSON.valueToTree(part[1]))) {
                throw new IllegalArgumentException("the " + task.name() + " task's " + part[0] + " do not come back the same from JSON, so workers"
                        + " could not prepare the driver's training; its types need to be plain records, lists and arrays");
            }
        }
        return recipe;
    }

    /** The task, settings and data, read back. */
    public Unpacked unpack() {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(packed))) {
            JsonNode root = JSON.readTree(in);
            Task<?, ?, ?, ?, ?> t = Tasks.named(root.get("task").asText());
            JavaType[] types = JSON.getTypeFactory().constructType(t.getClass()).findTypeParameters(Task.class);
            TaskSettings settings = JSON.convertValue(root.get("settings"), types[0]);
            Object train = JSON.convertValue(root.get("train"), types[1]);
            Object dev = root.has("dev") ? JSON.convertValue(root.get("dev"), types[1]) : train;
            return new Unpacked(t, settings, train, dev);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the " + task + " run: " + e.getMessage(), e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingRecipe r && r.sha256.equals(sha256) && r.refit == refit && Arrays.equals(r.packed, packed);
    }

    @Override
    public int hashCode() {
        return sha256.hashCode();
    }

    @Override
    public String toString() {
        return "TrainingRecipe[" + task + (refit ? ", refit" : "") + ", " + packed.length + " bytes, sha256 " + sha256.substring(0, 12) + "]";
    }
}
