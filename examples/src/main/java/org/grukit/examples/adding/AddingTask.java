package org.grukit.examples.adding;

import java.util.List;
import java.util.Map;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.synthetic.AddingProblem;
import org.grukit.core.data.Batching;
import org.grukit.core.nn.Losses;
import org.grukit.core.nn.Module;
import org.grukit.core.nn.Reduction;
import org.grukit.core.task.Task;

/** The adding problem's training run: MSE loss, dev MSE and accuracy ({@code |error| < 0.04}) as metrics. */
public final class AddingTask implements Task.Training<AddingSolver> {
    /** The usual success criterion for the adding problem: an absolute error below 0.04. */
    public static final double TOLERANCE = 0.04;

    private final AddingSolver solver;
    private final AddingModel model;
    private final AddingProblem.Data train, dev;
    private final int batchSize;

    public AddingTask(AddingSolver solver, AddingProblem.Data train, AddingProblem.Data dev, int batchSize) {
        this.solver = solver;
        this.model = solver.model();
        this.train = train;
        this.dev = dev;
        this.batchSize = batchSize;
    }

    @Override
    public AddingSolver result() {
        return solver;
    }

    @Override
    public Module model() {
        return model;
    }

    @Override
    public int trainSize() {
        return train.size();
    }

    @Override
    public List<int[]> trainBatches(Rng rng) {
        return Batching.shuffled(train.size(), batchSize, rng);
    }

    @Override
    public Tensor loss(int[] batch) {
        AddingProblem.Data b = AddingProblem.batch(train, batch);
        return Losses.mse(model.forward(b.inputs()), Tensor.of(b.targets(), b.targets().length), Reduction.MEAN);
    }

    @Override
    public Map<String, Double> evaluate() {
        double[] m = score(model, dev, batchSize);
        return Map.of("dev_mse", m[0], "dev_accuracy", m[1]);
    }

    /** {mse, accuracy} of {@code model} on {@code data}. */
    public static double[] score(AddingModel model, AddingProblem.Data data, int batchSize) {
        double se = 0;
        int hits = 0;
        for (int[] idx : Batching.sequential(data.size(), batchSize)) {
            AddingProblem.Data b = AddingProblem.batch(data, idx);
            float[] pred = model.forward(b.inputs()).toArray();
            for (int i = 0; i < idx.length; i++) {
                double e = pred[i] - b.targets()[i];
                se += e * e;
                if (Math.abs(e) < TOLERANCE) hits++;
            }
        }
        return new double[] {se / data.size(), (double) hits / data.size()};
    }

    @Override
    public String monitor() {
        return "dev_mse";
    }

    @Override
    public boolean maximize() {
        return false;
    }
}
