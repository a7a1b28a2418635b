package org.grukit.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.grukit.core.Fixtures;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.junit.jupiter.api.Test;

/** The LayerNorm and Dropout modules the README lists, as torch.nn's: names, initial values, modes, PyTorch's output. */
class NormAndDropoutTest {
    @Test
    void layerNormHasTorchNamesAndInitAndGivesTorchsOutputWithTorchsWeights() {
        Map<String, Tensor> f = Fixtures.load("ops");
        Tensor x = f.get("x");
        LayerNorm ln = new LayerNorm(x.dim(-1));
        assertEquals(List.of("weight", "bias"), List.copyOf(ln.stateDict().keySet()));
        for (float w : ln.stateDict().get("weight").toArray()) assertEquals(1f, w);
        for (float b : ln.stateDict().get("bias").toArray()) assertEquals(0f, b);
        ln.loadStateDict(Map.of("weight", f.get("ln.weight"), "bias", f.get("ln.bias")));
        Fixtures.assertForward("LayerNorm module", f.get("layer_norm"), ln.forward(x));
        assertThrows(IllegalArgumentException.class, () -> new LayerNorm(0));
    }

    @Test
    void dropoutScalesWhatItKeepsInTrainingAndIsTheIdentityInEval() {
        Dropout d = new Dropout(0.25f, new Rng(3));
        Tensor x = Tensor.ones(1000);
        float[] y = d.forward(x).toArray();
        int kept = 0;
        for (float v : y) {
            assertTrue(v == 0f || Math.abs(v - 1f / 0.75f) < 1e-6f, "dropped or scaled by 1/(1-p): " + v);
            if (v != 0f) kept++;
        }
        assertTrue(kept > 700 && kept < 800, "about 3 in 4 kept: " + kept);
        d.eval();
        assertSame(x, d.forward(x), "eval: the input itself");
        assertArrayEquals(x.toArray(), d.forward(x).toArray(), 0f);
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1f, new Rng(1)));
    }

    @Test
    void dropoutKeepsExactlyTheElementsWhoseDrawClearsPAndPassesGradientThroughThemAlone() {
        // 1000 elements: the mask's bits span 16 words, the last one partly used.
        Tensor x = Tensor.randn(new Rng(4), 10, 100).requiresGrad(true);
        float p = 0.4f, scale = 1f / (1f - p);
        Tensor y = org.grukit.core.Ops.dropout(x, p, new Rng(9));
        Tensor upstream = Tensor.randn(new Rng(5), 10, 100);
        y.backward(upstream);
        Rng draws = new Rng(9);
        float[] in = x.toArray(), out = y.toArray(), g = x.grad().toArray(), up = upstream.toArray();
        for (int k = 0; k < in.length; k++) {
            boolean kept = draws.uniform() >= p; // one draw per element, in order: seeded runs are unchanged
            assertEquals(kept ? in[k] * scale : 0f, out[k], 0f, "output " + k);
            assertEquals(kept ? up[k] * scale : 0f, g[k], 0f, "gradient " + k);
        }
    }
}
