package org.grukit.attention.hybrid;

import static org.grukit.core.GradCheck.assertPasses;
import static org.grukit.core.GradCheck.check;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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

/** Stacked GRU: with no connection it is a multi-layer GRU; residual and highway pass gradient checks. */
class StackedGruTest {

    @Test
    void withoutConnectionsItIsAMultiLayerGru() {
        Rng rng = new Rng(1);
        StackedGru stacked = new StackedGru(new StackedGru.Config(3, 5, 3, true, 0f, StackedGru.Connection.NONE), rng);
        Gru gru = new Gru(GruConfig.of(3, 5).withNumLayers(3).withBidirectional(true).withBatchFirst(true), rng);
        // layers.L.weight_ih_l0[_reverse] -> weight_ih_lL[_reverse]
        Map<String, Tensor> renamed = new LinkedHashMap<>();
        stacked.namedParameters().forEach((k, v) -> {
            String[] parts = k.split("\\.");
            renamed.put(parts[2].replace("_l0", "_l" + parts[1]), v);
        });
        gru.loadStateDict(renamed);
        Tensor x = Tensor.randn(rng, 2, 6, 3);
        int[] lengths = {6, 4};
        try (GradMode g = GradMode.noGrad()) {
            RecurrentOutput a = stacked.forward(x, null, lengths), b = gru.forward(x, null, lengths);
            assertArrayEquals(b.output().toArray(), a.output().toArray(), 1e-6f);
            assertArrayEquals(b.hN().toArray(), a.hN().toArray(), 1e-6f);
        }
    }

    @Test
    void residualAndHighwayGradients() {
        for (StackedGru.Connection c : new StackedGru.Connection[] {StackedGru.Connection.RESIDUAL,
                StackedGru.Connection.HIGHWAY}) {
            Rng rng = new Rng(2);
            StackedGru stacked = new StackedGru(new StackedGru.Config(3, 2, 3, true, 0f, c), rng);
            List<Tensor> params = stacked.parameters();
            Tensor[] all = new Tensor[params.size() + 1];
            all[0] = Tensor.randn(rng, 2, 4, 3).requiresGrad(true);
            for (int i = 0; i < params.size(); i++) all[i + 1] = params.get(i);
            int[] lengths = {4, 2};
            assertPasses(c.name(), check(x -> {
                RecurrentOutput o = stacked.forward(x[0], null, lengths);
                return Ops.concat(0, Ops.reshape(o.output(), -1), Ops.reshape(o.hN(), -1));
            }, all));
            if (c == StackedGru.Connection.HIGHWAY) {
                assertEquals(-1f, stacked.namedParameters().get("highway.1.bias").get(0));
            }
            // Padded steps stay zero through the connections.
            RecurrentOutput o = stacked.forward(all[0], null, lengths);
            for (int t = 2; t < 4; t++) for (int j = 0; j < 4; j++) assertEquals(0f, o.output().get(1, t, j));
        }
    }
}
