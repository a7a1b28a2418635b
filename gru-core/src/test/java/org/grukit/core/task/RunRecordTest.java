package org.grukit.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model folder rules: empty or refused; resumed only by the same run; overwritten only if it is a grukit model. */
class RunRecordTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static ObjectNode record(int epochs, double lr, String trainDigest) {
        ObjectNode r = JSON.createObjectNode();
        r.put("task", "t");
        r.putObject("settings").putObject("training").put("epochs", epochs).put("lr", lr);
        r.putObject("data").put("train", trainDigest).put("dev", "d");
        return r;
    }

    @Test
    void anEmptyFolderStartsAndANonEmptyOneIsRefusedByDefault() throws Exception {
        Path m = dir.resolve("m");
        assertFalse(RunRecord.prepareFolder(m, Tasks.Existing.REFUSE, record(2, 0.1, "a")));
        var e = assertThrows(IllegalArgumentException.class, () -> RunRecord.prepareFolder(m, Tasks.Existing.REFUSE,
                record(2, 0.1, "a")));
        assertTrue(e.getMessage().contains("--resume") && e.getMessage().contains("--overwrite"), e.getMessage());
    }

    @Test
    void resumingNamesEveryDifferenceButTheEpochs() throws Exception {
        Path m = dir.resolve("m");
        RunRecord.prepareFolder(m, Tasks.Existing.REFUSE, record(2, 0.1, "aaaa"));
        assertTrue(RunRecord.prepareFolder(m, Tasks.Existing.RESUME, record(5, 0.1, "aaaa")), "more epochs may follow");
        var e = assertThrows(IllegalArgumentException.class, () -> RunRecord.prepareFolder(m, Tasks.Existing.RESUME,
                record(5, 0.2, "bbbb")));
        assertTrue(e.getMessage().contains("settings/training/lr: 0.1 then, 0.2 now"), e.getMessage());
        assertTrue(e.getMessage().contains("the train data differ (SHA-256 aaaa then, bbbb now)"), e.getMessage());
        assertEquals(List.of(), RunRecord.differences(record(1, 0.1, "x"), record(9, 0.1, "x")));
    }

    @Test
    void overwritingDeletesAGrukitModelButNeverSomeoneElsesFiles() throws Exception {
        Path m = dir.resolve("m");
        RunRecord.prepareFolder(m, Tasks.Existing.REFUSE, record(2, 0.1, "a"));
        Files.createDirectories(m.resolve("checkpoints/last"));
        Files.writeString(m.resolve("checkpoints/last/state.json"), "{}");
        assertFalse(RunRecord.prepareFolder(m, Tasks.Existing.OVERWRITE, record(3, 0.5, "b")));
        assertFalse(Files.exists(m.resolve("checkpoints")), "the old run's files are gone");
        assertTrue(Files.exists(m.resolve(RunRecord.FILE)));

        Path mine = dir.resolve("mine");
        Files.createDirectories(mine);
        Files.writeString(mine.resolve("thesis.tex"), "years of work");
        var e = assertThrows(IllegalArgumentException.class, () -> RunRecord.prepareFolder(mine, Tasks.Existing.OVERWRITE,
                record(2, 0.1, "a")));
        assertTrue(e.getMessage().contains("no grukit model"), e.getMessage());
        assertTrue(Files.exists(mine.resolve("thesis.tex")));
        var noRecord = assertThrows(IllegalArgumentException.class, () -> RunRecord.prepareFolder(mine, Tasks.Existing.RESUME,
                record(2, 0.1, "a")));
        assertTrue(noRecord.getMessage().contains("no run record"), noRecord.getMessage());
    }
}
