package org.grukit.examples.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grukit.core.GradMode;
import org.grukit.core.Rng;
import org.grukit.core.io.ModelBundle;
import org.grukit.core.optim.Adam;
import org.grukit.core.optim.FactorSchedule;
import org.grukit.core.optim.LrScheduler;
import org.grukit.core.train.JsonLines;
import org.grukit.core.train.Trainer;
import org.grukit.core.train.TrainerConfig;
import org.grukit.examples.adding.AddingModel;
import org.grukit.core.data.AddingProblem;
import org.grukit.examples.adding.AddingTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The adding-problem job: trains a GRU on the adding problem, generated on the fly (no download), shows the
 * loss falling and the dev error per epoch, saves the best model, reloads it and scores it on a fresh test
 * set against the mean-predictor baseline. The last line is a JSON summary.
 */
@Command(name = "adding", mixinStandardHelpOptions = true,
        description = "Train a GRU on the adding problem (generated data, no download) and evaluate it.")
final class AddingCommand implements Callable<Integer> {
    @Option(names = "--steps", description = "Sequence length (default: ${DEFAULT-VALUE}).", defaultValue = "50")
    int steps;
    @Option(names = "--hidden", description = "GRU hidden size (default: ${DEFAULT-VALUE}).", defaultValue = "48")
    int hidden;
    @Option(names = "--train-size", description = "Training sequences (default: ${DEFAULT-VALUE}).", defaultValue = "8000")
    int trainSize;
    @Option(names = "--epochs", description = "Epochs (default: ${DEFAULT-VALUE}).", defaultValue = "8")
    int epochs;
    @Option(names = "--batch-size", description = "Batch size (default: ${DEFAULT-VALUE}).", defaultValue = "32")
    int batchSize;
    @Option(names = "--lr", description = "Adam learning rate (default: ${DEFAULT-VALUE}).", defaultValue = "0.005")
    double lr;
    @Option(names = "--seed", description = "Random seed (default: ${DEFAULT-VALUE}).", defaultValue = "1")
    long seed;
    @Option(names = "--out", description = "Where checkpoints and the best model go (default: ${DEFAULT-VALUE}).",
            defaultValue = "runs/adding")
    Path out;
    @Option(names = "--resume", description = "Continue from the last checkpoint in --out, if any.")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        AddingModel.register();
        Rng rng = new Rng(seed);
        AddingProblem.Data train = AddingProblem.generate(trainSize, steps, rng.split());
        AddingProblem.Data dev = AddingProblem.generate(1000, steps, rng.split());
        AddingProblem.Data test = AddingProblem.generate(2000, steps, rng.split());
        AddingModel model = new AddingModel(new AddingModel.Config(hidden, 1, true), rng.split());
        System.err.printf("adding problem: %d-step sequences, %d train / %d dev / %d test; GRU(2 -> %d) + linear,"
                + " %d parameters; mean-predictor MSE %.4f%n", steps, train.size(), dev.size(), test.size(), hidden,
                model.parameterCount(), AddingProblem.MEAN_PREDICTOR_MSE);

        Adam optimizer = new Adam(model.arena(), Adam.Config.adam(lr));
        int stepsPerEpoch = (trainSize + batchSize - 1) / batchSize;
        LrScheduler schedule = FactorSchedule.cosine(optimizer, (long) epochs * stepsPerEpoch, lr / 20,
                LrScheduler.Interval.STEP);
        TrainerConfig tc = TrainerConfig.of(epochs, seed).withClipNorm(1.0).withCheckpoints(out, resume);
        Trainer.Summary summary = new Trainer(tc)
                .provenance(ModelBundle.Provenance.of(seed, "adding problem, generated, T=" + steps))
                .fit(new AddingTask(model, train, dev, batchSize), optimizer, schedule);

        // Score the saved best model, as a user would load it.
        Path bestDir = out.resolve("best");
        AddingModel loaded = ModelBundle.load(bestDir, AddingModel.class);
        double[] scores;
        float[] preds;
        AddingProblem.Data sample = AddingProblem.batch(test, new int[] {0, 1, 2, 3, 4});
        try (GradMode g = GradMode.noGrad()) {
            scores = AddingTask.score(loaded, test, 256);
            preds = loaded.forward(sample.inputs()).toArray();
        }
        System.err.println("test examples (target -> prediction):");
        for (int i = 0; i < preds.length; i++) {
            System.err.printf("  %.3f -> %.3f%n", sample.targets()[i], preds[i]);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("task", "adding");
        result.put("steps", steps);
        result.put("test_mse", round(scores[0]));
        result.put("baseline_mse", round(AddingProblem.MEAN_PREDICTOR_MSE));
        result.put("test_accuracy", round(scores[1]));
        result.put("epochs", summary.epochsRun());
        result.put("best_epoch", summary.bestEpoch());
        result.put("train_loss", List.of(summary.history().stream().map(r -> round(r.trainLoss())).toArray()));
        result.put("seconds", Math.round(summary.seconds() * 10) / 10.0);
        result.put("model", bestDir.toString());
        Path curve = out.resolve("training.png");
        org.grukit.core.plot.Charts.lineChart(curve, "GRU on the adding problem (T=" + steps + ")", "epoch", List.of(
                new org.grukit.core.plot.Charts.Series("train MSE",
                        summary.history().stream().mapToDouble(r -> r.trainLoss()).toArray()),
                new org.grukit.core.plot.Charts.Series("dev MSE",
                        summary.history().stream().mapToDouble(r -> r.metrics().get("dev_mse")).toArray()),
                new org.grukit.core.plot.Charts.Series("mean predictor",
                        summary.history().stream().mapToDouble(r -> AddingProblem.MEAN_PREDICTOR_MSE).toArray())), true);
        result.put("training_curve", curve.toString());
        System.out.println(JsonLines.of(result));
        return 0;
    }

    private static double round(double v) {
        return Math.round(v * 1e5) / 1e5;
    }
}
