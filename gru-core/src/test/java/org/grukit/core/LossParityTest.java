package org.grukit.core;

import static org.grukit.core.Fixtures.assertForward;
import static org.grukit.core.Fixtures.assertGrad;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.grukit.core.nn.Losses;
import org.grukit.core.nn.Losses.CrossEntropyOptions;
import org.grukit.core.nn.Reduction;
import org.junit.jupiter.api.Test;

/** Every loss option against torch.nn.functional: values and gradients. */
class LossParityTest {
    private final Map<String, Tensor> f = Fixtures.load("losses");

    private void checkCe(String name, int[] targets, CrossEntropyOptions opt) {
        Tensor logits = f.get("ce.logits").copy().requiresGrad(true);
        Tensor v = Losses.crossEntropy(logits, targets, opt);
        Tensor expected = f.get("ce." + name + ".value");
        assertForward("cross_entropy " + name, expected, expected.rank() == 0 ? v : v);
        Ops.sum(Ops.mul(v, f.get("ce." + name + ".w"))).backward();
        assertGrad("cross_entropy " + name + " grad", f.get("ce." + name + ".grad"), logits.grad());
    }

    @Test
    void crossEntropyEveryOption() {
        int[] t = Fixtures.ints(f.get("ce.target"));
        int[] ti = Fixtures.ints(f.get("ce.target_ignore"));
        float[] w = f.get("ce.weight").toArray();
        CrossEntropyOptions d = CrossEntropyOptions.defaults();
        checkCe("plain", t, d);
        checkCe("weighted", t, d.withWeight(w));
        checkCe("ignore", ti, d);
        checkCe("smooth", t, d.withLabelSmoothing(0.1f));
        checkCe("all", ti, d.withWeight(w).withLabelSmoothing(0.2f));
        checkCe("sum", ti, d.withWeight(w).withLabelSmoothing(0.2f).withReduction(Reduction.SUM));
        checkCe("none", ti, d.withWeight(w).withLabelSmoothing(0.2f).withReduction(Reduction.NONE));
    }

    @Test
    void bceWithLogits() {
        Tensor y = f.get("bce.target");
        String[] names = {"mean", "pos_weight_sum", "none"};
        for (String name : names) {
            Tensor logits = f.get("bce.logits").copy().requiresGrad(true);
            Tensor in = name.equals("none") ? Ops.mulScalar(logits, 8f) : logits; // large logits test stability
            Tensor v = switch (name) {
                case "mean" -> Losses.bceWithLogits(in, y, null, Reduction.MEAN);
                case "pos_weight_sum" -> Losses.bceWithLogits(in, y, f.get("bce.pos_weight"), Reduction.SUM);
                default -> Losses.bceWithLogits(in, y, null, Reduction.NONE);
            };
            assertForward("bce " + name, f.get("bce." + name + ".value"), v);
            Ops.sum(Ops.mul(v, f.get("bce." + name + ".w"))).backward();
            assertGrad("bce " + name + " grad", f.get("bce." + name + ".grad"), logits.grad());
        }
    }

    @Test
    void mse() {
        Tensor a = f.get("mse.input").copy().requiresGrad(true);
        Tensor v = Losses.mse(a, f.get("mse.target"), Reduction.MEAN);
        assertForward("mse", f.get("mse.value"), v);
        v.backward();
        assertGrad("mse grad", f.get("mse.grad"), a.grad());
    }

    @Test
    void badTargetsNameWhatWasExpected() {
        Tensor logits = f.get("ce.logits");
        var e = assertThrows(IndexOutOfBoundsException.class, () -> Losses.crossEntropy(logits, new int[] {0, 1, 2, 3, 4, 0}));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("target 4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits, new int[] {0, 1}));
    }
}
