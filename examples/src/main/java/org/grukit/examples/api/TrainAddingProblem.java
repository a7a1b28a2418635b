package org.grukit.examples.api;

import org.grukit.core.GradMode;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.data.Batching;
import org.grukit.core.nn.Gru;
import org.grukit.core.nn.GruConfig;
import org.grukit.core.nn.Linear;
import org.grukit.core.nn.Losses;
import org.grukit.core.nn.Module;
import org.grukit.core.nn.Reduction;
import org.grukit.core.optim.Adam;
import org.grukit.core.synthetic.AddingProblem;

/**
 * The training loop written out by hand, as one would in PyTorch: a model, an optimiser, and
 * zero_grad / forward / loss / backward / step. ({@code grukit adding} does the same through
 * {@link org.grukit.core.train.Trainer}, which adds checkpoints, early stopping and progress.)
 */
public final class TrainAddingProblem {
    static final class Regressor extends Module {
        final Gru gru;
        final Linear head;

        Regressor(Rng rng) {
            gru = registerModule("gru", new Gru(GruConfig.of(2, 32).withBatchFirst(true), rng));
            head = registerModule("head", new Linear(32, 1, rng));
        }

        Tensor forward(Tensor x) { // [B, T, 2] -> [B]
            Tensor hN = gru.forward(x).hN(); // [1, B, 32]
            return Ops.reshape(head.forward(Ops.select(hN, 0, 0)), -1);
        }
    }

    public static void main(String[] args) {
        Rng rng = new Rng(7);
        AddingProblem.Data train = AddingProblem.generate(4000, 20, rng);
        AddingProblem.Data test = AddingProblem.generate(500, 20, rng);
        Regressor model = new Regressor(rng);
        Adam optimizer = new Adam(model.arena(), Adam.Config.adam(0.01));

        for (int epoch = 1; epoch <= 5; epoch++) {
            double total = 0;
            for (int[] idx : Batching.shuffled(train.size(), 32, rng)) {
                AddingProblem.Data batch = AddingProblem.batch(train, idx);
                optimizer.zeroGrad();
                Tensor loss = Losses.mse(model.forward(batch.inputs()), Tensor.of(batch.targets(), idx.length),
                        Reduction.MEAN);
                loss.backward();
                model.arena().clipGradNorm(1.0);
                optimizer.step();
                total += loss.item() * idx.length;
            }
            double testMse;
            try (GradMode noGrad = GradMode.noGrad()) {
                testMse = Losses.mse(model.forward(test.inputs()), Tensor.of(test.targets(), test.size()),
                        Reduction.MEAN).item();
            }
            System.out.printf("epoch %d  train MSE %.4f  test MSE %.4f  (mean predictor %.4f)%n", epoch,
                    total / train.size(), testMse, AddingProblem.MEAN_PREDICTOR_MSE);
        }
    }
}
