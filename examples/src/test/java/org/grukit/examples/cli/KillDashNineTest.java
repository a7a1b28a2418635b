package org.grukit.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.grukit.core.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real kill: `grukit sentiment train` runs in its own JVM, is killed with SIGKILL at a moment after its first
 * checkpoint (wherever it is then: mid-batch, mid-write, mid-swap of the model folder), and resumed with --resume.
 * The model it ends with is the uninterrupted run's, byte for byte.
 */
class KillDashNineTest {
    @TempDir
    Path dir;

    private List<String> trainArgs(Path model) {
        return List.of("sentiment", "train", "--train", dir.resolve("train.tsv").toString(), "--dev", dir.resolve("dev.tsv").toString(),
                "--model", model.toString(), "--embed-dim", "16", "--hidden", "16", "--epochs", "5", "--dropout", "0.3",
                "--word-dropout", "0.2", "--threads", "1", "--seed", "3", "--no-progress");
    }

    private void reviews(String file, int n, long seed) throws Exception {
        String[] good = {"great", "lovely", "superb", "fine", "moving"}, bad = {"awful", "dull", "poor", "tedious", "flat"};
        String[] noise = {"film", "plot", "cast", "score", "ending", "story", "acting", "pace"};
        Rng rng = new Rng(seed);
        StringBuilder sb = new StringBuilder("sentence\tlabel\n");
        for (int i = 0; i < n; i++) {
            boolean pos = rng.uniform() < 0.5;
            sb.append(noise[rng.nextInt(8)]).append(' ').append((pos ? good : bad)[rng.nextInt(5)]).append(' ').append(noise[rng.nextInt(8)])
                    .append(' ').append(noise[rng.nextInt(8)]).append('\t').append(pos ? 1 : 0).append('\n');
        }
        Files.writeString(dir.resolve(file), sb);
    }

    private static int quietly(List<String> args) {
        PrintStream out = System.out, err = System.err;
        PrintStream sink = new PrintStream(java.io.OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        System.setOut(sink);
        System.setErr(sink);
        try {
            return GrukitCli.run(args.toArray(new String[0]));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    @Timeout(300)
    void aRunKilledWithSigkillAndResumedEndsWithTheUninterruptedModel() throws Exception {
        reviews("train.tsv", 4000, 1);
        reviews("dev.tsv", 300, 2);
        Path whole = dir.resolve("whole"), killed = dir.resolve("killed");
        assertEquals(0, quietly(trainArgs(whole)));

        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) command.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), GrukitCli.class.getName()));
        command.addAll(trainArgs(killed));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("killed.log").toFile()).start();
        Path checkpoint = killed.resolve("checkpoints/last/trainer.json");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(checkpoint) && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(5);
        assertTrue(Files.exists(checkpoint), "the first checkpoint was written: " + Files.readString(dir.resolve("killed.log")));
        Thread.sleep(new Rng(System.nanoTime()).nextInt(400)); // somewhere in the epochs that follow
        boolean stillRunning = p.isAlive();
        p.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
        p.waitFor(30, TimeUnit.SECONDS);
        System.out.println("killed " + (stillRunning ? "while running" : "after it had finished") + "; checkpoint after epoch "
                + new String(Files.readAllBytes(checkpoint), StandardCharsets.UTF_8).replaceAll("(?s).*\"completedEpochs\":(\\d+).*", "$1"));

        List<String> resume = new ArrayList<>(trainArgs(killed));
        resume.add("--resume");
        assertEquals(0, quietly(resume));
        for (String f : List.of("weights.safetensors", "checkpoints/last/weights.safetensors", "checkpoints/last/optimizer.safetensors")) {
            assertArrayEquals(Files.readAllBytes(whole.resolve(f)), Files.readAllBytes(killed.resolve(f)), f + " differs after kill -9 and resume");
        }
        try (var s = Files.list(dir)) {
            assertEquals(List.of(), s.map(q -> q.getFileName().toString()).filter(n -> n.startsWith(".")).toList(), "nothing left beside the folders");
        }
    }
}
