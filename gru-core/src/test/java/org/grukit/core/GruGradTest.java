package org.grukit.core;

import org.grukit.core.nn.RecurrentOutput;
import static org.grukit.core.GradCheck.assertPasses;
import static org.grukit.core.GradCheck.check;

import org.grukit.core.nn.Gru;
import org.grukit.core.nn.GruCell;
import org.grukit.core.nn.GruConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Finite-difference checks of the fused GRU layer's backward through time: every weight, bias, the input
 * and h0, both gate forms, both directions, with and without ragged lengths.
 */
class GruGradTest {

    @ParameterizedTest(name = "resetAfter={0} reverse={1} ragged={2}")
    @CsvSource({"true,false,false", "true,true,false", "true,false,true", "true,true,true",
                "false,false,false", "false,true,true"})
    void gruLayer(boolean resetAfter, boolean reverse, boolean ragged) {
        Rng rng = new Rng(11);
        int t = 4, b = 3, in = 3, h = 4;
        Tensor x = Tensor.randn(rng, t, b, in).requiresGrad(true);
        Tensor h0 = Tensor.randn(rng, b, h).requiresGrad(true);
        Tensor wIh = Tensor.uniform(rng, -0.7f, 0.7f, 3 * h, in).requiresGrad(true);
        Tensor wHh = Tensor.uniform(rng, -0.7f, 0.7f, 3 * h, h).requiresGrad(true);
        Tensor bIh = Tensor.uniform(rng, -0.5f, 0.5f, 3 * h).requiresGrad(true);
        Tensor bHh = Tensor.uniform(rng, -0.5f, 0.5f, 3 * h).requiresGrad(true);
        int[] lengths = ragged ? new int[] {4, 2, 3} : null;
        // Both outputs enter the loss: the output sequence and h_n.
        assertPasses("gru layer", check(a -> {
            RecurrentOps.GruResult r = RecurrentOps.gruLayer(a[0], a[1], a[2], a[3], a[4], a[5], lengths, reverse,
                    resetAfter);
            return Ops.concat(0, Ops.reshape(r.output(), -1), Ops.reshape(r.hN(), -1));
        }, x, h0, wIh, wHh, bIh, bHh));
    }

    @ParameterizedTest(name = "layers={0} bidirectional={1} batchFirst={2}")
    @CsvSource({"1,false,false", "2,true,false", "2,true,true"})
    void gruModuleAllParameters(int layers, boolean bidi, boolean batchFirst) {
        Rng rng = new Rng(3);
        GruConfig cfg = GruConfig.of(3, 4).withNumLayers(layers).withBidirectional(bidi).withBatchFirst(batchFirst);
        Gru gru = new Gru(cfg, rng);
        Tensor x = Tensor.randn(rng, 3, 2, 3).requiresGrad(true);
        Tensor h0 = Tensor.randn(rng, layers * cfg.numDirections(), batchFirst ? 3 : 2, 4).requiresGrad(true);
        Tensor[] inputs = new Tensor[2 + gru.parameters().size()];
        inputs[0] = x;
        inputs[1] = h0;
        for (int i = 0; i < gru.parameters().size(); i++) inputs[2 + i] = gru.parameters().get(i);
        int[] lengths = batchFirst ? new int[] {2, 1, 2} : new int[] {3, 2};
        assertPasses("gru module", check(a -> {
            RecurrentOutput o = gru.forward(a[0], a[1], lengths);
            return Ops.concat(0, Ops.reshape(o.output(), -1), Ops.reshape(o.hN(), -1));
        }, inputs));
    }

    @ParameterizedTest(name = "resetAfter={0}")
    @CsvSource({"true", "false"})
    void gruCell(boolean resetAfter) {
        Rng rng = new Rng(5);
        GruCell cell = new GruCell(3, 4, true, resetAfter, rng);
        Tensor x = Tensor.randn(rng, 2, 3).requiresGrad(true);
        Tensor h = Tensor.randn(rng, 2, 4).requiresGrad(true);
        Tensor[] inputs = new Tensor[2 + cell.parameters().size()];
        inputs[0] = x;
        inputs[1] = h;
        for (int i = 0; i < cell.parameters().size(); i++) inputs[2 + i] = cell.parameters().get(i);
        assertPasses("gru cell", check(a -> cell.forward(a[0], a[1]), inputs));
    }
}
