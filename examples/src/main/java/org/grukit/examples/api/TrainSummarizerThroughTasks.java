package org.grukit.examples.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.grukit.core.task.Tasks;
import org.grukit.nlp.data.BadRows;
import org.grukit.nlp.summarize.SummarizationTask;
import org.grukit.nlp.summarize.Summarizer;
import org.grukit.nlp.summarize.SummaryData;

/**
 * Summarisation from Java through the task contract: train the pointer-generator on AESLC's emails, load it back and
 * write a subject line. Arguments: TRAIN_DIR DEV_DIR MODEL_DIR (AESLC's enron_subject_line/train and /dev).
 */
public final class TrainSummarizerThroughTasks {
    private TrainSummarizerThroughTasks() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: TrainSummarizerThroughTasks TRAIN_DIR DEV_DIR MODEL_DIR");
            System.exit(2);
        }
        List<SummaryData.Document> train = SummaryData.read(Path.of(args[0]), BadRows.FAIL).items();
        List<SummaryData.Document> dev = SummaryData.read(Path.of(args[1]), BadRows.FAIL).items();
        SummarizationTask task = new SummarizationTask();
        Summarizer.Settings settings = task.defaults(train.size());
        Tasks.Trained<Summarizer> run = Tasks.train(task, settings, train, dev, Tasks.Run.into(Path.of(args[2])));
        System.out.println("dev: " + run.dev());

        Summarizer s = Summarizer.load(Path.of(args[2]));
        String email = "Hi all, the budget review moves to Monday at 10 in room 3. Please bring the Q3 numbers. Thanks, Ann";
        System.out.println(s.predict(List.of(email)).get(0).text());
    }
}
