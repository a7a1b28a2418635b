package org.grukit.examples.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.grukit.core.task.TaskModel;
import org.grukit.core.task.Tasks;
import org.grukit.nlp.data.BadRows;
import org.grukit.nlp.data.LabelledText;
import org.grukit.nlp.sentiment.SentimentClassifier;
import org.grukit.nlp.sentiment.SentimentData;
import org.grukit.nlp.sentiment.SentimentTask;

/**
 * The README's "Use as a library" program: train a sentiment classifier through the task contract, then load the
 * folder back without naming the task and predict. Arguments: TRAIN DEV MODEL_DIR (labelled TSV files with
 * sentence and label columns, and an empty or absent folder).
 */
public final class TrainSentimentThroughTasks {
    private TrainSentimentThroughTasks() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: TrainSentimentThroughTasks TRAIN.tsv DEV.tsv MODEL_DIR");
            System.exit(2);
        }
        List<LabelledText> train = SentimentData.read(Path.of(args[0]), BadRows.FAIL).items();
        List<LabelledText> dev = SentimentData.read(Path.of(args[1]), BadRows.FAIL).items();
        SentimentTask task = new SentimentTask();
        SentimentClassifier.Settings settings = task.defaults(train.size()); // the command line's defaults
        Tasks.Trained<SentimentClassifier> run = Tasks.train(task, settings, train, dev, Tasks.Run.into(Path.of(args[2])));
        System.out.println("dev: " + run.dev());

        TaskModel<?, ?, ?> model = Tasks.load(Path.of(args[2])); // any task's folder, by its model.json
        System.out.println(model.describe());
        List<SentimentClassifier.Prediction> p = ((SentimentClassifier) model).predict(List.of("a charming film ."));
        System.out.println(p.get(0).label() + " " + p.get(0).probability());
    }
}
