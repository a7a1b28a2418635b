package org.grukit.examples.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.grukit.core.task.Tasks;
import org.grukit.nlp.data.ParallelCorpus;
import org.grukit.nlp.data.TextPair;
import org.grukit.nlp.translate.TranslationTask;
import org.grukit.nlp.translate.Translator;

/**
 * Translation from Java through the task contract: train on parallel files (a sentence a line), load the folder back
 * and translate. Arguments: TRAIN.src TRAIN.tgt DEV.src DEV.tgt MODEL_DIR (Multi30k's train.de train.en val.de val.en).
 */
public final class TrainTranslatorThroughTasks {
    private TrainTranslatorThroughTasks() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 5) {
            System.err.println("usage: TrainTranslatorThroughTasks TRAIN.src TRAIN.tgt DEV.src DEV.tgt MODEL_DIR");
            System.exit(2);
        }
        List<TextPair> train = ParallelCorpus.read(Path.of(args[0]), Path.of(args[1]));
        List<TextPair> dev = ParallelCorpus.read(Path.of(args[2]), Path.of(args[3]));
        TranslationTask task = new TranslationTask();
        Translator.Settings d = task.defaults(train.size());
        // BPE of 8,000 pieces shared by both sides instead of words; everything else as the command line's defaults.
        Translator.Settings settings = d.withText(d.text().withBpeVocab(8000).withSharedVocabulary(true));
        Tasks.Trained<Translator> run = Tasks.train(task, settings, train, dev, Tasks.Run.into(Path.of(args[4])));
        System.out.println("dev: " + run.dev());

        Translator t = Translator.load(Path.of(args[4]));
        for (Translator.Translation x : t.predict(List.of("Ein Hund läuft über eine Wiese.", "Zwei Männer spielen Fußball."))) {
            System.out.println(x.text());
        }
    }
}
