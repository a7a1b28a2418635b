package org.grukit.core.nn;

import static org.grukit.core.GradCheck.assertPasses;
import static org.grukit.core.GradCheck.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.grukit.core.Fixtures;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** CTC loss against torch.nn.functional.ctc_loss (tools/reference/make_ctc_fixtures.py) and finite differences. */
class CtcTest {
    /** Loss values: relative 1e-5 (a 1,500-frame loss is in the hundreds, where a float32 ulp is 3e-5). */
    private static final double LOSS_RTOL = 1e-5;

    @ParameterizedTest
    @ValueSource(strings = {"ctc_basic", "ctc_blank_last_repeats", "ctc_impossible", "ctc_long"})
    void matchesPyTorch(String name) {
        Map<String, Tensor> f = Fixtures.load(name);
        int blank = Integer.parseInt(Fixtures.read(name).metadata().get("blank"));
        int[] targets = Fixtures.ints(f.get("targets")), il = Fixtures.ints(f.get("input_lengths")), tl = Fixtures.ints(f.get("target_lengths"));
        int checked = 0;
        for (Reduction r : Reduction.values()) {
            for (boolean zeroInf : new boolean[] {false, true}) {
                String key = r.name().toLowerCase() + (zeroInf ? "_zero_inf" : "");
                Tensor expected = f.get("loss_" + key);
                if (expected == null) continue;
                Tensor x = f.get("logits").copy().requiresGrad(true);
                Tensor loss = Ctc.loss(Ops.logSoftmax(x, -1), targets, il, tl, new Ctc.Options(blank, r, zeroInf));
                float[] e = expected.toArray(), a = loss.toArray();
                assertEquals(e.length, a.length, key);
                for (int i = 0; i < e.length; i++) {
                    if (Float.isInfinite(e[i])) {
                        assertEquals(e[i], a[i], name + " " + key + ": an impossible alignment is infinite");
                    } else {
                        assertTrue(Math.abs(a[i] - e[i]) <= LOSS_RTOL * Math.max(1, Math.abs(e[i])),
                                name + " " + key + "[" + i + "]: expected " + e[i] + ", got " + a[i]);
                    }
                }
                Tensor grad = f.get("grad_" + key);
                if (grad != null) {
                    (r == Reduction.NONE ? Ops.sum(Ops.mul(loss, f.get("w"))) : loss).backward();
                    Fixtures.assertGrad(name + " " + key + " grad", grad, x.grad());
                }
                checked++;
            }
        }
        assertTrue(checked >= 2, "fixture " + name + " holds cases");
    }

    @Test
    void finiteDifferences() {
        Rng rng = new Rng(3);
        Tensor x = Tensor.randn(rng, 7, 3, 5).requiresGrad(true);
        int[] targets = {1, 2, 2, 3, 4, 1};
        for (Reduction r : Reduction.values()) {
            Ctc.Options o = Ctc.Options.defaults().withReduction(r);
            assertPasses("ctc " + r, check(t -> Ctc.loss(Ops.logSoftmax(t[0], -1), targets, new int[] {7, 5, 6}, new int[] {3, 1, 2}, o), x));
            // Straight on log-probabilities too: the gradient is the true derivative, not PyTorch's normalized shortcut.
            assertPasses("ctc on raw inputs " + r, check(t -> Ctc.loss(t[0], targets, new int[] {7, 5, 6}, new int[] {3, 1, 2}, o), x));
        }
    }

    @Test
    void badInputsAreNamed() {
        Tensor lp = Ops.logSoftmax(Tensor.zeros(4, 2, 3), -1);
        var e1 = assertThrows(IllegalArgumentException.class, () -> Ctc.loss(lp, new int[] {1, 0}, new int[] {4, 4}, new int[] {1, 1}, Ctc.Options.defaults()));
        assertTrue(e1.getMessage().contains("other than the blank 0"), e1.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> Ctc.loss(lp, new int[] {1, 2}, new int[] {5, 4}, new int[] {1, 1}, Ctc.Options.defaults()));
        assertTrue(e2.getMessage().contains("input length 5"), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> Ctc.loss(lp, new int[] {1, 2}, new int[] {4, 4}, new int[] {1, 2}, Ctc.Options.defaults()));
        assertTrue(e3.getMessage().contains("sum to 3 but 2 targets"), e3.getMessage());
        var e4 = assertThrows(IllegalArgumentException.class, () -> Ctc.loss(Tensor.zeros(4, 3), new int[] {}, new int[] {4}, new int[] {0}, Ctc.Options.defaults()));
        assertTrue(e4.getMessage().contains("[T, N, C]"), e4.getMessage());
    }
}
