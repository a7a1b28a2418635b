package org.grukit.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        assertTrue(capture(() -> assertEquals(0, GrukitCli.run("version", "--help"))).contains("Usage: grukit version"));
        String usage = captureErr(() -> assertEquals(2, GrukitCli.run()));
        assertTrue(usage.contains("Usage: grukit") && usage.contains("info"), "no command: the usage, exit 2: " + usage);
        assertTrue(version.startsWith("grukit "), version);
    }

    @Test
    void aWrongChoiceIsNamedByItsOptionNotByAJavaEnum() throws Exception {
        Path data = dir.resolve("t.tsv");
        Files.writeString(data, "sentence\tlabel\ngood\tpos\nbad\tneg\n");
        String err = captureErr(() -> assertEquals(1, GrukitCli.run("sentiment", "train", "--train", data.toString(), "--dev",
                data.toString(), "--model", dir.resolve("m").toString(), "--pooling", "attn", "--no-progress")));
        assertTrue(err.contains("--pooling must be one of attention, last, max, mean; got 'attn'"), err);
        assertTrue(!err.contains("enum"), err);
        // The shared training options speak in their own names, for every task.
        String epochs = captureErr(() -> assertEquals(1, GrukitCli.run("sentiment", "train", "--train", data.toString(), "--dev",
                data.toString(), "--model", dir.resolve("m2").toString(), "--epochs", "0", "--no-progress")));
        assertTrue(epochs.contains("--epochs must be > 0, got 0"), epochs);
        // Too little data for the held-out dev part names the option, not an internal count.
        String holdout = captureErr(() -> assertEquals(1, GrukitCli.run("sentiment", "train", "--train", data.toString(),
                "--model", dir.resolve("m3").toString(), "--no-progress")));
        assertTrue(holdout.contains("--holdout 0.1 of 2 training texts leaves 2 to train on and 0 for dev; give --dev"), holdout);
        // A malformed row names the file, the line and the command line's way around it.
        Path bad = dir.resolve("bad.tsv");
        Files.writeString(bad, "sentence\tlabel\ngood\n");
        String row = captureErr(() -> assertEquals(1, GrukitCli.run("sentiment", "train", "--train", bad.toString(), "--dev",
                data.toString(), "--model", dir.resolve("m4").toString(), "--no-progress")));
        assertTrue(row.contains("bad.tsv:2") && row.contains("--skip-bad-rows"), row);
    }

    @Test
    void tableColumnsAndCharsetAreChosenByOptionAndAGuessIsReported() throws Exception {
        Path data = dir.resolve("reviews.tsv");
        StringBuilder sb = new StringBuilder("id\treview\tstars\tsource\n");
        for (int i = 0; i < 40; i++) sb.append(i).append(i % 2 == 0 ? "\tsuperb fine film\t5\tweb\n" : "\tdull awful plot\t1\tweb\n");
        Files.writeString(data, sb.toString(), java.nio.charset.StandardCharsets.ISO_8859_1);
        Path model = dir.resolve("cols");
        String err = captureErr(() -> assertEquals(0, GrukitCli.run("sentiment", "train", "--train", data.toString(), "--dev", data.toString(),
                "--text-column", "review", "--label-column", "2", "--charset", "ISO-8859-1", "--model", model.toString(), "--epochs", "1",
                "--no-progress")));
        assertTrue(!err.contains("text column"), "nothing guessed: " + err);
        JsonNode info = JsonLines.mapper().readTree(capture(() -> assertEquals(0, GrukitCli.run("info", model.toString()))).strip());
        assertTrue(info.toString().contains("\"1\"") && info.toString().contains("\"5\""), "labels from the stars column: " + info);
        assertEquals("label", info.at("/outputs/0/name").asText(), "what a prediction holds: " + info.get("outputs"));
        assertEquals("DOUBLE_LIST", info.at("/outputs/2/kind").asText());
        // Guessed (no sentence, text or label column): the first and the last, said on stderr, here wrongly.
        String report = captureErr(() -> assertEquals(0, GrukitCli.run("sentiment", "split", "--data", data.toString(), "--out",
                dir.resolve("split").toString())));
        assertTrue(report.contains("text column 'id' (#0), label column 'source' (#3)"), report);
        String charset = captureErr(() -> assertEquals(1, GrukitCli.run("sentiment", "split", "--data", data.toString(), "--charset", "klingon",
                "--out", dir.resolve("split2").toString())));
        assertTrue(charset.contains("--charset klingon"), charset);
    }

    @Test
    void everyCommandsHelpPrintsWithoutPicocliFormatWarnings() {
        List<String[]> commands = new java.util.ArrayList<>();
        collect(new picocli.CommandLine(new GrukitCli()), new java.util.ArrayList<>(), commands);
        assertTrue(commands.size() > 20, "every command and subcommand: " + commands.size());
        for (String[] c : commands) {
            String[] args = java.util.Arrays.copyOf(c, c.length + 1);
            args[c.length] = "--help";
            String err = captureErr(() -> capture(() -> GrukitCli.run(args)));
            assertTrue(!err.contains("picocli WARN"), String.join(" ", c) + ": " + err);
        }
    }

    private static void collect(picocli.CommandLine cmd, List<String> path, List<String[]> out) {
        for (var e : cmd.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) continue;
            List<String> p = new java.util.ArrayList<>(path);
            p.add(e.getKey());
            out.add(p.toArray(new String[0]));
            collect(e.getValue(), p, out);
        }
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
    void addingTrainsSavesAndPrintsAJsonResult() throws Exception {
        String out = capture(() -> assertEquals(0, GrukitCli.run("adding", "--steps", "10", "--hidden", "16",
                "--train-size", "4000", "--epochs", "4", "--lr", "0.01", "--out", dir.resolve("adding").toString())));
        String[] lines = out.strip().split("\n");
        JsonNode result = JsonLines.mapper().readTree(lines[lines.length - 1]);
        assertEquals("adding", result.get("task").asText());
        assertEquals(4, result.get("epochs").asInt());
        JsonNode losses = result.get("train_loss");
        assertTrue(losses.get(3).asDouble() < losses.get(0).asDouble() / 10, "loss should fall: " + losses);
        assertTrue(result.get("test_mse").asDouble() < result.get("baseline_mse").asDouble() / 20,
                "the model should beat the mean predictor clearly: " + result);
        Path model = dir.resolve("adding");
        assertEquals(model.toString(), result.get("model").asText());
        for (String f : new String[] {"model.json", "weights.safetensors", "run.json", "metrics.jsonl", "training.png"}) {
            assertTrue(Files.exists(model.resolve(f)), f);
        }
        assertTrue(Files.exists(model.resolve("checkpoints/last/trainer.json")), "a resumable checkpoint");
        JsonNode info = JsonLines.mapper().readTree(capture(() -> assertEquals(0, GrukitCli.run("info", model.toString()))).strip());
        assertEquals("adding", info.get("task").asText(), "the demo is a task like the others: " + info);

        // A weight changed by hand is refused; the explicit option loads it anyway.
        byte[] w = Files.readAllBytes(model.resolve("weights.safetensors"));
        w[w.length - 1] ^= 1;
        Files.write(model.resolve("weights.safetensors"), w);
        java.io.PrintStream err = System.err;
        var errors = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(errors, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertEquals(1, GrukitCli.run("info", model.toString()));
        } finally {
            System.setErr(err);
        }
        String message = errors.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(message.contains("weights.safetensors was changed after the model was saved") && message.contains("--skip-integrity-check"), message);
        capture(() -> assertEquals(0, GrukitCli.run("--skip-integrity-check", "info", model.toString())));
        assertEquals(null, System.getProperty("grukit.skipIntegrityCheck"), "the option holds for its run only");
    }

    /**
     * predict reads standard input as it comes: each line is answered (and flushed) before the next is written, as
     * behind an interactive pipe, and an empty line gets an empty line.
     */
    private static void streamsBehindAPipe(Path model) throws Exception {
        var toGrukit = new java.io.PipedOutputStream();
        var grukitIn = new java.io.PipedInputStream(toGrukit, 1 << 16);
        var fromGrukit = new java.io.PipedInputStream(1 << 16);
        var grukitOut = new PrintStream(new java.io.PipedOutputStream(fromGrukit), true, StandardCharsets.UTF_8);
        var reader = new java.io.BufferedReader(new java.io.InputStreamReader(fromGrukit, StandardCharsets.UTF_8));
        java.io.InputStream oldIn = System.in;
        PrintStream oldOut = System.out;
        System.setIn(grukitIn);
        System.setOut(grukitOut);
        var exit = new java.util.concurrent.CompletableFuture<Integer>();
        Thread t = new Thread(() -> exit.complete(GrukitCli.run("sentiment", "predict", "--model", model.toString())));
        try {
            t.start();
            var lines = java.util.concurrent.Executors.newSingleThreadExecutor();
            try {
                toGrukit.write("the plot is superb .\n".getBytes(StandardCharsets.UTF_8));
                toGrukit.flush();
                // Answered while the input is still open: nothing waits for the end of input.
                String first = lines.submit(reader::readLine).get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertTrue(first.startsWith("pos\t"), first);
                toGrukit.write("\nthe cast was dull .\n".getBytes(StandardCharsets.UTF_8));
                toGrukit.close();
                assertEquals("", lines.submit(reader::readLine).get(60, java.util.concurrent.TimeUnit.SECONDS), "an empty line for an empty line");
                String third = lines.submit(reader::readLine).get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertTrue(third.startsWith("neg\t"), third);
                assertEquals(0, exit.get(60, java.util.concurrent.TimeUnit.SECONDS));
            } finally {
                lines.shutdownNow();
            }
        } finally {
            System.setIn(oldIn);
            System.setOut(oldOut);
        }
    }

    @Test
    void quickstartTrainsSentimentAndTheSentimentCommandsUseItsModel() throws Exception {
        Path model = dir.resolve("qs");
        String out = capture(() -> assertEquals(0, GrukitCli.run("quickstart", "--epochs", "8", "--out", model.toString())));
        String[] lines = out.strip().split("\n");
        JsonNode result = JsonLines.mapper().readTree(lines[lines.length - 1]);
        assertEquals("sentiment", result.get("task").asText());
        assertTrue(result.get("test_accuracy").asDouble() > 0.85, "the review classifier learns: " + result);
        for (String f : new String[] {"model.json", "weights.safetensors", "attention.png", "training.png"}) {
            assertTrue(Files.exists(model.resolve(f)), f);
        }
        JsonNode descriptor = JsonLines.mapper().readTree(model.resolve("model.json").toFile());
        assertEquals(3, descriptor.get("formatVersion").asInt());
        assertTrue(descriptor.at("/integrity/files/weights.safetensors").isTextual(), "the weights digest is recorded");
        assertTrue(descriptor.at("/preprocessing/text/vocabulary/tokens").size() > 100, "one model.json holds the text pipeline");
        try (var files = Files.list(model)) {
            assertEquals(List.of("model.json", "run.json"), files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .sorted().toList(), "no other JSON file beside model.json and the run record");
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String split : new String[] {"train", "dev", "test"}) {
            for (var x : QuickstartCommand.reviews(split)) seen.add(x.text());
        }
        for (String demo : QuickstartCommand.EXAMPLES) assertTrue(!seen.contains(demo), "a demo sentence is in the data: " + demo);
        Path data = dir.resolve("test.tsv");
        StringBuilder tsv = new StringBuilder("sentence\tlabel\n");
        for (var x : QuickstartCommand.reviews("test")) tsv.append(x.text()).append('\t').append(x.label()).append('\n');
        Files.writeString(data, tsv);
        JsonNode eval = JsonLines.mapper().readTree(capture(() -> assertEquals(0, GrukitCli.run("sentiment", "eval", "--model",
                model.toString(), "--data", data.toString()))).strip());
        assertEquals(result.get("test_accuracy").asDouble(), eval.get("accuracy").asDouble(), 5e-5, "the same figure, rounded to 4 places in the result line");
        assertEquals(300, eval.get("count").asInt());
        assertEquals(2, eval.get("confusion").size());
        String predicted = capture(() -> assertEquals(0, GrukitCli.run("sentiment", "predict", "--model", model.toString(), "--explain",
                "--explain-png", dir.resolve("p.png").toString(), "the plot is superb .", "the cast was dull .")));
        String[] rows = predicted.strip().split("\n");
        assertEquals(2, rows.length);
        assertTrue(rows[0].matches("pos\t0\\.\\d{4}\tthe:\\d\\.\\d{3} plot:.* \\.:\\d\\.\\d{3}"), rows[0]);
        assertTrue(rows[1].startsWith("neg\t"), rows[1]);
        streamsBehindAPipe(model);
        assertTrue(Files.size(dir.resolve("p.png")) > 1000);
        String piped = pipe("i loved the film .\n", "sentiment", "predict", "--model", model.toString());
        assertTrue(piped.startsWith("pos\t"), piped);

        // How the model was made, from its folder alone.
        JsonNode info = JsonLines.mapper().readTree(capture(() -> assertEquals(0, GrukitCli.run("info", model.toString()))).strip());
        assertEquals("sentiment", info.get("task").asText());
        assertEquals(List.of("neg", "pos"), JsonLines.mapper().convertValue(info.at("/describe/labels"), List.class));
        JsonNode prov = info.get("provenance");
        assertEquals(2400, prov.at("/data/train/examples").asInt(), prov.toString());
        assertTrue(prov.at("/data/dev/sha256").asText().matches("[0-9a-f]{64}"), prov.toString());
        assertEquals(result.get("best_epoch").asInt(), prov.get("bestEpoch").asInt());
        assertEquals(8, prov.at("/settings/training/epochs").asInt());
        assertEquals(1, GrukitCli.run("info", dir.toString()), "a folder without model.json is an error, not a trace");
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

    /** Runs a command with {@code input} on standard input and returns its standard output. */
    private static String pipe(String input, String... args) {
        java.io.InputStream old = System.in;
        System.setIn(new java.io.ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        try {
            return capture(() -> assertEquals(0, GrukitCli.run(args)));
        } finally {
            System.setIn(old);
        }
    }

    @Test
    void tokenizeAndBpeCommandsRoundTripAnyLine() throws Exception {
        String text = "Two dogs, one cat! 😀\n\n  spaced\tout ▁ <0x41>  \nÜber naïve café\n";
        assertEquals("two dogs , one cat ! 😀\n\nspaced out ▁ < 0 x 41 >\nüber naïve café\n", pipe(text, "tokenize", "--lower"));
        assertEquals("T w o ▁ d o g s\n", pipe("Two dogs\n", "tokenize", "--tokenizer", "char"));
        Path corpus = dir.resolve("corpus.txt"), model = dir.resolve("bpe.json");
        Files.writeString(corpus, "the dog runs\nthe dogs run\na cat sits on the mat\n".repeat(20));
        String json = pipe("", "bpe", "train", "--vocab-size", "280", "-o", model.toString(), corpus.toString());
        assertTrue(json.contains("\"vocab_size\":280"), json);
        String pieces = pipe(text, "bpe", "encode", "--model", model.toString());
        assertTrue(pieces.startsWith("<0x54> <0x77> o ▁dog s") && pieces.contains(" <0xF0> <0x9F> <0x98> <0x80>"), pieces);
        assertEquals(text, pipe(pieces, "bpe", "decode", "--model", model.toString()));
        assertEquals(text, pipe(pipe(text, "bpe", "encode", "--ids", "--model", model.toString()), "bpe", "decode", "--ids", "--model", model.toString()));
        assertEquals("the dog runs\n", pipe("the dog runs\n", "tokenize", "--tokenizer", "bpe:" + model).replace(" ", "").replace("▁", " "));
        PrintStream oldErr = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            System.setIn(new java.io.ByteArrayInputStream("▁dog nonsense\n".getBytes(StandardCharsets.UTF_8)));
            assertEquals(1, GrukitCli.run("bpe", "decode", "--model", model.toString()), "an unknown piece is an error");
            assertEquals(1, GrukitCli.run("tokenize", "--tokenizer", "spacy"));
        } finally {
            System.setErr(oldErr);
            System.setIn(System.in);
        }
    }

    /** {@code args} with {@code more} added; a later option overrides an earlier one of the same name. */
    private static String[] with(String[] args, String... more) {
        java.util.List<String> out = new java.util.ArrayList<>(java.util.Arrays.asList(args));
        for (int i = 0; i < more.length; i++) {
            if (more[i].startsWith("--") && i + 1 < more.length && !more[i + 1].startsWith("--")) {
                int at = out.indexOf(more[i]);
                if (at >= 0) {
                    out.set(at + 1, more[++i]);
                    continue;
                }
                out.add(more[i]);
                out.add(more[++i]);
            } else {
                out.add(more[i]);
            }
        }
        return out.toArray(new String[0]);
    }

    /** What {@code r} writes to standard error. */
    private static String captureErr(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    private static JsonNode lastJson(String out) {
        String[] lines = out.strip().split("\n");
        try {
            return JsonLines.mapper().readTree(lines[lines.length - 1]);
        } catch (java.io.IOException e) {
            throw new AssertionError("the last line is not JSON: " + out, e);
        }
    }

    @Test
    void translateTrainsResumesTranslatesWithNBestAndDrawsAttention() throws Exception {
        String[] src = {"ka", "lu", "mi", "to", "re"}, tgt = {"one", "two", "three", "four", "five"};
        StringBuilder s = new StringBuilder(), t = new StringBuilder();
        java.util.Random rng = new java.util.Random(3);
        for (int i = 0; i < 400; i++) {
            int len = 2 + rng.nextInt(3);
            String[] a = new String[len], b = new String[len];
            for (int k = 0; k < len; k++) {
                int w = rng.nextInt(src.length);
                a[k] = src[w];
                b[len - 1 - k] = tgt[w];
            }
            s.append(String.join(" ", a)).append('\n');
            t.append(String.join(" ", b)).append('\n');
        }
        Path ss = dir.resolve("train.src"), tt = dir.resolve("train.tgt"), model = dir.resolve("tr");
        Files.writeString(ss, s);
        Files.writeString(tt, t);
        String[] common = {"translate", "train", "--train-src", ss.toString(), "--train-tgt", tt.toString(), "--dev-src", ss.toString(),
            "--dev-tgt", tt.toString(), "--model", model.toString(), "--embed-dim", "16", "--encoder-hidden", "16", "--decoder-hidden", "32",
            "--attention", "luong-dot", "--tie-embeddings", "--no-progress"};
        String[] twoEpochs = java.util.Arrays.copyOf(common, common.length + 2);
        twoEpochs[common.length] = "--epochs";
        twoEpochs[common.length + 1] = "2";
        JsonNode first = lastJson((capture(() -> assertEquals(0, GrukitCli.run(twoEpochs)))));
        assertEquals(2, first.get("epochs_run").asInt());
        assertTrue(!first.get("resumed").asBoolean());
        String[] threeEpochs = twoEpochs.clone();
        threeEpochs[common.length + 1] = "3";
        // A rerun into the same folder is refused unless it says what it means, and says why.
        String refused = captureErr(() -> assertEquals(1, GrukitCli.run(threeEpochs)));
        assertTrue(refused.contains("--resume") && refused.contains("--overwrite"), refused);
        String[] otherSettings = with(threeEpochs, "--resume", "--decoder-hidden", "48");
        String differs = captureErr(() -> assertEquals(1, GrukitCli.run(otherSettings)));
        assertTrue(differs.contains("settings/model/decoderHidden: 32 then, 48 now"), differs);
        Path otherDev = dir.resolve("dev.tgt");
        Files.writeString(otherDev, t.toString().replace("one", "five"));
        String[] otherData = with(threeEpochs, "--resume", "--dev-tgt", otherDev.toString());
        String dataDiffers = captureErr(() -> assertEquals(1, GrukitCli.run(otherData)));
        assertTrue(dataDiffers.contains("the dev data differ"), dataDiffers);
        JsonNode again = lastJson((capture(() -> assertEquals(0, GrukitCli.run(with(threeEpochs, "--resume"))))));
        assertTrue(again.get("resumed").asBoolean(), "--resume continues the run: " + again);
        assertEquals(3, again.get("epochs_run").asInt(), "and runs only the missing epoch: " + again);
        JsonNode fresh = lastJson((capture(() -> assertEquals(0, GrukitCli.run(with(twoEpochs, "--overwrite"))))));
        assertTrue(!fresh.get("resumed").asBoolean(), "--overwrite starts again: " + fresh);
        assertEquals(2, fresh.get("epochs_run").asInt());

        Path png = dir.resolve("attention.png");
        PrintStream oldErr = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        String nBest;
        try {
            nBest = pipe("ka lu mi\nto re\n", "translate", "run", "--model", model.toString(), "--beam", "3", "--n-best", "2",
                    "--attention-png", png.toString());
        } finally {
            System.setErr(oldErr);
        }
        String[] lines = nBest.split("\n");
        assertEquals(4, lines.length, nBest);
        for (int i = 0; i < 4; i++) {
            assertTrue(lines[i].matches((i / 2) + " \\|\\|\\| .* \\|\\|\\| -?[0-9]+\\.[0-9]{4}"), lines[i]);
        }
        assertTrue(Files.size(png) > 1000, "attention heatmap written");
        String missing = captureErr(() -> assertEquals(1, GrukitCli.run("translate", "eval", "--model", model.toString(), "--src",
                dir.resolve("nope.de").toString(), "--ref", tt.toString())));
        assertTrue(missing.contains("no such file or folder: ") && missing.contains("nope.de"), missing);
        String beam0 = captureErr(() -> assertEquals(1, GrukitCli.run("translate", "run", "--model", model.toString(), "--beam", "0")));
        assertTrue(beam0.contains("--beam must be >= 1 (1 is greedy), got 0"), beam0);
        String wrongTask = captureErr(() -> assertEquals(1, GrukitCli.run("speech", "transcribe", "--model", model.toString(), "x.wav")));
        assertTrue(wrongTask.contains("holds a 'seq2seq-translator' model, not a 'speech-ctc' one"), wrongTask);
        JsonNode eval = lastJson((capture(() -> assertEquals(0, GrukitCli.run("translate", "eval", "--model", model.toString(),
                "--src", ss.toString(), "--ref", tt.toString(), "--beam", "2", "--length-penalty", "gnmt:0.6")))));
        assertEquals(400, eval.get("count").asInt());
        // The command reports what the library computes with the options it was given.
        org.grukit.nlp.translate.Translator api = org.grukit.nlp.translate.Translator.load(model);
        var scores = api.evaluate(Files.readAllLines(ss), Files.readAllLines(tt), new org.grukit.nlp.translate.Translator.Decode(2, 1,
                new org.grukit.attention.decoding.Decoding.LengthPenalty.Gnmt(0.6), true));
        assertEquals(scores.bleu(), eval.get("bleu").asDouble(), 0.005 + 1e-9, eval.toString()); // printed to 2 decimals
        assertEquals(scores.chrf(), eval.get("chrf").asDouble(), 0.005 + 1e-9, eval.toString());
    }

    @Test
    void speechTrainsEvaluatesWithDetailsAndTranscribes() throws Exception {
        Path yesno = org.grukit.core.SharedData.dir("speech/yesno");
        Path model = dir.resolve("sp"), details = dir.resolve("details.tsv");
        JsonNode trained = lastJson(capture(() -> assertEquals(0, GrukitCli.run("speech", "train", "--train", yesno.toString(), "--select",
                "yesno-train", "--model", model.toString(), "--epochs", "2", "--hidden", "16", "--layers", "1", "--conv-channels", "16",
                "--no-progress"))));
        assertEquals("words", trained.get("units").asText(), "yes/no is a closed vocabulary: " + trained);
        assertEquals(4, trained.get("batch_size").asInt(), "small data, small batches: " + trained);
        JsonNode eval = lastJson(capture(() -> assertEquals(0, GrukitCli.run("speech", "eval", "--model", model.toString(), "--data",
                yesno.toString(), "--select", "yesno-test", "--beam", "4", "--details", details.toString()))));
        assertEquals(29, eval.get("count").asInt());
        assertTrue(eval.has("real_time_factor") && eval.has("cer"), eval.toString());
        List<String> rows = Files.readAllLines(details);
        assertEquals(30, rows.size(), "a header and a row per utterance");
        assertTrue(rows.get(1).split("\t").length == 5, rows.get(1));
        long errors = 0, words = 0; // the corpus WER is the details' word errors over their reference words
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split("\t");
            errors += Long.parseLong(f[3]);
            words += Long.parseLong(f[4]);
        }
        assertEquals((double) errors / words, eval.get("wer").asDouble(), 1e-4, eval.toString());
        // A longer recording: the two files with two seconds of quiet noise before, between and after them.
        float[] a = org.grukit.speech.AudioFiles.read(yesno.resolve("waves_yesno/1_0_0_0_0_0_0_1.wav")).samples();
        float[] b = org.grukit.speech.AudioFiles.read(yesno.resolve("waves_yesno/1_1_1_1_1_1_1_1.wav")).samples();
        java.util.Random r = new java.util.Random(1);
        float[] pause = new float[16000];
        for (int i = 0; i < pause.length; i++) pause[i] = (float) (0.0005 * r.nextGaussian());
        float[] all = new float[3 * pause.length + a.length + b.length];
        int at = 0;
        for (float[] part : new float[][] {pause, a, pause, b, pause}) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        Path wav = dir.resolve("long.wav");
        writeWav(wav, all, 8000);
        String out = capture(() -> assertEquals(0, GrukitCli.run("speech", "transcribe", "--model", model.toString(), wav.toString())));
        String[] lines = out.strip().split("\n");
        double last = 0;
        for (int i = 0; i < lines.length; i++) { // ID START END TEXT, in order, all within the speech
            assertTrue(lines[i].matches(String.format("long-%04d \\d+\\.\\d{3} \\d+\\.\\d{3}( .*)?", i)), lines[i]);
            double start = Double.parseDouble(lines[i].split(" ")[1]), end = Double.parseDouble(lines[i].split(" ")[2]);
            assertTrue(start >= last && end > start, lines[i]);
            last = end;
            assertTrue(start >= 1.9 && end <= (all.length - 15000) / 8000.0, "inside the speech: " + lines[i]);
        }
        assertTrue(Double.parseDouble(lines[0].split(" ")[1]) < 2.3, "the first segment starts with the first file: " + out);
        String json = capture(() -> assertEquals(0, GrukitCli.run("speech", "transcribe", "--model", model.toString(), "--format", "json", wav.toString())));
        assertEquals(lines.length, json.strip().split("\n").length, json);
        JsonNode first = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.strip().split("\n")[0]);
        assertEquals("long-0000", first.get("id").asText());
        assertEquals(Double.parseDouble(lines[0].split(" ")[1]), first.get("start").asDouble(), 1e-9);
        JsonNode long3 = lastJson(capture(() -> assertEquals(0, GrukitCli.run("speech", "eval", "--model", model.toString(), "--data", yesno.toString(),
                "--select", "yesno-test", "--long-recordings", "1", "--files-per-recording", "3", "--snr-db", "30"))));
        assertEquals(3, long3.get("true_utterances").asInt(), long3.toString());
        assertTrue(long3.has("boundaries_within_100ms") && long3.has("wer") && long3.get("audio_seconds").asDouble() > 3 * 5, long3.toString());
        String bidirectional = captureErr(() -> assertEquals(1, GrukitCli.run("speech", "stream", "--model", model.toString(), "--input", wav.toString())));
        assertTrue(bidirectional.contains("bidirectional") && bidirectional.contains("--streaming"), bidirectional);
    }

    /** 16-bit PCM mono WAV, as a recorder writes it. */
    private static byte[] wavBytes(float[] x, int rate) {
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(44 + 2 * x.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bb.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 2 * x.length).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        bb.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate).putInt(2 * rate)
                .putShort((short) 2).putShort((short) 16);
        bb.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(2 * x.length);
        for (float v : x) bb.putShort((short) Math.max(-32768, Math.min(32767, Math.round(v * 32768))));
        return bb.array();
    }

    private static void writeWav(Path p, float[] x, int rate) throws java.io.IOException {
        Files.write(p, wavBytes(x, rate));
    }

    private static String withStdin(byte[] in, Runnable r) {
        java.io.InputStream old = System.in;
        System.setIn(new java.io.ByteArrayInputStream(in));
        try {
            return capture(r);
        } finally {
            System.setIn(old);
        }
    }

    @Test
    void speechStreamsFromAFileStandardInputAndRawPcm() throws Exception {
        Path yesno = org.grukit.core.SharedData.dir("speech/yesno");
        Path model = dir.resolve("stream");
        JsonNode trained = lastJson(capture(() -> assertEquals(0, GrukitCli.run("speech", "train", "--train", yesno.toString(), "--select",
                "yesno-train", "--model", model.toString(), "--streaming", "--epochs", "2", "--hidden", "16", "--layers", "1", "--conv-channels", "16",
                "--no-progress"))));
        assertEquals("words", trained.get("units").asText(), trained.toString());
        Path file = yesno.resolve("waves_yesno/1_0_0_0_0_0_0_1.wav");
        org.grukit.speech.Audio audio = org.grukit.speech.AudioFiles.read(file);
        String fromFile = capture(() -> assertEquals(0, GrukitCli.run("speech", "stream", "--model", model.toString(), "--input", file.toString())));
        String[] lines = fromFile.strip().split("\n");
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        JsonNode summary = json.readTree(lines[lines.length - 1]);
        assertEquals("summary", summary.get("type").asText());
        assertEquals(audio.samples().length / 8000.0, summary.get("audio_seconds").asDouble(), 1e-3);
        assertEquals(60, summary.get("lookahead_ms").asInt(), "the convolution's 2 frames and the deltas' 4, at 10 ms");
        for (int i = 0; i < lines.length - 1; i++) {
            JsonNode e = json.readTree(lines[i]);
            assertTrue(e.get("type").asText().matches("partial|final"), lines[i]);
            assertTrue(e.get("at").asDouble() <= summary.get("audio_seconds").asDouble() + 1e-9, lines[i]);
        }
        // The same audio as a WAV stream on standard input, and as raw 16-bit PCM with its rate: the same results.
        byte[] wav = Files.readAllBytes(file);
        String fromStdin = withStdin(wav, () -> assertEquals(0, GrukitCli.run("speech", "stream", "--model", model.toString())));
        String withoutTimes = "\"seconds\":[0-9.]+,\"real_time_factor\":[0-9.E-]+";
        assertEquals(fromFile.replaceAll(withoutTimes, ""), fromStdin.replaceAll(withoutTimes, ""));
        byte[] raw = java.util.Arrays.copyOfRange(wav, 44, wav.length);
        String fromRaw = withStdin(raw, () -> assertEquals(0, GrukitCli.run("speech", "stream", "--model", model.toString(), "--rate", "8000")));
        assertEquals(fromFile.replaceAll(withoutTimes, ""), fromRaw.replaceAll(withoutTimes, ""));
        String finals = withStdin(wav, () -> assertEquals(0, GrukitCli.run("speech", "stream", "--model", model.toString(), "--no-partials")));
        assertTrue(!finals.contains("\"partial\""), finals);
        String noRate = captureErr(() -> withStdin(raw, () -> assertEquals(1, GrukitCli.run("speech", "stream", "--model", model.toString()))));
        assertTrue(noRate.contains("no sample rate was given"), noRate);
        String badEndpoint = captureErr(() -> assertEquals(1, GrukitCli.run("speech", "stream", "--model", model.toString(), "--endpoint-ms", "0")));
        assertTrue(badEndpoint.contains("--endpoint-ms must be in [10, 60000], got 0"), badEndpoint);
        JsonNode streamed = lastJson(capture(() -> assertEquals(0, GrukitCli.run("speech", "eval", "--model", model.toString(), "--data",
                yesno.toString(), "--select", "yesno-test", "--streaming", "--endpoint-ms", "400"))));
        assertEquals(29, streamed.get("count").asInt(), streamed.toString());
        assertEquals(400, streamed.get("endpoint_ms").asInt());
        assertTrue(streamed.has("latency_ms_median") && streamed.has("split_utterances") && streamed.has("real_time_factor"), streamed.toString());
        String mean = captureErr(() -> assertEquals(2, GrukitCli.run("speech", "train", "--train", yesno.toString(), "--model",
                dir.resolve("x").toString(), "--streaming", "--cmvn", "mean")));
        assertTrue(mean.contains("--streaming needs --cmvn online or none"), mean);
    }

    @Test
    void summarizeTrainsEvaluatesWithTheLeadBaselineAndRuns() throws Exception {
        Path train = dir.resolve("train.jsonl"), model = dir.resolve("sum"), out = dir.resolve("subjects.txt");
        StringBuilder sb = new StringBuilder();
        String[] topics = {"budget", "contract", "meeting", "report"};
        for (int i = 0; i < 120; i++) {
            String t = topics[i % topics.length];
            sb.append("{\"document\": \"Hi all. The ").append(t).append(" is attached for review. Thanks.\", \"summary\": \"").append(t)
                    .append(" for review\"}\n");
        }
        Files.writeString(train, sb.toString());
        JsonNode trained = lastJson(capture(() -> assertEquals(0, GrukitCli.run("summarize", "train", "--train", train.toString(), "--dev",
                train.toString(), "--model", model.toString(), "--epochs", "2", "--embed-dim", "8", "--encoder-hidden", "8", "--decoder-hidden", "16",
                "--no-progress"))));
        assertTrue(trained.get("pointer").asBoolean() && trained.get("coverage").asBoolean(), trained.toString());
        JsonNode eval = lastJson(capture(() -> assertEquals(0, GrukitCli.run("summarize", "eval", "--model", model.toString(), "--data",
                train.toString(), "--output", out.toString()))));
        assertEquals(120, eval.get("count").asInt());
        assertTrue(eval.has("rougeL") && eval.has("lead_rougeL") && eval.has("copied_oov_share") && !eval.has("annotators_rougeL"), eval.toString());
        assertEquals(120, Files.readAllLines(out).size());
        Path email = dir.resolve("email.txt");
        Files.writeString(email, "Hi all. The budget is attached for review. Thanks.");
        String summary = capture(() -> assertEquals(0, GrukitCli.run("summarize", "run", "--model", model.toString(), email.toString())));
        assertEquals(1, summary.strip().split("\n").length, summary);
    }

    @Test
    void forecastTrainsEvaluatesBaselinesAndPredictsWithAPlot() throws Exception {
        Path csv = dir.resolve("sales.csv"), model = dir.resolve("fc"), png = dir.resolve("fc.png");
        StringBuilder sb = new StringBuilder("\"Month\",\"Sales\"\r\n");
        java.time.LocalDate m = java.time.LocalDate.of(2000, 1, 1);
        for (int i = 0; i < 120; i++, m = m.plusMonths(1)) {
            sb.append('"').append(m.toString(), 0, 7).append("\",").append(String.format(java.util.Locale.ROOT, "%.2f", 100 + i + 10 * Math.sin(i * Math.PI / 6)))
                    .append("\r\n");
        }
        Files.writeString(csv, sb.toString());
        JsonNode trained = lastJson(capture(() -> assertEquals(0, GrukitCli.run("forecast", "train", "--data", csv.toString(), "--horizon", "6",
                "--model", model.toString(), "--epochs", "3", "--hidden", "8", "--quantiles", "0.1,0.5,0.9", "--no-progress"))));
        assertEquals("monthly", trained.get("frequency").asText());
        assertEquals(24, trained.get("input").asInt(), "two seasons of input by default: " + trained);
        JsonNode eval = lastJson(capture(() -> assertEquals(0, GrukitCli.run("forecast", "eval", "--data", csv.toString(), "--model", model.toString()))));
        for (String k : List.of("model", "naive", "seasonal_naive", "linear_ar")) {
            JsonNode r = eval.get(k);
            assertTrue(r != null && r.has("mape") && r.has("smape") && r.has("mase"), k + ": " + eval);
            // RMSE is at least MAE for any errors, and MASE is MAE over one scale shared by every forecaster.
            assertTrue(r.get("rmse").asDouble() >= r.get("mae").asDouble() - 1e-9, k + ": " + r);
            assertEquals(eval.get("model").get("mae").asDouble() / eval.get("model").get("mase").asDouble(),
                    r.get("mae").asDouble() / r.get("mase").asDouble(), 2e-3 * r.get("mae").asDouble() / r.get("mase").asDouble(),
                    k + ": " + eval); // within the rounding of the printed figures
        }
        assertTrue(eval.get("model").has("interval_coverage"), eval.toString());
        assertEquals(1, eval.get("ar_box_cox").size(), eval.toString());
        assertTrue(List.of("recursive", "direct").contains(eval.get("ar_strategy").get(0).asText()), eval.toString());
        // Without --box-cox or --centre both are chosen on validation, and train says which.
        assertTrue(List.of(1.0, 0.5, 0.0).contains(trained.get("box_cox").asDouble()) && trained.get("centre").isBoolean(), trained.toString());

        // The segment style (SegRNN) with RevIN trains and evaluates; a window that is not whole segments is named.
        Path seg = dir.resolve("fc-seg");
        JsonNode segTrained = lastJson(capture(() -> assertEquals(0, GrukitCli.run("forecast", "train", "--data", csv.toString(), "--horizon", "6",
                "--model", seg.toString(), "--epochs", "2", "--hidden", "8", "--style", "segment", "--revin", "--no-progress"))));
        assertEquals(2, segTrained.get("epochs_run").asInt(), segTrained.toString());
        JsonNode segEval = lastJson(capture(() -> assertEquals(0, GrukitCli.run("forecast", "eval", "--data", csv.toString(), "--model", seg.toString()))));
        assertTrue(Double.isFinite(segEval.get("model").get("mase").asDouble()), segEval.toString());
        String notWhole = captureErr(() -> assertEquals(1, GrukitCli.run("forecast", "train", "--data", csv.toString(), "--horizon", "6",
                "--model", dir.resolve("fc-seg5").toString(), "--style", "segment", "--segment", "5", "--no-progress")));
        assertTrue(notWhole.contains("--input 24") && notWhole.contains("--segment 5"), notWhole);
        String revinStart = captureErr(() -> assertEquals(1, GrukitCli.run("forecast", "train", "--data", csv.toString(), "--horizon", "6",
                "--model", dir.resolve("fc-revin").toString(), "--revin", "--linear-start", "--no-progress")));
        assertTrue(revinStart.contains("--revin") && revinStart.contains("--no-linear-start"), revinStart);

        Path refit = dir.resolve("fc-refit");
        JsonNode again = lastJson(capture(() -> assertEquals(0, GrukitCli.run("forecast", "train", "--data", csv.toString(), "--horizon", "6",
                "--model", refit.toString(), "--epochs", "3", "--hidden", "8", "--box-cox", "0.5", "--refit", "--no-progress"))));
        assertTrue(again.get("refit_windows").asInt() > again.get("windows").asInt(), again.toString());
        assertEquals(again.get("best_epoch").asInt(), again.get("refit_epochs").asInt(), again.toString());
        assertTrue(again.get("val_rmse").asDouble() > 0 && Double.isFinite(again.get("val_mase").asDouble()), again.toString());
        JsonNode evalRefit = lastJson(capture(() -> assertEquals(0, GrukitCli.run("forecast", "eval", "--data", csv.toString(), "--model", refit.toString()))));
        assertTrue(evalRefit.get("model").get("rmse").asDouble() >= evalRefit.get("model").get("mae").asDouble(), evalRefit.toString());
        // The split is part of the model: eval uses it unless told otherwise, and says which it used.
        Path split = dir.resolve("fc-split");
        lastJson(capture(() -> assertEquals(0, GrukitCli.run("forecast", "train", "--data", csv.toString(), "--horizon", "6", "--split", "80,16,24",
                "--model", split.toString(), "--epochs", "2", "--hidden", "8", "--no-progress"))));
        String[] said = new String[1];
        JsonNode own = lastJson(capture(() -> said[0] = captureErr(() -> assertEquals(0, GrukitCli.run("forecast", "eval", "--data", csv.toString(),
                "--model", split.toString())))));
        assertEquals("[80,96,120]", own.get("split").toString(), own.toString());
        assertTrue(said[0].contains("using the model's split 80,16,24"), said[0]);
        JsonNode other = lastJson(capture(() -> said[0] = captureErr(() -> assertEquals(0, GrukitCli.run("forecast", "eval", "--data", csv.toString(),
                "--model", split.toString(), "--test-fraction", "0.2")))));
        assertEquals("[84,96,120]", other.get("split").toString(), other.toString());
        assertTrue(said[0].contains("warning: evaluating on rows 84,12,24, not the model's split 80,16,24"), said[0]);
        String predicted = capture(() -> assertEquals(0, GrukitCli.run("forecast", "predict", "--data", csv.toString(), "--model", model.toString(),
                "--plot", png.toString())));
        String[] lines = predicted.strip().split("\n");
        assertEquals("date,Sales,Sales_q0.1,Sales_q0.5,Sales_q0.9", lines[0]);
        assertEquals(7, lines.length, "a header and a row per step: " + predicted);
        assertTrue(lines[1].startsWith("2010-01-01"), lines[1]);
        assertTrue(Files.size(png) > 1000, "a picture was drawn");
    }
}
