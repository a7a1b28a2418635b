package org.grukit.attention.hybrid;

import static org.grukit.core.Fixtures.assertForward;
import static org.grukit.core.Fixtures.assertGrad;
import static org.grukit.core.GradCheck.assertPasses;
import static org.grukit.core.GradCheck.check;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.grukit.core.Fixtures;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Conv1d against torch.nn.Conv1d, by finite differences, and in its sequence layout. */
class Conv1dTest {

    @ParameterizedTest
    @ValueSource(strings = {"conv1d_default", "conv1d_strided"})
    void matchesTorch(String name) {
        Map<String, Tensor> f = Fixtures.load(name);
        boolean strided = name.endsWith("strided");
        Conv1d.Config cfg = strided ? new Conv1d.Config(4, 5, 3, 2, 2, 2, false) : Conv1d.Config.of(4, 5, 3);
        Conv1d conv = new Conv1d(cfg, new Rng(0));
        Map<String, Tensor> params = new LinkedHashMap<>();
        for (String k : conv.namedParameters().keySet()) params.put(k, f.get(k));
        conv.loadStateDict(params);
        Tensor x = f.get("x").copy().requiresGrad(true);
        Tensor out = conv.forward(x);
        assertForward(name + " output", f.get("output"), out);
        Ops.sum(Ops.mul(out, f.get("w_output"))).backward();
        assertGrad(name + " grad x", f.get("grad.x"), x.grad());
        conv.namedParameters().forEach((k, p) -> assertGrad(name + " grad " + k, f.get("grad." + k), p.grad()));
    }

    @Test
    void gradientsAndSequenceLayout() {
        Rng rng = new Rng(4);
        Conv1d conv = new Conv1d(new Conv1d.Config(3, 4, 3, 2, 1, 2, true), rng);
        Tensor x = Tensor.randn(rng, 2, 9, 3).requiresGrad(true);
        assertPasses("conv1d", check(a -> conv.forwardSequence(a[0]), x, conv.parameters().get(0), conv.parameters().get(1)));
        Tensor viaTorchLayout = Ops.transpose(conv.forward(Ops.transpose(x, 1, 2)), 1, 2);
        assertArrayEquals(viaTorchLayout.toArray(), conv.forwardSequence(x).toArray(), 1e-6f);
        assertArrayEquals(new int[] {4, 1, 0}, conv.outputLengths(new int[] {9, 3, 1}));
        var e = assertThrows(IllegalArgumentException.class, () -> conv.forwardSequence(Tensor.zeros(1, 1, 3)));
        assertTrue(e.getMessage().contains("shorter than the convolution's span of 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(1, 9, 3)));
        assertTrue(e.getMessage().contains("[B, 3, L], got [1, 9, 3]"), e.getMessage());
    }
}
