package org.grukit.nlp.translate;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.grukit.core.task.Task;
import org.grukit.nlp.data.TextPair;

/**
 * Translation through the task contract: sentence pairs in, a translation out. What is its own (the source
 * and target pipelines, the attention model, its loss and dev BLEU) lives in {@link Translator}.
 */
public final class TranslationTask implements Task<Translator.Settings, List<TextPair>, String, Translator.Translation,
        Translator> {

    @Override
    public String name() {
        return "translate";
    }

    @Override
    public String modelType() {
        return TranslationModel.TYPE;
    }

    @Override
    public int size(List<TextPair> data) {
        return data.size();
    }

    @Override
    public Translator.Settings defaults(int trainSize) {
        return Translator.Settings.defaults();
    }

    @Override
    public Training<Translator> prepare(Translator.Settings settings, List<TextPair> train, List<TextPair> dev)
            throws IOException {
        return Translator.prepare(train, dev, settings);
    }

    @Override
    public Translator load(Path dir) throws IOException {
        return Translator.load(dir);
    }
}
