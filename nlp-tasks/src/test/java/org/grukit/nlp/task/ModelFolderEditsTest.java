package org.grukit.nlp.task;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.grukit.core.Rng;
import org.grukit.core.io.FolderIntegrity;
import org.grukit.core.task.Tasks;
import org.grukit.nlp.data.LabelledText;
import org.grukit.nlp.data.TextPair;
import org.grukit.nlp.sentiment.SentimentClassifier;
import org.grukit.nlp.sentiment.SentimentTask;
import org.grukit.nlp.speech.SpeechTask;
import org.grukit.nlp.speech.Transcriber;
import org.grukit.nlp.translate.TranslationTask;
import org.grukit.nlp.translate.Translator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edits that used to load silently and answer like neither model (an edited label, two vocabulary entries
 * swapped, a BPE file changed) are refused at load, naming the file.
 */
class ModelFolderEditsTest {
    @TempDir
    Path dir;

    private Path sentiment() throws IOException {
        List<LabelledText> data = new ArrayList<>();
        Rng rng = new Rng(1);
        for (int i = 0; i < 60; i++) {
            boolean pos = rng.uniform() < 0.5;
            data.add(new LabelledText(pos ? "great film" : "awful film", pos ? "pos" : "neg", "r:" + i));
        }
        SentimentTask task = new SentimentTask();
        Path model = dir.resolve("sentiment");
        Tasks.train(task, task.defaults(60).withSize(4, 4).withEpochs(1), data, data, new Tasks.Run(model, false, null));
        return model;
    }

    private static void assertRefused(Path model, String file) {
        IOException e = assertThrows(IOException.class, () -> Tasks.load(model));
        assertTrue(e.getMessage().contains(file) && e.getMessage().contains("after the model was saved"), e.getMessage());
    }

    @Test
    void anEditedLabelOrSwappedVocabularyEntriesAreRefused() throws IOException {
        Path model = sentiment();
        Path json = model.resolve("model.json");
        String text = Files.readString(json);
        Files.writeString(json, text.replace("\"pos\"", "\"positive\""));
        assertRefused(model, "model.json");
        Files.writeString(json, text.replace("\"great\"", "\"@@\"").replace("\"awful\"", "\"great\"").replace("\"@@\"", "\"awful\""));
        assertRefused(model, "model.json");
        Files.writeString(json, text);
        Tasks.load(model); // the original content loads again
    }

    /**
     * Speech feature settings read from model.json are held to a constructor's limits at load, also when the digests
     * are skipped: 1e9 mel bins, a frame of 11 days or a delta window of 1e9 frames used to run out of memory or hang
     * at the first transcription.
     */
    @Test
    void speechFeatureSettingsAreCheckedAtLoad() throws IOException {
        SpeechTask task = new SpeechTask();
        Transcriber.Settings d = Transcriber.Settings.defaultsFor(20);
        Transcriber.Settings s = d.withModel(d.model().withHiddenSize(8)).withTraining(d.training().withEpochs(1).withBatchSize(8));
        Path model = dir.resolve("speech");
        Tasks.train(task, s, TinyData.tones(20, new Rng(1)), TinyData.tones(5, new Rng(2)), new Tasks.Run(model, false, null));
        Path json = model.resolve("model.json");
        String text = Files.readString(json);
        System.setProperty(FolderIntegrity.SKIP_PROPERTY, "true");
        try {
            for (String[] edit : new String[][] {{"\"numMelBins\" : 23", "\"numMelBins\" : 1000000000", "numMelBins must be in [3, 1024]"},
                    {"\"frameLength\" : 25.0", "\"frameLength\" : 1.0E9", "frameLength and frameShift must be at most 1000.0 ms"},
                    {"\"deltaWindow\" : 5", "\"deltaWindow\" : 1000000000", "deltaWindow must be 0 or in [3, 101] frames"}}) {
                assertTrue(text.contains(edit[0]), "fixture text " + edit[0]);
                Files.writeString(json, text.replace(edit[0], edit[1]));
                IOException e = assertThrows(IOException.class, () -> Tasks.load(model));
                assertTrue(e.getMessage().contains("model.json") && e.getMessage().contains(edit[2]), e.getMessage());
            }
        } finally {
            System.clearProperty(FolderIntegrity.SKIP_PROPERTY);
        }
    }

    @Test
    void aChangedBpeFileIsRefusedByName() throws IOException {
        List<TextPair> pairs = new ArrayList<>();
        for (int i = 0; i < 40; i++) pairs.add(new TextPair("ka lu mi " + i, i + " three two one", "p:" + i));
        Translator.Settings d = Translator.Settings.defaults().withSize(4, 8, 8).withEpochs(1);
        Translator.Settings s = d.withText(d.text().withBpeVocab(300));
        Path model = dir.resolve("translate");
        Tasks.train(new TranslationTask(), s, pairs, pairs, new Tasks.Run(model, false, null));
        Path bpe = model.resolve("source.bpe.json");
        assertTrue(Files.exists(bpe), "a BPE model writes its merges beside model.json");
        Files.writeString(bpe, Files.readString(bpe).replaceFirst("\\]", ", [\"k\", \"a\"]]"));
        assertRefused(model, "source.bpe.json");
    }
}
