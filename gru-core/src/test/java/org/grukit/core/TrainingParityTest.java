package org.grukit.core;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.grukit.core.nn.Gru;
import org.grukit.core.nn.GruConfig;
import org.grukit.core.nn.Linear;
import org.grukit.core.nn.Losses;
import org.grukit.core.nn.Module;
import org.grukit.core.optim.Adam;
import org.grukit.core.optim.Optimizer;
import org.grukit.core.optim.ParamGroup;
import org.grukit.core.optim.Sgd;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * 20 training steps of a small GRU classifier from PyTorch's initial weights: each step's loss matches
 * PyTorch's within 1e-4 relative, for Adam, SGD with momentum, AdamW and Nesterov SGD with weight decay,
 * AMSGrad and parameter groups, and the final weights agree.
 */
class TrainingParityTest {

    static final class Classifier extends Module {
        final Gru gru;
        final Linear fc;

        Classifier(Rng rng) {
            gru = registerModule("gru", new Gru(GruConfig.of(3, 8).withBatchFirst(true), rng));
            fc = registerModule("fc", new Linear(8, 2, rng));
        }

        Tensor forward(Tensor x) {
            Tensor hn = gru.forward(x).hN(); // [1, B, H]
            return fc.forward(Ops.select(hn, 0, 0));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"adam", "sgd_momentum", "adamw", "sgd_nesterov_wd"})
    void lossCurveMatchesTorch(String name) {
        Function<ParameterArena, Optimizer> make = switch (name) {
            case "adam" -> a -> new Adam(a, Adam.Config.adam(0.01));
            case "sgd_momentum" -> a -> new Sgd(a, Sgd.Config.of(0.1).withMomentum(0.9));
            case "adamw" -> a -> new Adam(a, Adam.Config.adamW(0.01).withWeightDecay(0.1));
            default -> a -> new Sgd(a, Sgd.Config.of(0.05).withMomentum(0.9).withNesterov(true).withWeightDecay(0.01));
        };
        assertTrainsAsTorch("train_classifier", name, make);
    }

    /**
     * AMSGrad, and two parameter groups as torch.optim takes them: the matrices with the optimiser's settings, the
     * biases with their own lr and no weight decay.
     */
    @ParameterizedTest
    @ValueSource(strings = {"adam_amsgrad", "adamw_amsgrad", "adamw_groups", "sgd_groups"})
    void amsgradAndParameterGroupsMatchTorch(String name) {
        Function<ParameterArena, Optimizer> make = switch (name) {
            case "adam_amsgrad" -> a -> new Adam(a, Adam.Config.adam(0.01).withWeightDecay(0.01).withAmsgrad(true));
            case "adamw_amsgrad" -> a -> new Adam(a, Adam.Config.adamW(0.01).withWeightDecay(0.1).withAmsgrad(true));
            case "adamw_groups" -> a -> new Adam(a, Adam.Config.adamW(0.01).withWeightDecay(0.1),
                    List.of(ParamGroup.biasesAndNorms(a).withLr(0.003).withWeightDecay(0)));
            default -> a -> new Sgd(a, Sgd.Config.of(0.1).withMomentum(0.9).withWeightDecay(0.01),
                    List.of(ParamGroup.biasesAndNorms(a).withLr(0.3).withWeightDecay(0)));
        };
        assertTrainsAsTorch("train_optim_groups", name, make);
    }

    @org.junit.jupiter.api.Test
    void parameterGroupsRefuseUnknownAndRepeatedNames() {
        ParameterArena arena = new Classifier(new Rng(1)).arena();
        var unknown = assertThrows(IllegalArgumentException.class, () -> new Adam(arena, Adam.Config.adam(0.01),
                List.of(ParamGroup.of(List.of("fc.bias", "fc.bais")))));
        assertTrue(unknown.getMessage().contains("[fc.bais]"), unknown.getMessage());
        var twice = assertThrows(IllegalArgumentException.class, () -> new Sgd(arena, Sgd.Config.of(0.1),
                List.of(ParamGroup.of(List.of("fc.bias")), ParamGroup.of(List.of("fc.bias", "fc.weight")))));
        assertTrue(twice.getMessage().contains("fc.bias appears in parameter groups 0 and 1"), twice.getMessage());
    }

    private static void assertTrainsAsTorch(String fixture, String name, Function<ParameterArena, Optimizer> make) {
        Map<String, Tensor> f = Fixtures.load(fixture);
        Classifier model = new Classifier(new Rng(1));
        Map<String, Tensor> init = new LinkedHashMap<>();
        for (String k : model.namedParameters().keySet()) init.put(k, f.get(k));
        model.loadStateDict(init);
        Optimizer opt = make.apply(model.arena());
        Tensor x = f.get("x");
        int[] y = Fixtures.ints(f.get("y"));
        float[] expected = f.get("losses." + name).toArray();
        double worst = 0;
        for (int step = 0; step < expected.length; step++) {
            opt.zeroGrad();
            Tensor loss = Losses.crossEntropy(model.forward(x), y);
            loss.backward();
            opt.step();
            double rel = Math.abs(loss.item() - expected[step]) / Math.abs(expected[step]);
            worst = Math.max(worst, rel);
            assertTrue(rel <= 1e-4, name + " step " + step + ": loss " + loss.item() + ", PyTorch " + expected[step]);
        }
        assertTrue(expected[expected.length - 1] < expected[0], "the reference loss should fall");
        System.out.printf("parity %-48s max rel   %.2e%n", "training " + name + " loss curve", worst);
        for (Map.Entry<String, Tensor> p : model.namedParameters().entrySet()) {
            Fixtures.assertForward(name + " final " + p.getKey(), f.get("final." + name + "." + p.getKey()), p.getValue());
        }
    }
}
