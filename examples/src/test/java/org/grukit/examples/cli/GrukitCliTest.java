package org.grukit.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.grukit.core.train.JsonLines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: help, version, and a small quickstart run whose last line is a JSON result. */
class GrukitCliTest {
    @TempDir
    Path dir;

    private static String capture(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsTheCommandsAndVersionPrints() {
        String help = capture(() -> assertEquals(0, GrukitCli.run("--help")));
        assertTrue(help.contains("quickstart") && help.contains("version"), help);
        String version = capture(() -> assertEquals(0, GrukitCli.run("version")));
        assertTrue(version.startsWith("grukit "), version);
    }

    @Test
    void unknownOptionsFailWithAUsageError() {
        PrintStream oldErr = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            assertEquals(2, GrukitCli.run("quickstart", "--no-such-option"));
        } finally {
            System.setErr(oldErr);
        }
    }

    @Test
    void quickstartTrainsSavesAndPrintsAJsonResult() throws Exception {
        String out = capture(() -> assertEquals(0, GrukitCli.run("quickstart", "--steps", "10", "--hidden", "16",
                "--train-size", "4000", "--epochs", "4", "--lr", "0.01", "--out", dir.toString())));
        String[] lines = out.strip().split("\n");
        JsonNode result = JsonLines.mapper().readTree(lines[lines.length - 1]);
        assertEquals("adding", result.get("task").asText());
        assertEquals(4, result.get("epochs").asInt());
        JsonNode losses = result.get("train_loss");
        assertTrue(losses.get(3).asDouble() < losses.get(0).asDouble() / 10, "loss should fall: " + losses);
        assertTrue(result.get("test_mse").asDouble() < result.get("baseline_mse").asDouble() / 20,
                "the model should beat the mean predictor clearly: " + result);
        assertTrue(Files.exists(dir.resolve("best").resolve("model.json")));
        assertTrue(Files.exists(dir.resolve("last").resolve("trainer.json")));
    }
}
