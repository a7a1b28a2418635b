package org.grukit.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.junit.jupiter.api.Test;

/** The places where a PyTorch user's habits must give PyTorch's answer: padding indices and state-dict loading. */
class PytorchContractTest {
    @Test
    void aNegativePaddingIndexCountsFromTheEnd() {
        Embedding e = new Embedding(5, 3, -1, new Rng(1)); // torch.nn.Embedding(5, 3, padding_idx=-1): row 4
        assertEquals(OptionalInt.of(4), e.paddingIdx());
        assertArrayEquals(new float[3], Ops.select(e.weight(), 0, 4).toArray(), 0f);
        int[] ids = {4, 0, 4, 2};
        Ops.sum(e.forward(ids, 4)).backward();
        assertArrayEquals(new float[3], Ops.select(e.weight().grad(), 0, 4).toArray(), 0f, "the padding row gets no gradient");
        assertArrayEquals(new float[] {1, 1, 1}, Ops.select(e.weight().grad(), 0, 0).toArray(), 0f);
        assertEquals(OptionalInt.of(0), new Embedding(5, 3, -5, new Rng(1)).paddingIdx());
    }

    @Test
    void noPaddingIsItsOwnValueAndEveryRowLearns() {
        Embedding e = new Embedding(4, 2, new Rng(1));
        assertTrue(e.paddingIdx().isEmpty());
        Ops.sum(e.forward(new int[] {0, 1, 2, 3}, 4)).backward();
        for (float g : e.weight().grad().toArray()) assertEquals(1f, g);
    }

    @Test
    void aPaddingIndexOutsideTheTableIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Embedding(5, 3, 5, new Rng(1)));
        assertTrue(e.getMessage().contains("[-5, 5)") && e.getMessage().contains("got 5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Embedding(5, 3, -6, new Rng(1)));
    }

    @Test
    void aNonStrictLoadReturnsMissingAndUnexpectedKeys() {
        Linear lin = new Linear(3, 2, new Rng(1));
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("weight", Tensor.ones(2, 3));
        state.put("extra.bias", Tensor.zeros(2));
        Module.LoadResult r = lin.loadStateDict(state, false);
        assertEquals(List.of("bias"), r.missingKeys());
        assertEquals(List.of("extra.bias"), r.unexpectedKeys());
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, lin.weight().toArray(), 0f, "the names both have are loaded");
    }

    @Test
    void aStrictLoadNamesBothAndChangesNothing() {
        Linear lin = new Linear(3, 2, new Rng(1));
        float[] before = lin.weight().toArray();
        Map<String, Tensor> state = Map.of("weight", Tensor.ones(2, 3), "extra.bias", Tensor.zeros(2));
        var e = assertThrows(IllegalArgumentException.class, () -> lin.loadStateDict(state));
        assertTrue(e.getMessage().contains("missing [bias]") && e.getMessage().contains("unexpected [extra.bias]"),
                e.getMessage());
        assertArrayEquals(before, lin.weight().toArray(), 0f);
        // A wrong shape is an error even when not strict, as in torch.
        var shape = assertThrows(IllegalArgumentException.class,
                () -> lin.loadStateDict(Map.of("weight", Tensor.ones(3, 2)), false));
        assertTrue(shape.getMessage().contains("expected [2, 3], got [3, 2]"), shape.getMessage());
        assertArrayEquals(before, lin.weight().toArray(), 0f);
        Module.LoadResult ok = lin.loadStateDict(Map.of("weight", Tensor.ones(2, 3), "bias", Tensor.zeros(2)));
        assertTrue(ok.missingKeys().isEmpty() && ok.unexpectedKeys().isEmpty());
    }
}
