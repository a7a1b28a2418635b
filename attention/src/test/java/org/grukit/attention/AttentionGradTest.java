package org.grukit.attention;

import static org.grukit.core.GradCheck.assertPasses;
import static org.grukit.core.GradCheck.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import org.grukit.core.GradCheck;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.nn.Module;
import org.junit.jupiter.api.Test;

/** Finite-difference checks of every attention (all inputs and parameters), and the masking contract. */
class AttentionGradTest {
    private final Rng rng = new Rng(17);
    private final Tensor mask = Masks.keyPadding(new int[] {3, 5}, 5);

    private Tensor leaf(int... shape) {
        return Tensor.randn(rng, shape).requiresGrad(true);
    }

    /** Checks f over the given inputs and every parameter of m; the loss sees context and weights. */
    private static void checkAll(String what, Module m, Function<Tensor[], Attended> f, Tensor... inputs) {
        List<Tensor> params = m.parameters();
        Tensor[] all = new Tensor[inputs.length + params.size()];
        System.arraycopy(inputs, 0, all, 0, inputs.length);
        for (int i = 0; i < params.size(); i++) all[inputs.length + i] = params.get(i);
        assertPasses(what, check(x -> {
            Attended a = f.apply(x);
            return Ops.concat(0, Ops.reshape(a.context(), -1), Ops.reshape(a.weights(), -1));
        }, all));
    }

    @Test
    void additive() {
        AdditiveAttention attn = new AdditiveAttention(4, 3, 5, rng);
        checkAll("additive", attn, x -> attn.forward(x[0], x[1], x[2], mask), leaf(2, 3, 4), leaf(2, 5, 3), leaf(2, 5, 2));
        checkAll("additive step", attn, x -> attn.forward(x[0], x[1], null, mask), leaf(2, 4), leaf(2, 5, 3));
    }

    @Test
    void luong() {
        for (LuongAttention.Score s : LuongAttention.Score.values()) {
            LuongAttention attn = new LuongAttention(s, 4, 4, 3, rng);
            checkAll("luong " + s, attn, x -> attn.forward(x[0], x[1], x[2], mask), leaf(2, 3, 4), leaf(2, 5, 4),
                    leaf(2, 5, 2));
        }
    }

    @Test
    void multihead() {
        MultiheadAttention mha = new MultiheadAttention(MultiheadAttention.Config.of(6, 2).withBatchFirst(true), rng);
        BoolMask causal = BoolMask.causal(5);
        checkAll("multi-head", mha, x -> mha.forward(x[0], x[1], x[2], MultiheadAttention.Options.defaults()
                .withKeyPaddingMask(BoolMask.of(mask)).withWeights(true, false)), leaf(2, 3, 6), leaf(2, 5, 6),
                leaf(2, 5, 6));
        Tensor additive = Tensor.of(new float[] {0f, -0.5f, 0.25f, Float.NEGATIVE_INFINITY, 1.5f,
                0f, 0f, -2f, 0.5f, Float.NEGATIVE_INFINITY}, 2, 5);
        checkAll("multi-head float key padding mask", mha, x -> mha.forward(x[0], x[1], x[2],
                MultiheadAttention.Options.defaults().withKeyPaddingMask(additive)), leaf(2, 3, 6), leaf(2, 5, 6),
                leaf(2, 5, 6));
        checkAll("multi-head self causal", mha, x -> mha.forward(x[0], x[0], x[0], MultiheadAttention.Options.defaults()
                .withAttnMask(causal).withAttnBias(Tensor.randn(new Rng(2), 5, 5))), leaf(2, 5, 6));
    }

    @Test
    void pooling() {
        AttentionPooling one = new AttentionPooling(4, 3, rng);
        checkAll("pooling", one, x -> one.forward(x[0], mask), leaf(2, 5, 4));
        AttentionPooling three = new AttentionPooling(4, 3, 3, rng);
        checkAll("pooling 3 hops", three, x -> three.forward(x[0], mask), leaf(2, 5, 4));
        Tensor w = leaf(2, 3, 5);
        assertPasses("redundancy penalty", GradCheck.check(x -> AttentionPooling.redundancyPenalty(Ops.softmax(x[0], -1)), w));
    }

    @Test
    void paddedKeysGetExactlyZeroWeightAndBadMasksAreNamed() {
        AdditiveAttention attn = new AdditiveAttention(4, 3, 5, rng);
        Attended a = attn.forward(leaf(2, 3, 4), leaf(2, 5, 3), null, mask);
        for (int t = 0; t < 3; t++) {
            assertEquals(0f, a.weights().get(0, t, 3));
            assertEquals(0f, a.weights().get(0, t, 4));
            float sum = 0;
            for (int s = 0; s < 5; s++) sum += a.weights().get(0, t, s);
            assertEquals(1f, sum, 1e-6f);
        }
        // A query whose keys are all padding gets zero weights, not NaN.
        Attended none = attn.forward(leaf(1, 4), leaf(1, 5, 3), null, Masks.keyPadding(new int[] {0}, 5));
        for (float v : none.weights().toArray()) assertEquals(0f, v);
        var e = assertThrows(IllegalArgumentException.class, () -> attn.forward(leaf(2, 4), leaf(2, 5, 3), null,
                Masks.keyPadding(new int[] {3, 5, 1}, 5)));
        assertTrue(e.getMessage().contains("key padding mask of shape [2, 5], got [3, 5]"), e.getMessage());
        MultiheadAttention mha = new MultiheadAttention(MultiheadAttention.Config.of(6, 2).withBatchFirst(true), rng);
        e = assertThrows(IllegalArgumentException.class, () -> mha.forward(leaf(2, 3, 4), leaf(2, 5, 6), leaf(2, 5, 6)));
        assertTrue(e.getMessage().contains("expected query of shape [B, *, 6], got [2, 3, 4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MultiheadAttention.Config.of(6, 4));
    }
}
