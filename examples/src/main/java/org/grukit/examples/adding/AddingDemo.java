package org.grukit.examples.adding;

import java.io.IOException;
import java.nio.file.Path;
import org.grukit.core.Rng;
import org.grukit.core.synthetic.AddingProblem;
import org.grukit.core.task.Task;
import org.grukit.core.task.TaskSettings;
import org.grukit.core.task.TrainingSettings;

/** The adding-problem demo (Hochreiter and Schmidhuber 1997) through the task contract, as every task trains. */
public final class AddingDemo implements Task<AddingDemo.Settings, AddingProblem.Data, float[][], Float, AddingSolver> {
    /** The network's size and how it trains. */
    public record Settings(int hiddenSize, TrainingSettings training) implements TaskSettings {
        public Settings {
            if (hiddenSize <= 0) throw new IllegalArgumentException("hiddenSize must be > 0, got " + hiddenSize);
            if (training == null) throw new IllegalArgumentException("training settings must not be null");
        }

        /** GRU(2 -> 48), 8 epochs of batches of 32 at Adam 5e-3, gradients clipped to norm 1. */
        public static Settings defaults() {
            return new Settings(48, new TrainingSettings(8, 32, 5e-3, 0, 1.0, 0, 1));
        }

        public Settings withHiddenSize(int h) {
            return new Settings(h, training);
        }

        public Settings withTraining(TrainingSettings t) {
            return new Settings(hiddenSize, t);
        }
    }


    @Override
    public String name() {
        return "adding";
    }

    @Override
    public String modelType() {
        return AddingModel.TYPE;
    }

    @Override
    public int size(AddingProblem.Data data) {
        return data.size();
    }

    @Override
    public Settings defaults(int trainSize) {
        return Settings.defaults();
    }

    @Override
    public Training<AddingSolver> prepare(Settings s, AddingProblem.Data train, AddingProblem.Data dev) {
        AddingSolver solver = new AddingSolver(new AddingModel(new AddingModel.Config(s.hiddenSize(), 1, true),
                new Rng(s.training().seed())));
        solver.model().train(true);
        return new AddingTask(solver, train, dev, s.training().batchSize());
    }

    @Override
    public AddingSolver load(Path dir) throws IOException {
        return AddingSolver.load(dir);
    }
}
