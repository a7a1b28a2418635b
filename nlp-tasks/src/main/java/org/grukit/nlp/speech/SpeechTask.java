package org.grukit.nlp.speech;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.grukit.core.task.Task;

/**
 * Speech recognition through the task contract: transcribed utterances in, a transcript out. What is its own
 * (the feature pipeline, the output units, the CTC model, its loss and dev WER) lives in {@link Transcriber}.
 */
public final class SpeechTask implements Task<Transcriber.Settings, List<SpeechData.Utterance>, SpeechData.Utterance,
        String, Transcriber> {

    @Override
    public String name() {
        return "speech";
    }

    @Override
    public String modelType() {
        return SpeechModel.TYPE;
    }

    @Override
    public int size(List<SpeechData.Utterance> data) {
        return data.size();
    }

    /** Sized to the training set: see {@link Transcriber.Settings#defaultsFor}. */
    @Override
    public Transcriber.Settings defaults(int trainSize) {
        return Transcriber.Settings.defaultsFor(trainSize);
    }

    @Override
    public Training<Transcriber> prepare(Transcriber.Settings settings, List<SpeechData.Utterance> train,
                                         List<SpeechData.Utterance> dev) throws IOException {
        return Transcriber.prepare(train, dev, settings);
    }

    @Override
    public Transcriber load(Path dir) throws IOException {
        return Transcriber.load(dir);
    }
}
