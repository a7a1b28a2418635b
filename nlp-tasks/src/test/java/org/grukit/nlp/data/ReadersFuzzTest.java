package org.grukit.nlp.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.grukit.core.Fuzz;
import org.grukit.core.Rng;
import org.grukit.core.io.FolderIntegrity;
import org.grukit.core.task.Tasks;
import org.grukit.nlp.forecast.ForecastData;
import org.grukit.nlp.forecast.ForecastTask;
import org.grukit.nlp.forecast.Forecaster;
import org.grukit.nlp.forecast.TimeSeries;
import org.grukit.nlp.sentiment.SentimentData;
import org.grukit.nlp.sentiment.SentimentTask;
import org.grukit.nlp.speech.SpeechData;
import org.grukit.nlp.speech.SpeechTask;
import org.grukit.nlp.speech.Transcriber;
import org.grukit.nlp.summarize.SummaryData;
import org.grukit.nlp.text.Bpe;
import org.grukit.nlp.text.WordVectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The text readers and task model folders, mutated (see {@link Fuzz}): BPE files, word vectors, labelled TSV and JSON
 * lines, summarisation JSON lines, and the model.json of a sentiment, a speech and a forecasting model (with the
 * digest check skipped, so that each mutation reaches the checks behind it). Each gives a result or an error naming
 * the file, in the fuzz suite's small heap.
 */
class ReadersFuzzTest {
    @TempDir
    Path dir;

    private static final String TEXT_CHARS = "\t\n \"\\{}[]:,0123456789.-eE";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @Timeout(300)
    void bpeFiles() throws IOException {
        Path file = dir.resolve("t.bpe.json");
        Bpe.train(List.of("the cat sat on the mat", "a cat and a hat", "the rat ate the cat's hat"), 280).save(file);
        byte[] good = Files.readAllBytes(file);
        Fuzz.Counts c = Fuzz.run("BPE file", file, good, TEXT_CHARS, Fuzz.rounds(2000), 21, Bpe::load, r -> r instanceof Bpe);
        assertEquals(c.inputs(), c.results() + c.clearErrors());
        c = Fuzz.run("BPE file members", file, good, Fuzz::mutateJson, Fuzz.rounds(2000), 27, Bpe::load, r -> r instanceof Bpe);
        assertEquals(c.inputs(), c.results() + c.clearErrors());
    }

    @Test
    @Timeout(300)
    void wordVectors() throws IOException {
        Path file = dir.resolve("vectors.txt");
        StringBuilder sb = new StringBuilder("6 4\n");
        String[] words = {"the", "cat", "sat", "on", "a", "mat"};
        Rng rng = new Rng(3);
        for (String w : words) {
            sb.append(w);
            for (int k = 0; k < 4; k++) sb.append(' ').append(String.format("%.4f", rng.normal()));
            sb.append('\n');
        }
        Fuzz.Counts c = Fuzz.run("word vectors", file, utf8(sb.toString()), TEXT_CHARS, Fuzz.rounds(2000), 22,
                f -> WordVectors.read(f, StandardCharsets.UTF_8), r -> r instanceof WordVectors);
        assertEquals(c.inputs(), c.results() + c.clearErrors());
    }

    @Test
    @Timeout(300)
    void labelledTsvAndJsonLines() throws IOException {
        StringBuilder tsv = new StringBuilder("sentence\tlabel\n"), jsonl = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            tsv.append("a review number ").append(i).append('\t').append(i % 2).append('\n');
            jsonl.append("{\"text\": \"a review number ").append(i).append("\", \"label\": \"").append(i % 2 == 0 ? "neg" : "pos").append("\"}\n");
        }
        int rounds = Fuzz.rounds(2000);
        Fuzz.Counts a = Fuzz.run("sentiment TSV", dir.resolve("reviews.tsv"), utf8(tsv.toString()), TEXT_CHARS, rounds, 23,
                f -> SentimentData.read(f, BadRows.FAIL), r -> ((Read<?>) r).items().size() <= 40);
        Fuzz.Counts b = Fuzz.run("sentiment JSON lines", dir.resolve("reviews.jsonl"), utf8(jsonl.toString()), TEXT_CHARS, rounds, 24,
                f -> SentimentData.read(f, BadRows.SKIP), r -> ((Read<?>) r).items().size() <= 40);
        StringBuilder docs = new StringBuilder();
        for (int i = 0; i < 10; i++) docs.append("{\"document\": \"Hi all, the meeting ").append(i).append(" moved.\", \"summary\": \"meeting moved\"}\n");
        Fuzz.Counts d = Fuzz.run("summarisation JSON lines", dir.resolve("docs.jsonl"), utf8(docs.toString()), TEXT_CHARS, rounds, 25,
                f -> SummaryData.read(f, BadRows.FAIL), r -> ((Read<?>) r).items().size() <= 20);
        assertEquals(3 * rounds, a.results() + a.clearErrors() + b.results() + b.clearErrors() + d.results() + d.clearErrors());
    }

    /** A format-1 sentiment folder's text-pipeline.json (a committed fixture), its members replaced by other types. */
    @Test
    @Timeout(300)
    void legacyTextPipelineFiles() throws Exception {
        Path legacy = dir.resolve("sentiment-v1");
        Files.createDirectories(legacy);
        for (String f : List.of("model.json", "weights.safetensors", "text-pipeline.json")) {
            try (var in = getClass().getResourceAsStream("/legacy/sentiment-v1/" + f)) {
                Files.copy(in, legacy.resolve(f));
            }
        }
        Path file = legacy.resolve("text-pipeline.json");
        Fuzz.Counts c = Fuzz.run("format-1 text-pipeline.json members", file, Files.readAllBytes(file), Fuzz::mutateJson, Fuzz.rounds(1000), 28,
                f -> Tasks.load(legacy), r -> r != null);
        assertEquals(c.inputs(), c.results() + c.clearErrors());
    }

    /** Each task's model.json: mutated preprocessing, settings and sizes are refused at load, naming the file. */
    @Test
    @Timeout(600)
    void taskModelFolders() throws IOException {
        List<Path> models = new ArrayList<>();
        Path s = dir.resolve("sentiment");
        List<LabelledText> reviews = new ArrayList<>();
        for (int i = 0; i < 40; i++) reviews.add(new LabelledText(i % 2 == 0 ? "great film" : "awful plot", i % 2 == 0 ? "pos" : "neg", "r:" + i));
        SentimentTask st = new SentimentTask();
        Tasks.train(st, st.defaults(40).withSize(4, 4).withEpochs(1), reviews, reviews, new Tasks.Run(s, false, null));
        models.add(s);

        Path sp = dir.resolve("speech");
        List<SpeechData.Utterance> utts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            float[] x = new float[4000];
            for (int k = 0; k < x.length; k++) x[k] = (float) Math.sin(k * (i % 2 == 0 ? 0.2 : 0.5));
            utts.add(new SpeechData.Utterance("u" + i, i % 2 == 0 ? "yes" : "no", "s", null, x, 8000));
        }
        Transcriber.Settings d = Transcriber.Settings.defaultsFor(8);
        Tasks.train(new SpeechTask(), d.withModel(d.model().withHiddenSize(4)).withTraining(d.training().withEpochs(1)), utts, utts,
                new Tasks.Run(sp, false, null));
        models.add(sp);

        Path csv = dir.resolve("series.csv");
        StringBuilder sb = new StringBuilder("month,value\n");
        for (int i = 0; i < 120; i++) sb.append(String.format("%d-%02d", 2000 + i / 12, i % 12 + 1)).append(',').append(100 + 10 * Math.sin(i * 0.5)).append('\n');
        Files.writeString(csv, sb);
        TimeSeries series = TimeSeries.readCsv(csv, null, null);
        Forecaster.Settings f = Forecaster.Settings.defaults(6, series.frequency());
        Path fc = dir.resolve("forecast");
        ForecastData data = new ForecastData(series, Forecaster.Split.fractions(series.length(), 0.2, 0.2));
        Tasks.train(new ForecastTask(), f.withData(f.data().withInputLength(12)).withModel(f.model().withHiddenSize(4)).withTraining(f.training().withEpochs(1)),
                data, data, new Tasks.Run(fc, false, null));
        models.add(fc);

        System.setProperty(FolderIntegrity.SKIP_PROPERTY, "true");
        try {
            int rounds = Fuzz.rounds(1000);
            long seed = 26;
            for (Path m : models) {
                Path json = m.resolve("model.json");
                byte[] good = Files.readAllBytes(json);
                Fuzz.Counts c = Fuzz.run(m.getFileName() + " model.json", json, good, TEXT_CHARS + "truefalsn", rounds, seed++,
                        file -> Tasks.load(m), r -> r != null);
                assertEquals(rounds, c.results() + c.clearErrors());
                // A member anywhere replaced by null or a value of another type (an object, a number for a string, ...).
                c = Fuzz.run(m.getFileName() + " model.json members", json, good, Fuzz::mutateJson, rounds, seed++,
                        file -> Tasks.load(m), r -> r != null);
                assertEquals(rounds, c.results() + c.clearErrors());
                Files.write(json, good);
            }
        } finally {
            System.clearProperty(FolderIntegrity.SKIP_PROPERTY);
        }
    }
}
