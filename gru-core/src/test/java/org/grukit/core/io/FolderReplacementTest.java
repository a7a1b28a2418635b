package org.grukit.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.grukit.core.Rng;
import org.grukit.core.nn.Gru;
import org.grukit.core.nn.GruConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model folder is replaced as a whole or not at all: a full disk, a writer that fails, or a kill at any point of
 * the swap leaves the old model loadable and the folder's other entries (checkpoints, metrics) in place.
 */
class FolderReplacementTest {
    @TempDir
    Path tmp;

    private static Gru gru(int hidden, long seed) {
        return new Gru(GruConfig.of(4, hidden), new Rng(seed));
    }

    private static List<String> siblings(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir.getParent())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
        }
    }

    @Test
    void savingOverAModelReplacesItAndKeepsTheFolder_sOtherEntries() throws IOException {
        Path dir = tmp.resolve("m");
        ModelBundle.save(dir, gru(8, 1), ModelBundle.Provenance.none());
        Files.createDirectories(dir.resolve("checkpoints/last"));
        Files.writeString(dir.resolve("checkpoints/last/trainer.json"), "{}");
        Files.writeString(dir.resolve("metrics.jsonl"), "{}\n");
        Gru second = gru(16, 2);
        ModelBundle.save(dir, second, ModelBundle.Provenance.none());
        assertArrayEquals(second.arena().data(), ModelBundle.load(dir, Gru.class).arena().data(), 0f);
        assertTrue(Files.exists(dir.resolve("checkpoints/last/trainer.json")) && Files.exists(dir.resolve("metrics.jsonl")),
                "checkpoints and metrics are carried into the new folder");
        assertEquals(List.of(), siblings(dir), "no staging or old folder is left beside it");
    }

    /** A file system of 256 KiB: the first model fits, the second (about 1.6 MB of weights) does not. */
    @Test
    void aFullDiskLeavesTheOldModelAsItWasAndNamesTheFolder() throws IOException {
        try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix().toBuilder().setMaxSize(256 * 1024).build())) {
            Path dir = fs.getPath("/models/m");
            Gru first = gru(8, 1);
            ModelBundle.save(dir, first, ModelBundle.Provenance.none());
            Files.writeString(dir.resolve("metrics.jsonl"), "{\"epoch\":1}\n");
            IOException e = assertThrows(IOException.class, () -> ModelBundle.save(dir, gru(256, 2), ModelBundle.Provenance.none()));
            assertTrue(e.getMessage().contains("/models/m") && e.getMessage().contains("nothing in it was changed"), e.getMessage());
            assertArrayEquals(first.arena().data(), ModelBundle.load(dir, Gru.class).arena().data(), 0f, "the old model survives");
            assertEquals("{\"epoch\":1}\n", Files.readString(dir.resolve("metrics.jsonl")));
            assertEquals(List.of(), siblings(dir), "the partial folder is deleted");
            // With room again, the same save succeeds.
            Gru small = gru(12, 3);
            ModelBundle.save(dir, small, ModelBundle.Provenance.none());
            assertArrayEquals(small.arena().data(), ModelBundle.load(dir, Gru.class).arena().data(), 0f);
        }
    }

    @Test
    void aWriterThatFailsHalfwayChangesNothing() throws IOException {
        Path dir = tmp.resolve("m");
        Gru first = gru(8, 1);
        ModelBundle.save(dir, first, ModelBundle.Provenance.none());
        IOException e = assertThrows(IOException.class, () -> FolderReplacement.replace(dir, d -> {
            Files.writeString(d.resolve("source.bpe.json"), "{}");
            throw new IOException("the tokenizer could not be written");
        }));
        assertTrue(e.getMessage().contains("the tokenizer could not be written"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("source.bpe.json")));
        assertArrayEquals(first.arena().data(), ModelBundle.load(dir, Gru.class).arena().data(), 0f);
        assertEquals(List.of(), siblings(dir));
    }

    /** The states a kill can leave, built by hand, and what the next save or training run makes of them. */
    @Test
    void whatAKillLeftIsRecoveredAtTheNextSave() throws IOException {
        Path dir = tmp.resolve("m");
        Gru first = gru(8, 1), second = gru(8, 2);
        // Killed after the checkpoints were carried into the sealed new folder, before the swap: the old model stays,
        // the checkpoints go back.
        ModelBundle.save(dir, first, ModelBundle.Provenance.none());
        Path staging = tmp.resolve(".m.new-123");
        ModelBundle.save(staging, second, ModelBundle.Provenance.none());
        Files.createDirectories(staging.resolve("checkpoints"));
        Files.writeString(staging.resolve("checkpoints/trainer.json"), "{}");
        FolderReplacement.recover(dir);
        assertArrayEquals(first.arena().data(), ModelBundle.load(dir, Gru.class).arena().data(), 0f);
        assertTrue(Files.exists(dir.resolve("checkpoints/trainer.json")), "carried entries come back");
        assertEquals(List.of(), siblings(dir));

        // Killed between the two renames: the folder is gone, the new one whole beside the old one: the new one is put in place.
        ModelBundle.save(staging, second, ModelBundle.Provenance.none());
        Files.move(dir, tmp.resolve(".m.old-456"));
        FolderReplacement.recover(dir);
        assertArrayEquals(second.arena().data(), ModelBundle.load(dir, Gru.class).arena().data(), 0f);
        assertEquals(List.of(), siblings(dir));

        // Killed while the new folder was being written: it is deleted, the model in place untouched.
        Files.createDirectories(staging);
        Files.writeString(staging.resolve(ModelBundle.WEIGHTS), "half");
        ModelBundle.save(dir, first, ModelBundle.Provenance.none()); // a save recovers first
        assertArrayEquals(first.arena().data(), ModelBundle.load(dir, Gru.class).arena().data(), 0f);
        assertEquals(List.of(), siblings(dir));
    }
}
