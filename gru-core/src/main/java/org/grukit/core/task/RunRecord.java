package org.grukit.core.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.grukit.core.io.AtomicFiles;
import org.grukit.core.io.FolderIntegrity;
import org.grukit.core.io.ModelBundle;

/**
 * What identifies a training run, kept in its model folder ({@value #FILE}): the task, the settings and the
 * data digests. A run that would train into a non-empty folder is refused unless it resumes this very run
 * (same task, settings and data; only the number of epochs and the patience may change) or overwrites a
 * grukit model folder, so a rerun can never report another run's figures or mix its files with them.
 */
final class RunRecord {
    static final String FILE = "run.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Settings a resumed run may change: it may train longer, or stop differently. */
    private static final List<String> MAY_CHANGE = List.of("/settings/training/epochs", "/settings/training/patience");

    private RunRecord() {}

    /** The record of a run of {@code task} with {@code settings} on data of these SHA-256 digests. */
    static ObjectNode of(Task<?, ?, ?, ?, ?> task, TaskSettings settings, String trainSha256, String devSha256)
            throws IOException {
        ObjectNode r = JSON.createObjectNode();
        r.put("task", task.name());
        r.set("settings", JSON.valueToTree(settings));
        ObjectNode data = r.putObject("data");
        data.put("train", trainSha256);
        data.put("dev", devSha256);
        // As it will be read back: a float field becomes a double on reading, and must compare equal then.
        return (ObjectNode) JSON.readTree(JSON.writeValueAsString(r));
    }

    /** What a run does with its folder, decided before anything is written. */
    enum Plan { FRESH, RESUME, REPLACE }

    /**
     * Decides, without writing anything, what the run {@code record} describes may do with {@code dir}: refuses a
     * non-empty folder unless resuming this very run or replacing a grukit model folder.
     */
    static Plan check(Path dir, Tasks.Existing existing, ObjectNode record) throws IOException {
        if (!Files.exists(dir) || isEmptyDirectory(dir)) return Plan.FRESH;
        return switch (existing) {
            case REFUSE -> throw new IllegalArgumentException("the model folder " + dir + " is not empty; continue its"
                    + " run with --resume, or replace it with --overwrite (Tasks.Existing.RESUME or OVERWRITE)");
            case OVERWRITE -> {
                requireModelFolder(dir);
                yield Plan.REPLACE;
            }
            case RESUME -> {
                List<String> differences = differences(read(dir), record);
                if (!differences.isEmpty()) {
                    throw new IllegalArgumentException("cannot resume the run in " + dir + ": " + String.join("; ",
                            differences) + "; train into another folder, or replace this one with --overwrite");
                }
                yield Plan.RESUME;
            }
        };
    }

    /**
     * Carries out {@code plan} once the run is ready to train (its data read, its model built), so a run that
     * fails before then leaves the folder as it was: the old model replaced only now, the record written.
     */
    static void commit(Path dir, Plan plan, ObjectNode record) throws IOException {
        if (plan == Plan.REPLACE) deleteModelFolder(dir);
        Files.createDirectories(dir);
        AtomicFiles.writeString(dir.resolve(FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(record) + "\n");
    }

    /** {@link #check} and {@link #commit} at once; true when the run continues from the folder's checkpoints. */
    static boolean prepareFolder(Path dir, Tasks.Existing existing, ObjectNode record) throws IOException {
        Plan plan = check(dir, existing, record);
        commit(dir, plan, record);
        return plan == Plan.RESUME;
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("the model folder " + dir + " is a file, not a folder");
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static JsonNode read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("cannot resume in " + dir + ": it holds no run record (" + FILE + "; a folder"
                    + " from an older grukit, or not a model folder); replace it with --overwrite");
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + " is not a readable run record: " + e.getMessage(), e);
        }
    }

    /** Each difference between the recorded run and this one, named by its path ("settings/lr: 0.001 then, 0.01 now"). */
    static List<String> differences(JsonNode then, JsonNode now) {
        List<String> out = new ArrayList<>();
        compare("", then, now, out);
        return out;
    }

    private static void compare(String path, JsonNode then, JsonNode now, List<String> out) {
        if (MAY_CHANGE.contains(path)) return;
        if (then != null && now != null && then.isObject() && now.isObject()) {
            List<String> names = new ArrayList<>();
            then.fieldNames().forEachRemaining(names::add);
            for (Iterator<String> it = now.fieldNames(); it.hasNext(); ) {
                String n = it.next();
                if (!names.contains(n)) names.add(n);
            }
            for (String n : names) compare(path + "/" + n, then.get(n), now.get(n), out);
            return;
        }
        if (then == null || now == null || !then.equals(now)) {
            String what = path.startsWith("/data/") ? "the " + path.substring(6) + " data differ (SHA-256 "
                    + shortText(then) + " then, " + shortText(now) + " now)" : path.substring(1) + ": " + text(then)
                    + " then, " + text(now) + " now";
            out.add(what);
        }
    }

    private static String text(JsonNode n) {
        return n == null ? "absent" : n.toString();
    }

    private static String shortText(JsonNode n) {
        return n == null ? "absent" : n.asText().substring(0, Math.min(12, n.asText().length()));
    }

    /** A folder that holds no grukit model is refused, never emptied. */
    private static void requireModelFolder(Path dir) {
        if (!Files.exists(dir.resolve(FILE)) && !Files.exists(dir.resolve(ModelBundle.MODEL_JSON))
                && !Files.exists(dir.resolve("checkpoints"))) {
            throw new IllegalArgumentException("will not overwrite " + dir + ": it holds files but no grukit model"
                    + " (no " + FILE + ", " + ModelBundle.MODEL_JSON + " or checkpoints); choose an empty folder");
        }
    }

    /**
     * Clears a grukit model folder for a new run: its checkpoints, run record, metrics and pictures go, but a model
     * whose model.json records its files stays until the new run's first save replaces it as a whole, so a run
     * killed before then leaves the old model loadable (an older folder without that record is emptied).
     */
    private static void deleteModelFolder(Path dir) throws IOException {
        requireModelFolder(dir);
        java.util.Set<String> keep = java.util.Set.of();
        try {
            JsonNode root = ModelBundle.readDescriptor(dir);
            if (FolderIntegrity.sealed(root)) keep = FolderIntegrity.modelFiles(root);
        } catch (IOException | RuntimeException e) {
            // No readable model: nothing to keep.
        }
        try (Stream<Path> top = Files.list(dir)) {
            for (Path p : top.toList()) {
                if (!keep.contains(p.getFileName().toString())) AtomicFiles.deleteTree(p);
            }
        }
    }
}
