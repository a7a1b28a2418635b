package org.grukit.attention.recurrent;

import static org.grukit.core.GradCheck.assertPasses;
import static org.grukit.core.GradCheck.check;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grukit.core.GradMode;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.nn.Gru;
import org.grukit.core.nn.GruConfig;
import org.grukit.core.nn.RecurrentOutput;
import org.junit.jupiter.api.Test;
import org.grukit.attention.hybrid.StackedGru;

/** Any cell made bidirectional, and every variant buildable by name in a stack. */
class BidirectionalTest {

    @Test
    void twoOneWayGrusEqualABidirectionalGruOnARaggedBatch() {
        Rng rng = new Rng(1);
        Gru both = new Gru(GruConfig.of(3, 4).withBidirectional(true).withBatchFirst(true), rng);
        Gru fwd = new Gru(GruConfig.of(3, 4).withBatchFirst(true), rng), rev = new Gru(GruConfig.of(3, 4).withBatchFirst(true), rng);
        Map<String, Tensor> f = new LinkedHashMap<>(), r = new LinkedHashMap<>();
        both.namedParameters().forEach((k, v) -> {
            if (k.endsWith("_reverse")) r.put(k.replace("_reverse", ""), v);
            else f.put(k, v);
        });
        fwd.loadStateDict(f);
        rev.loadStateDict(r);
        Bidirectional wrapped = new Bidirectional(fwd, rev);
        Tensor x = Tensor.randn(rng, 3, 6, 3);
        int[] lengths = {6, 2, 4};
        try (GradMode g = GradMode.noGrad()) {
            RecurrentOutput a = both.forward(x, null, lengths), b = wrapped.forward(x, null, lengths);
            assertArrayEquals(a.output().toArray(), b.output().toArray(), 1e-6f);
            assertArrayEquals(a.hN().toArray(), b.hN().toArray(), 1e-6f);
        }
    }

    @Test
    void everyVariantStacksBidirectionally() {
        for (GruVariant cell : GruVariant.values()) {
            Rng rng = new Rng(2);
            StackedGru stack = new StackedGru(new StackedGru.Config(3, 4, 2, true, 0f, StackedGru.Connection.HIGHWAY)
                    .withCell(cell, 2), rng);
            RecurrentOutput o = stack.forward(Tensor.randn(rng, 2, 5, 3), null, new int[] {5, 3});
            assertArrayEquals(new int[] {2, 5, 8}, o.output().shape(), cell.label());
            assertArrayEquals(new int[] {4, 2, 4}, o.hN().shape(), cell.label());
            assertEquals(cell, GruVariant.of(cell.label()));
        }
        assertThrows(IllegalArgumentException.class, () -> GruVariant.of("lstm"));
    }

    @Test
    void stackedBidirectionalMinGruGradients() {
        Rng rng = new Rng(3);
        StackedGru stack = new StackedGru(new StackedGru.Config(3, 2, 2, true, 0f, StackedGru.Connection.HIGHWAY)
                .withCell(GruVariant.MIN_GRU, 0), rng);
        List<Tensor> all = new ArrayList<>(List.of(Tensor.randn(rng, 2, 4, 3).requiresGrad(true)));
        all.addAll(stack.parameters());
        assertPasses("bidirectional minGRU stack", check(x -> {
            RecurrentOutput o = stack.forward(x[0], null, new int[] {4, 2});
            return Ops.concat(0, Ops.reshape(o.output(), -1), Ops.reshape(o.hN(), -1));
        }, all.toArray(new Tensor[0])));
    }
}
