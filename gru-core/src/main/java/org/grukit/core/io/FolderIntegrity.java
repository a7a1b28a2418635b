package org.grukit.core.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The digests that make a model folder tamper-evident: model.json records the SHA-256 of every file of the model
 * (weights, tokenizer files) and of its own content, so swapped tensors, an edited label or vocabulary, or a changed
 * cell type are refused at load naming the file, where they would otherwise load and answer wrongly. Files the model
 * does not consist of (checkpoints, metrics, pictures) are not recorded and may change.
 */
public final class FolderIntegrity {
    private FolderIntegrity() {}

    /** The member of model.json holding the digests. */
    public static final String KEY = "integrity";
    /** Set to {@code true} to load folders whose files no longer match their digests (someone edited them on purpose). */
    public static final String SKIP_PROPERTY = "grukit.skipIntegrityCheck";
    private static final String ALGORITHM = "SHA-256";

    /**
     * Records in {@code root} (model.json's content, written into {@code folder}) the digest of every regular file
     * of {@code folder} but model.json (relative names with '/'), then the digest of {@code root} itself.
     */
    public static void seal(Path folder, ObjectNode root) throws IOException {
        TreeMap<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                String name = folder.relativize(p).toString().replace(folder.getFileSystem().getSeparator(), "/");
                if (name.equals(ModelBundle.MODEL_JSON)) continue;
                files.put(name, digest(p));
            }
        }
        root.remove(KEY);
        ObjectNode integrity = Json.object();
        integrity.put("algorithm", ALGORITHM);
        integrity.set("files", Json.tree(files));
        integrity.put("descriptor", descriptorDigest(root));
        root.set(KEY, integrity);
    }

    /** Records a new digest of {@code root}'s own content after an edit by grukit (provenance added), files unchanged. */
    public static void reseal(ObjectNode root) {
        JsonNode integrity = root.get(KEY);
        if (!(integrity instanceof ObjectNode o)) return; // an older folder without digests stays without
        root.remove(KEY);
        o.put("descriptor", descriptorDigest(root));
        root.set(KEY, o);
    }

    /** The files model.json names as the model's own (and model.json itself); empty for a folder without digests. */
    public static Set<String> modelFiles(JsonNode root) {
        Set<String> out = new LinkedHashSet<>();
        out.add(ModelBundle.MODEL_JSON);
        root.path(KEY).path("files").fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** True when {@code root} records digests. */
    public static boolean sealed(JsonNode root) {
        return root.path(KEY).isObject();
    }

    /** True when {@link #SKIP_PROPERTY} asks to load edited folders. */
    public static boolean skipRequested() {
        return Boolean.getBoolean(SKIP_PROPERTY);
    }

    /**
     * Checks the folder against the digests its model.json records; an IOException names the first file (or
     * model.json) that changed, is missing, or the record that is malformed.
     */
    public static void verify(Path dir, JsonNode root) throws IOException {
        Path json = dir.resolve(ModelBundle.MODEL_JSON);
        JsonNode integrity = root.get(KEY);
        if (integrity == null || !integrity.isObject()) {
            throw new IOException(json + ": '" + KEY + "' is missing; a folder of format " + ModelBundle.FORMAT_VERSION
                    + " records the digest of every file (" + hint() + ")");
        }
        if (!ALGORITHM.equals(integrity.path("algorithm").asText(null)) || !integrity.path("files").isObject()
                || !integrity.path("descriptor").isTextual()) {
            throw new IOException(json + ": '" + KEY + "' must hold algorithm \"" + ALGORITHM + "\", files and descriptor; found " + integrity);
        }
        ObjectNode content = ((ObjectNode) root).deepCopy();
        content.remove(KEY);
        if (!descriptorDigest(content).equals(integrity.get("descriptor").asText())) {
            throw new IOException(json + " was edited after the model was saved: its content no longer matches the digest"
                    + " recorded in it (" + hint() + ")");
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) integrity.get("files")::fields) {
            String name = e.getKey();
            if (!e.getValue().isTextual() || name.startsWith("/") || name.contains("..")) {
                throw new IOException(json + ": '" + KEY + ".files' holds a bad entry " + name + ": " + e.getValue());
            }
            Path file = dir.resolve(name);
            String found;
            try {
                found = digest(file);
            } catch (NoSuchFileException ex) {
                throw new IOException(file + " is missing: the model in " + dir + " was saved with it");
            }
            if (!found.equals(e.getValue().asText())) problems.add(name);
        }
        if (!problems.isEmpty()) {
            throw new IOException(dir.resolve(problems.get(0)) + " was changed after the model was saved: its SHA-256 no longer"
                    + " matches the one recorded in " + ModelBundle.MODEL_JSON + (problems.size() > 1 ? " (also " + problems.subList(1, problems.size()) + ")" : "")
                    + " (" + hint() + ")");
        }
    }

    private static String hint() {
        return "save the model again, or load it with -D" + SKIP_PROPERTY + "=true (grukit --skip-integrity-check) to accept edits made on purpose";
    }

    /** The digest of model.json's content without its integrity member, as parsed: key order kept, white space not. */
    static String descriptorDigest(ObjectNode withoutIntegrity) {
        try {
            JsonNode reparsed = Json.parse(Json.pretty(withoutIntegrity).getBytes(StandardCharsets.UTF_8));
            return hex(sha256().digest(Json.compact(reparsed).getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalStateException("model.json content does not read back: " + e.getMessage(), e);
        }
    }

    static String digest(Path file) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return hex(md.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance(ALGORITHM);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no " + ALGORITHM, e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
