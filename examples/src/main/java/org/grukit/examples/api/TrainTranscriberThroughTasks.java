package org.grukit.examples.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.grukit.core.task.Tasks;
import org.grukit.nlp.speech.SpeechData;
import org.grukit.nlp.speech.SpeechTask;
import org.grukit.nlp.speech.Transcriber;

/**
 * Speech recognition from Java through the task contract: train a CTC transcriber on FSDD's training recordings (10%
 * held out to pick the epoch), load it back and score the test recordings. Arguments: FSDD_DIR MODEL_DIR.
 */
public final class TrainTranscriberThroughTasks {
    private TrainTranscriberThroughTasks() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: TrainTranscriberThroughTasks FSDD_DIR MODEL_DIR");
            System.exit(2);
        }
        List<SpeechData.Utterance> all = SpeechData.read(Path.of(args[0]));
        List<List<SpeechData.Utterance>> parts = SpeechData.holdOut(SpeechData.select(all, "fsdd-train"), 0.1, 1);
        SpeechTask task = new SpeechTask();
        Transcriber.Settings settings = task.defaults(parts.get(0).size()); // sized to the data, as speech train
        Tasks.Trained<Transcriber> run = Tasks.train(task, settings, parts.get(0), parts.get(1), Tasks.Run.into(Path.of(args[1])));
        System.out.println("dev: " + run.dev());

        Transcriber t = Transcriber.load(Path.of(args[1]));
        List<SpeechData.Utterance> test = SpeechData.select(all, "fsdd-test");
        System.out.println("test: " + t.metrics(test));
        System.out.println(test.get(0).transcript() + " -> " + t.predict(test.subList(0, 1)).get(0));
    }
}
