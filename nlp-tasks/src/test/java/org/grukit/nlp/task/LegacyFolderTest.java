package org.grukit.nlp.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.grukit.core.io.Json;
import org.grukit.core.io.ModelBundle;
import org.grukit.core.task.Tasks;
import org.grukit.nlp.sentiment.SentimentClassifier;
import org.grukit.nlp.translate.Translator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Folders of model format 1 (preprocessing in text-pipeline.json and friends), written by the grukit of that format
 * (test resources {@code legacy/}), load and answer as that grukit did; saved again, they are format 2 with one
 * model.json. Formats this grukit does not read are refused with what to do.
 */
class LegacyFolderTest {
    @TempDir
    Path dir;

    @Test
    void aFormatOneSentimentFolderLoadsAndPredictsAsTheGrukitThatWroteIt() throws IOException {
        var loaded = (SentimentClassifier) Tasks.loadResource(getClass().getClassLoader(), "legacy/sentiment-v1");
        Path folder = Path.of(java.net.URI.create(getClass().getClassLoader().getResource("legacy/sentiment-v1/model.json").toString()))
                .getParent();
        List<String> rows = Files.readAllLines(folder.resolve("predictions-by-grukit-0.1.tsv"));
        for (String row : rows) {
            String[] f = row.split("\t");
            SentimentClassifier.Prediction p = loaded.predict(f[0]);
            assertEquals(f[1], p.label(), row);
            assertEquals(Double.parseDouble(f[2]), p.probability(), 5e-5, row);
        }
        loaded.save(dir);
        JsonNode descriptor = ModelBundle.readDescriptor(dir);
        assertEquals(ModelBundle.FORMAT_VERSION, descriptor.get("formatVersion").asInt());
        assertTrue(descriptor.at("/preprocessing/text/config/tokenizer").isTextual(), descriptor.get("preprocessing").toString());
        assertTrue(!Files.exists(dir.resolve("text-pipeline.json")), "format 2 keeps no text-pipeline.json");
        SentimentClassifier again = SentimentClassifier.load(dir);
        for (String row : rows) assertEquals(loaded.predict(row.split("\t")[0]), again.predict(row.split("\t")[0]));
    }

    @Test
    void aFormatOneTranslatorWithBpeInSubfoldersLoadsAndResavesIntoOneFolder() throws IOException {
        var loaded = (Translator) Tasks.loadResource(getClass().getClassLoader(), "legacy/translate-v1");
        List<String> sources = List.of("ein hund läuft", "zwei männer");
        List<String> before = loaded.translate(sources, 1);
        assertEquals(2, before.size());
        loaded.save(dir);
        assertTrue(Files.isRegularFile(dir.resolve("source.bpe.json")) && Files.isRegularFile(dir.resolve("target.bpe.json")));
        assertTrue(!Files.exists(dir.resolve("source")), "no subfolders in format 2");
        JsonNode pre = ModelBundle.readDescriptor(dir).get("preprocessing");
        assertEquals("bpe:source.bpe.json", pre.at("/source/config/tokenizer").asText());
        assertEquals(before, Translator.load(dir).translate(sources, 1));
    }

    /** A task model's sizes are checked against its weights file before allocation (embedDim 1,000,000 was an OutOfMemoryError). */
    @Test
    @org.junit.jupiter.api.Timeout(20)
    void aTaskModelWhoseSizesLieIsRefusedBeforeAllocating() throws IOException {
        Path src = Path.of(java.net.URI.create(getClass().getClassLoader().getResource("legacy/sentiment-v1/model.json").toString())).getParent();
        Path d = dir.resolve("lying");
        Files.createDirectories(d);
        try (var files = Files.list(src)) {
            for (Path f : files.toList()) Files.copy(f, d.resolve(f.getFileName()));
        }
        Path json = d.resolve("model.json");
        Files.writeString(json, Files.readString(json).replace("\"embedDim\" : 4", "\"embedDim\" : 1000000"));
        var e = assertThrows(IOException.class, () -> SentimentClassifier.load(d));
        assertTrue(e.getMessage().contains("model.json") && e.getMessage().contains("its sizes are wrong"), e.getMessage());
    }

    @Test
    void formatsThisGrukitDoesNotReadAreRefusedWithWhatToDo() throws IOException {
        for (int version : new int[] {0, ModelBundle.FORMAT_VERSION + 1}) {
            Path d = dir.resolve("v" + version);
            Files.createDirectories(d);
            Files.writeString(d.resolve("model.json"), "{\"formatVersion\": " + version + ", \"type\": \"sentiment-classifier\", \"config\": {}}");
            var e = assertThrows(IOException.class, () -> Tasks.load(d));
            assertTrue(e.getMessage().contains("formatVersion " + version), e.getMessage());
            assertTrue(e.getMessage().contains(version == 0 ? "retrain" : "newer grukit"), e.getMessage());
        }
        // A format-1 folder that lost its preprocessing file says which.
        Path d = dir.resolve("lost");
        Files.createDirectories(d);
        Files.writeString(d.resolve("model.json"), Json.pretty(Json.object().put("formatVersion", 1).put("type", "sentiment-classifier")
                .set("config", Json.object())));
        var e = assertThrows(IOException.class, () -> SentimentClassifier.load(d));
        assertTrue(e.getMessage().contains("text-pipeline.json"), e.getMessage());
        // Another task's folder is named for what it holds, not for a file it lacks.
        var wrong = assertThrows(IOException.class, () -> org.grukit.nlp.speech.Transcriber.load(d));
        assertTrue(wrong.getMessage().contains("holds a 'sentiment-classifier' model, not a 'speech-ctc' one"), wrong.getMessage());
    }
}
