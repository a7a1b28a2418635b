package org.grukit.attention;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.grukit.core.GradMode;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.synthetic.AddingProblem;
import org.grukit.core.data.Batching;
import org.grukit.core.nn.Gru;
import org.grukit.core.nn.GruConfig;
import org.grukit.core.nn.Linear;
import org.grukit.core.nn.Losses;
import org.grukit.core.nn.Module;
import org.grukit.core.nn.RecurrentLayer;
import org.grukit.core.nn.Reduction;
import org.grukit.core.optim.Adam;
import org.junit.jupiter.api.Test;
import org.grukit.attention.recurrent.LightGru;
import org.grukit.attention.recurrent.MinGru;
import org.grukit.attention.recurrent.SimpleRnn;
import org.grukit.attention.recurrent.TauGru;

/**
 * The adding problem over 100 steps (predicting the mean scores an MSE of 1/6): the GRU and each variant
 * learn it, a plain RNN of the same size does not. Prints, for each, the steps to reach a dev MSE of 0.01
 * and the final dev MSE, for the comparison in the closing note.
 */
class LongDependencyTest {
    static final int STEPS = 100, HIDDEN = 24, BATCH = 32, BUDGET = 2000;

    /** A recurrent layer, then a linear readout of its final state. */
    static final class Regressor extends Module {
        final RecurrentLayer layer;
        final Linear head;

        <L extends Module & RecurrentLayer> Regressor(L layer, Rng rng) {
            this.layer = registerModule("layer", layer);
            head = registerModule("head", new Linear(layer.outputSize(), 1, rng));
        }

        Tensor forward(Tensor x) {
            Tensor hN = layer.forward(x, null, null).hN(); // [1, B, H]
            return Ops.reshape(head.forward(Ops.select(hN, 0, 0)), -1);
        }
    }

    /** {steps to dev MSE < 0.01 (or -1), final dev MSE}. */
    static double[] train(Regressor model, long seed) {
        Rng rng = new Rng(seed);
        AddingProblem.Data dev = AddingProblem.generate(500, STEPS, new Rng(99));
        Adam opt = new Adam(model.arena(), Adam.Config.adam(0.005));
        int solvedAt = -1;
        double devMse = Double.NaN;
        for (int step = 1; step <= BUDGET; step++) {
            AddingProblem.Data batch = AddingProblem.generate(BATCH, STEPS, rng);
            opt.zeroGrad();
            model.train(true);
            Losses.mse(model.forward(batch.inputs()), Tensor.of(batch.targets(), BATCH), Reduction.MEAN).backward();
            model.arena().clipGradNorm(1.0);
            opt.step();
            if (step % 50 == 0) {
                model.train(false);
                try (GradMode g = GradMode.noGrad()) {
                    devMse = Losses.mse(model.forward(dev.inputs()), Tensor.of(dev.targets(), dev.size()), Reduction.MEAN).item();
                }
                if (devMse < 0.01 && solvedAt < 0) solvedAt = step;
                if (solvedAt > 0 && step >= solvedAt + 200) break; // solved and settled
            }
        }
        return new double[] {solvedAt, devMse};
    }

    @Test
    void gatedUnitsLearnHundredStepDependenciesThatAPlainRnnDoesNot() {
        Map<String, Function<Rng, Regressor>> models = new LinkedHashMap<>();
        models.put("GRU", r -> new Regressor(new Gru(GruConfig.of(2, HIDDEN).withBatchFirst(true), r), r));
        models.put("minGRU", r -> new Regressor(new MinGru(2, HIDDEN, r), r));
        models.put("tau-GRU", r -> new Regressor(new TauGru(TauGru.Config.of(2, HIDDEN, 5), r), r));
        models.put("light GRU", r -> new Regressor(new LightGru(2, HIDDEN, r), r));
        models.put("RNN", r -> new Regressor(new SimpleRnn(2, HIDDEN, r), r));
        Map<String, double[]> results = new LinkedHashMap<>();
        for (var e : models.entrySet()) {
            long t0 = System.nanoTime();
            double[] r = train(e.getValue().apply(new Rng(7)), 7);
            results.put(e.getKey(), r);
            System.out.printf("adding T=%d H=%d: %-9s steps to MSE<0.01: %5s  final dev MSE %.5f  (%.0f s)%n", STEPS, HIDDEN,
                    e.getKey(), r[0] < 0 ? "never" : String.valueOf((int) r[0]), r[1], (System.nanoTime() - t0) / 1e9);
        }
        for (String gated : new String[] {"GRU", "minGRU", "tau-GRU", "light GRU"}) {
            assertTrue(results.get(gated)[0] > 0, gated + " did not reach MSE 0.01 in " + BUDGET + " steps: " + results.get(gated)[1]);
        }
        assertTrue(results.get("RNN")[1] > 0.05, "the plain RNN was expected to fail, got MSE " + results.get("RNN")[1]);
    }
}
