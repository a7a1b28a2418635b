package org.grukit.examples.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grukit.core.task.Tasks;
import org.grukit.core.train.JsonLines;
import org.grukit.nlp.data.LabelledText;
import org.grukit.nlp.sentiment.Evaluation;
import org.grukit.nlp.sentiment.SentimentClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The quickstart job: a BiGRU sentiment classifier with attention pooling, trained on the film-review
 * sentences grukit ships (made by tools/data/make_reviews.py, no download), evaluated on their test split,
 * reloaded from disk as a user would, and asked about a few sentences whose meaning hangs on word order, with
 * each token's attention weight. The last line is a JSON summary.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Train a sentiment classifier on grukit's own review sentences (no download), evaluate, predict.")
final class QuickstartCommand implements Callable<Integer> {
    static final List<String> EXAMPLES = List.of("the plot is not bad .", "the acting was brilliant , but the script is tedious .",
            "although the opening is dull , the finale is thrilling .", "i really did not enjoy the soundtrack .",
            "never have i seen such a charming film ."); // none is in any split of the data: asked of the model, not recalled

    @Option(names = "--epochs", defaultValue = "12", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;
    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--out", defaultValue = "runs/quickstart", description = "Model folder; a previous demo run there is replaced (default: ${DEFAULT-VALUE}).")
    Path out;

    /** One split of the embedded review sentences (sentence, label). */
    static List<LabelledText> reviews(String split) throws IOException {
        String name = "/org/grukit/examples/reviews/" + split + ".tsv";
        List<LabelledText> out = new ArrayList<>();
        try (InputStream in = QuickstartCommand.class.getResourceAsStream(name)) {
            if (in == null) throw new IOException("the embedded dataset " + name + " is missing from the jar");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            r.readLine(); // header
            int line = 1;
            for (String s; (s = r.readLine()) != null; ) {
                line++;
                int tab = s.indexOf('\t');
                if (tab < 0) throw new IOException(name + ":" + line + ": expected sentence<TAB>label");
                out.add(new LabelledText(s.substring(0, tab), s.substring(tab + 1), split + ".tsv:" + line));
            }
        }
        return out;
    }

    @Override
    public Integer call() throws Exception {
        List<LabelledText> train = reviews("train"), dev = reviews("dev"), test = reviews("test");
        System.err.printf("grukit reviews: %d train / %d dev / %d test sentences (pos, neg); BiGRU + attention pooling%n",
                train.size(), dev.size(), test.size());
        SentimentClassifier.Settings d = SentimentClassifier.Settings.defaultsFor(train.size());
        SentimentClassifier.Settings s = d.withSize(128, 128).withTraining(d.training().withEpochs(epochs).withSeed(seed));
        // A demo run replaces the last one (a folder that holds no grukit model is still refused).
        SentimentClassifier.Trained t = SentimentClassifier.train(train, dev, s,
                Tasks.Run.into(out).withListener(org.grukit.core.train.ConsoleProgress.onStderr()).withExisting(Tasks.Existing.OVERWRITE));

        SentimentClassifier loaded = SentimentClassifier.load(out); // as a user would
        Evaluation e = loaded.evaluate(test);
        System.err.printf("test: accuracy %.3f, macro-F1 %.3f, confusion %s (rows: true %s)%n", e.accuracy(), e.macroF1(),
                java.util.Arrays.deepToString(e.confusion()), e.labels());
        List<SentimentClassifier.Explanation> explained = new ArrayList<>();
        for (String text : EXAMPLES) {
            SentimentClassifier.Explanation x = loaded.explain(text);
            explained.add(x);
            int top = 0;
            for (int k = 1; k < x.weights().length; k++) if (x.weights()[k] > x.weights()[top]) top = k;
            System.err.printf("  %-3s %.3f  %s   (most attended: '%s' %.2f)%n", x.prediction().label(), x.prediction().probability(), text,
                    x.tokens().get(top).text(), x.weights()[top]);
        }
        // The training curve (training.png) and metrics.jsonl are written by the training run itself.
        Path heatmap = out.resolve("attention.png"), curve = out.resolve(Tasks.TRAINING_PNG);
        SentimentPictures.heatmap(heatmap, explained);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("task", "sentiment");
        result.put("data", "grukit reviews");
        result.put("test_accuracy", Math.round(e.accuracy() * 1e4) / 1e4);
        result.put("test_macro_f1", Math.round(e.macroF1() * 1e4) / 1e4);
        result.put("dev_accuracy", Math.round(t.dev().accuracy() * 1e4) / 1e4);
        result.put("epochs", t.summary().epochsRun());
        result.put("best_epoch", t.summary().bestEpoch());
        result.put("seconds", Math.round(t.summary().seconds() * 10) / 10.0);
        result.put("predictions", explained.stream().map(x -> x.prediction().label()).toList());
        result.put("model", out.toString());
        result.put("attention_png", heatmap.toString());
        result.put("training_curve", curve.toString());
        System.out.println(JsonLines.of(result));
        return 0;
    }
}
