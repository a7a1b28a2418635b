package org.grukit.examples.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grukit.core.Rng;
import org.grukit.core.synthetic.AddingProblem;
import org.grukit.core.task.Tasks;
import org.grukit.core.train.JsonLines;
import org.grukit.examples.adding.AddingDemo;
import org.grukit.examples.adding.AddingSolver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The adding-problem job: trains a GRU on the adding problem, generated on the fly (no download), through the
 * task contract as every task trains (progress, the best epoch kept, metrics.jsonl and training.png in the
 * model folder), reloads the model as a user would and scores it on a fresh test set against the
 * mean-predictor baseline. The last line is a JSON summary.
 */
@Command(name = "adding", mixinStandardHelpOptions = true,
        description = "Train a GRU on the adding problem (generated data, no download) and evaluate it.")
final class AddingCommand implements Callable<Integer> {
    private static final AddingDemo.Settings D = AddingDemo.Settings.defaults();

    @Option(names = "--steps", description = "Sequence length (default: ${DEFAULT-VALUE}).", defaultValue = "50")
    int steps;
    @Option(names = "--hidden", description = "GRU hidden size (default: 48).")
    Integer hidden;
    @Option(names = "--train-size", description = "Training sequences (default: ${DEFAULT-VALUE}).", defaultValue = "8000")
    int trainSize;
    @Option(names = "--out", description = "Model folder (default: ${DEFAULT-VALUE}); must be empty, or see --resume and"
            + " --overwrite.", defaultValue = "runs/adding")
    Path out;
    @Mixin
    ModelFolderOptions folder = new ModelFolderOptions();
    @Mixin
    TrainingOptions training = new TrainingOptions();
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // The library's defaults, changed only where an option was given.
        AddingDemo.Settings s = D.withTraining(training.apply(D.training()));
        if (hidden != null) s = s.withHiddenSize(hidden);

        Rng rng = new Rng(s.training().seed());
        AddingProblem.Data train = AddingProblem.generate(trainSize, steps, rng.split());
        AddingProblem.Data dev = AddingProblem.generate(1000, steps, rng.split());
        AddingProblem.Data test = AddingProblem.generate(2000, steps, rng.split());
        System.err.printf("adding problem: %d-step sequences, %d train / %d dev / %d test; GRU(2 -> %d) + linear;"
                + " mean-predictor MSE %.4f%n", steps, train.size(), dev.size(), test.size(), s.hiddenSize(),
                AddingProblem.MEAN_PREDICTOR_MSE);
        Tasks.Trained<AddingSolver> trained = Tasks.train(new AddingDemo(), s, train, dev,
                folder.run(out, training.progress(), spec.commandLine().getParseResult().originalArgs().toArray(new String[0])));

        // Score the saved model, as a user would load it.
        AddingSolver loaded = AddingSolver.load(out);
        Map<String, Double> scores = loaded.metrics(test);
        List<float[][]> sample = new ArrayList<>();
        float[] x = test.inputs().toArray();
        for (int i = 0; i < 5; i++) {
            float[][] seq = new float[steps][2];
            for (int k = 0; k < steps; k++) {
                seq[k][0] = x[(i * steps + k) * 2];
                seq[k][1] = x[(i * steps + k) * 2 + 1];
            }
            sample.add(seq);
        }
        List<Float> preds = loaded.predict(sample);
        System.err.println("test examples (target -> prediction):");
        for (int i = 0; i < preds.size(); i++) System.err.printf("  %.3f -> %.3f%n", test.targets()[i], preds.get(i));

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("task", "adding");
        result.put("steps", steps);
        result.put("test_mse", round(scores.get("mse")));
        result.put("baseline_mse", round(AddingProblem.MEAN_PREDICTOR_MSE));
        result.put("test_accuracy", round(scores.get("accuracy")));
        result.put("epochs", trained.summary().epochsRun());
        result.put("best_epoch", trained.summary().bestEpoch());
        result.put("train_loss", List.of(trained.summary().history().stream().map(r -> round(r.trainLoss())).toArray()));
        result.put("seconds", Math.round(trained.summary().seconds() * 10) / 10.0);
        result.put("model", out.toString());
        result.put("training_curve", out.resolve(Tasks.TRAINING_PNG).toString());
        System.out.println(JsonLines.of(result));
        return 0;
    }

    private static double round(double v) {
        return Math.round(v * 1e5) / 1e5;
    }
}
