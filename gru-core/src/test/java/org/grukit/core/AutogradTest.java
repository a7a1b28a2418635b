package org.grukit.core;

import org.grukit.core.nn.RecurrentOutput;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.grukit.core.nn.Gru;
import org.grukit.core.nn.GruConfig;
import org.junit.jupiter.api.Test;

/** The graph: accumulation through shared inputs, inference mode, released graphs, and shape errors. */
class AutogradTest {

    @Test
    void gradientsAccumulateThroughEveryUse() {
        Tensor a = Tensor.of(new float[] {2f, 3f}, 2).requiresGrad(true);
        // y = sum(a * a + a): dy/da = 2a + 1
        Ops.sum(Ops.add(Ops.mul(a, a), a)).backward();
        assertArrayEquals(new float[] {5f, 7f}, a.grad().toArray());
        // A second backward on a new graph adds to the gradient, as in PyTorch, until zeroGrad.
        Ops.sum(a).backward();
        assertArrayEquals(new float[] {6f, 8f}, a.grad().toArray());
        a.zeroGrad();
        assertArrayEquals(new float[] {0f, 0f}, a.grad().toArray());
    }

    @Test
    void noGradRecordsNothing() {
        Gru gru = new Gru(GruConfig.of(3, 4), new Rng(1));
        Tensor x = Tensor.randn(new Rng(2), 5, 2, 3).requiresGrad(true);
        try (GradMode g = GradMode.noGrad()) {
            RecurrentOutput o = gru.forward(x);
            assertFalse(o.output().hasHistory());
            assertFalse(o.output().requiresGrad());
            assertThrows(IllegalStateException.class, () -> Ops.sum(o.output()).backward());
        }
        assertTrue(GradMode.isEnabled(), "the scope restores grad mode");
        assertTrue(gru.forward(x).output().hasHistory());
    }

    @Test
    void aReleasedGraphCannotBeReused() {
        Tensor a = Tensor.randn(new Rng(3), 3).requiresGrad(true);
        Tensor y = Ops.sum(Ops.tanh(a));
        y.backward();
        assertNull(y.grad(), "intermediate gradients are dropped with the graph");
        assertThrows(IllegalStateException.class, y::backward);
    }

    @Test
    void shapeErrorsNameExpectedAndActual() {
        Gru gru = new Gru(GruConfig.of(128, 8).withBatchFirst(true), new Rng(1));
        var e = assertThrows(IllegalArgumentException.class, () -> gru.forward(Tensor.zeros(32, 50, 64)));
        assertEquals("expected GRU input of shape [B, T, 128], got [32, 50, 64]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Ops.matmul(Tensor.zeros(2, 3), Tensor.zeros(4, 5)));
        assertTrue(e.getMessage().contains("[3, *]") && e.getMessage().contains("[4, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Ops.add(Tensor.zeros(2, 3), Tensor.zeros(4)));
        assertTrue(e.getMessage().contains("cannot be broadcast"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> gru.forward(Tensor.zeros(2, 3, 128), Tensor.zeros(1, 3, 8), null));
        assertTrue(e.getMessage().contains("h0 of shape [1, 2, 8], got [1, 3, 8]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> gru.forward(Tensor.zeros(2, 3, 128), null, new int[] {3, 4}));
        assertTrue(e.getMessage().contains("must be in [0, 3], got 4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GruConfig.of(0, 4));
        assertEquals("hiddenSize must be > 0, got -3",
                assertThrows(IllegalArgumentException.class, () -> GruConfig.of(4, -3)).getMessage());
    }

    @Test
    void unbatchedInputMatchesABatchOfOne() {
        Gru gru = new Gru(GruConfig.of(3, 4).withNumLayers(2).withBidirectional(true), new Rng(4));
        Tensor x = Tensor.randn(new Rng(5), 6, 3);
        RecurrentOutput single = gru.forward(x);
        RecurrentOutput batched = gru.forward(Ops.reshape(x, 6, 1, 3));
        assertArrayEquals(new int[] {6, 8}, single.output().shape());
        assertArrayEquals(new int[] {4, 4}, single.hN().shape());
        assertArrayEquals(batched.output().toArray(), single.output().toArray(), 0f);
    }

    @Test
    void nanInputsPropagateRatherThanHide() {
        Gru gru = new Gru(GruConfig.of(2, 3), new Rng(6));
        Tensor x = Tensor.zeros(4, 1, 2);
        x.set(Float.NaN, 2, 0, 1);
        float[] out = gru.forward(x).output().toArray();
        assertFalse(Float.isNaN(out[3]), "steps before the NaN are unaffected");
        assertTrue(Float.isNaN(out[2 * 3]), "the NaN shows from its step on");
    }
}
