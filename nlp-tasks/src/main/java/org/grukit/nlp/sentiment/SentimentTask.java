package org.grukit.nlp.sentiment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.grukit.core.task.Task;
import org.grukit.nlp.data.LabelledText;

/**
 * Sentiment analysis through the task contract: labelled texts in, a label with its probabilities out. What
 * is its own (the text pipeline, the model, its loss and dev accuracy) lives in {@link SentimentClassifier};
 * training, checkpoints and the model folder are {@link org.grukit.core.task.Tasks}'.
 */
public final class SentimentTask implements Task<SentimentClassifier.Settings, List<LabelledText>, String,
        SentimentClassifier.Prediction, SentimentClassifier> {

    @Override
    public String name() {
        return "sentiment";
    }

    @Override
    public String modelType() {
        return SentimentModel.TYPE;
    }

    @Override
    public int size(List<LabelledText> data) {
        return data.size();
    }

    @Override
    public SentimentClassifier.Settings defaults(int trainSize) {
        return SentimentClassifier.Settings.defaultsFor(trainSize);
    }

    @Override
    public Training<SentimentClassifier> prepare(SentimentClassifier.Settings settings, List<LabelledText> train,
                                                 List<LabelledText> dev) throws IOException {
        return SentimentClassifier.prepare(train, dev, settings);
    }

    @Override
    public SentimentClassifier load(Path dir) throws IOException {
        return SentimentClassifier.load(dir);
    }
}
