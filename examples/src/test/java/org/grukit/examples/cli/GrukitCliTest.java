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

    /** A 16-bit mono WAV of a 440 Hz tone. */
    private Path toneWav(String name, int rate, double seconds) throws Exception {
        int n = (int) (rate * seconds);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(44 + 2 * n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + 2 * n).put("WAVE".getBytes()).put("fmt ".getBytes()).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(rate).putInt(2 * rate).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes()).putInt(2 * n);
        for (int i = 0; i < n; i++) b.putShort((short) Math.round(8000 * Math.sin(2 * Math.PI * 440 * i / rate)));
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    @Test
    void featuresCommandsWriteCsvAndNpy() throws Exception {
        Path wav = toneWav("tone.wav", 16000, 0.5);
        String info = capture(() -> assertEquals(0, GrukitCli.run("features", "info", wav.toString())));
        assertTrue(info.contains("PCM 16-bit, 1 channel, 16000 Hz, 8000 frames"), info);
        Path csv = dir.resolve("tone.csv"), npy = dir.resolve("tone.npy");
        PrintStream oldErr = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, GrukitCli.run("features", "mfcc", "--num-ceps", "10", wav.toString(), "-o", csv.toString()));
            assertEquals(0, GrukitCli.run("features", "fbank", "--num-mel-bins", "30", wav.toString(), "-o", npy.toString()));
            java.util.List<String> lines = Files.readAllLines(csv);
            assertEquals(48, lines.size(), "(8000 - 400) / 160 + 1 frames");
            assertEquals(10, lines.get(0).split(",").length);
            byte[] bytes = Files.readAllBytes(npy);
            String header = new String(bytes, 10, 118, StandardCharsets.US_ASCII);
            assertTrue(header.contains("'shape': (48, 30)") && header.contains("'<f4'"), header);
            assertEquals(128 + 4 * 48 * 30, bytes.length);
            Path ta = dir.resolve("ta.csv");
            assertEquals(0, GrukitCli.run("features", "mfcc", "--preset", "torchaudio", wav.toString(), "-o", ta.toString()));
            java.util.List<String> rows = Files.readAllLines(ta);
            float[][] expected = org.grukit.speech.TorchaudioFeatures.mfcc(org.grukit.speech.WavReader.read(wav).samples(),
                    org.grukit.speech.TorchaudioFeatures.Options.defaults(16000));
            assertEquals(41, rows.size(), "centred frames: 8000 / 200 + 1");
            assertEquals(40, rows.get(0).split(",").length, "torchaudio's 40 MFCCs");
            assertEquals(expected[5][3], Float.parseFloat(rows.get(5).split(",")[3]), 1e-6f * Math.max(1, Math.abs(expected[5][3])));
            assertTrue(GrukitCli.run("features", "mfcc", "--preset", "torchaudio", "--use-energy", wav.toString(), "-o",
                    ta.toString()) != 0, "--use-energy is Kaldi's");
            Path broken = dir.resolve("broken.wav");
            Files.write(broken, java.util.Arrays.copyOf(Files.readAllBytes(wav), 60));
            assertTrue(GrukitCli.run("features", "mfcc", broken.toString(), "-o", dir.resolve("b.csv").toString()) != 0);
        } finally {
            System.setErr(oldErr);
        }
    }
}
