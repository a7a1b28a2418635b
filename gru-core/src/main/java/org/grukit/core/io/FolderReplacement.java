package org.grukit.core.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Replaces the model in a folder as a whole or not at all. The new model is written into a folder beside it
 * ({@code .NAME.new-RANDOM}) and sealed with its digests; the entries of the old folder that are not part of the old
 * model (checkpoints, metrics, pictures) are moved into the new one; then two renames put the new folder in the old
 * one's place. A full disk or a kill before the second rename leaves the old model as it was (the next save or
 * training run in that folder moves back what was carried over and deletes the partial folder); after it, the new
 * model is whole.
 */
public final class FolderReplacement {
    private FolderReplacement() {}

    /** What writes a model's files into the (empty, new) folder it is given; model.json among them. */
    @FunctionalInterface
    public interface Body {
        void write(Path folder) throws IOException;
    }

    /** Writes a model with {@code body} and puts it in {@code dir}'s place; see the class comment. */
    public static void replace(Path dir, Body body) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        Path parent = target.getParent();
        if (parent == null) throw new IOException("cannot save a model as the root of a file system: " + dir);
        if (Files.exists(target) && !Files.isDirectory(target)) throw new IOException(dir + " is a file, not a model folder");
        Files.createDirectories(parent);
        recover(target);
        String name = target.getFileName().toString();
        Path staging = Files.createTempDirectory(parent, "." + name + ".new-");
        boolean committed = false;
        try {
            try {
                body.write(staging);
                seal(staging);
            } catch (IOException e) {
                throw new IOException("cannot save the model into " + dir + " (nothing in it was changed): " + e.getMessage(), e);
            }
            if (!Files.exists(target)) {
                move(staging, target);
                committed = true;
                return;
            }
            Set<String> oldModel = oldModelFiles(target);
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(target)) {
                for (Path e : entries) {
                    String n = e.getFileName().toString();
                    if (oldModel.contains(n) || Files.exists(staging.resolve(n))) continue;
                    move(e, staging.resolve(n)); // carried over: checkpoints, metrics, pictures
                }
            }
            Path old = Files.createTempDirectory(parent, "." + name + ".old-");
            Files.delete(old);
            move(target, old);
            move(staging, target); // the commit
            committed = true;
            AtomicFiles.deleteTree(old);
        } catch (IOException | RuntimeException e) {
            if (!committed) {
                try {
                    rollBack(staging, target);
                } catch (IOException | RuntimeException again) {
                    e.addSuppressed(again);
                }
            }
            throw e;
        }
    }

    /**
     * Finishes what an interrupted {@link #replace} left beside {@code dir}: entries carried into a new folder that was
     * never put in place go back, the partial folder is deleted; an old folder whose replacement was put in place is
     * deleted; if the kill fell between the two renames, the new folder (sealed, whole) is put in place.
     */
    public static void recover(Path dir) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        Path parent = target.getParent();
        if (parent == null || !Files.isDirectory(parent)) return;
        String name = target.getFileName().toString();
        List<Path> news = new ArrayList<>(), olds = new ArrayList<>();
        try (DirectoryStream<Path> siblings = Files.newDirectoryStream(parent, "." + glob(name) + ".{new,old}-*")) {
            for (Path p : siblings) (p.getFileName().toString().startsWith("." + name + ".new-") ? news : olds).add(p);
        }
        if (!Files.exists(target)) {
            for (Path p : news) {
                if (complete(p)) {
                    move(p, target);
                    news.remove(p);
                    break;
                }
            }
            if (!Files.exists(target) && !olds.isEmpty()) {
                move(olds.get(0), target);
                olds.remove(0);
            }
        }
        for (Path p : news) rollBack(p, target);
        for (Path p : olds) AtomicFiles.deleteTree(p);
    }

    /** Marks the written folder complete: model.json gets the digests of every file beside it. */
    private static void seal(Path folder) throws IOException {
        Path json = folder.resolve(ModelBundle.MODEL_JSON);
        if (!Files.isRegularFile(json)) throw new IOException("the model's writer wrote no " + ModelBundle.MODEL_JSON);
        JsonNode root = Json.parse(Files.readAllBytes(json));
        if (!(root instanceof ObjectNode o)) throw new IOException(json + ": expected a JSON object");
        FolderIntegrity.seal(folder, o);
        AtomicFiles.writeString(json, Json.pretty(o));
    }

    private static boolean complete(Path folder) {
        JsonNode root = modelJson(folder);
        try {
            if (root == null) return false;
            FolderIntegrity.verify(folder, root);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The names of the entries that make up the model in {@code dir}: model.json and the files it records. */
    private static Set<String> oldModelFiles(Path dir) {
        JsonNode root = modelJson(dir);
        // No readable model: every other entry is kept.
        return root == null ? Set.of(ModelBundle.MODEL_JSON) : topLevel(FolderIntegrity.modelFiles(root));
    }

    /** {@code folder}'s model.json as read, or null when it is missing or unreadable (a save killed midway). */
    private static JsonNode modelJson(Path folder) {
        try {
            return Json.parse(Files.readAllBytes(folder.resolve(ModelBundle.MODEL_JSON)));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Moves what {@link #replace} carried into {@code staging} back to {@code target}, then deletes {@code staging}. */
    private static void rollBack(Path staging, Path target) throws IOException {
        if (!Files.isDirectory(staging)) return;
        JsonNode root = modelJson(staging); // none: the writer had not finished, and nothing is carried in before sealing
        if (Files.isDirectory(target) && root != null && FolderIntegrity.sealed(root)) {
            Set<String> mine = topLevel(FolderIntegrity.modelFiles(root));
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(staging)) {
                for (Path e : entries) {
                    String n = e.getFileName().toString();
                    if (!mine.contains(n) && !Files.exists(target.resolve(n))) move(e, target.resolve(n));
                }
            }
        }
        AtomicFiles.deleteTree(staging);
    }

    private static Set<String> topLevel(Set<String> files) {
        Set<String> top = new java.util.HashSet<>();
        for (String f : files) top.add(f.contains("/") ? f.substring(0, f.indexOf('/')) : f);
        return top;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    private static String glob(String name) {
        return name.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1");
    }
}
