package org.grukit.core;

import org.grukit.core.nn.RecurrentOutput;
import static org.grukit.core.Fixtures.assertForward;
import static org.grukit.core.Fixtures.assertGrad;

import java.util.LinkedHashMap;
import java.util.Map;
import org.grukit.core.nn.Gru;
import org.grukit.core.nn.GruCell;
import org.grukit.core.nn.GruConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * grukit's Gru and GruCell against torch.nn.GRU / GRUCell: the same weights (PyTorch state_dict names),
 * inputs, initial states and lengths give the same outputs (1e-5 absolute) and the same gradients of
 * every parameter, the input and h0 (1e-4 relative).
 */
class GruParityTest {

    private static Map<String, Tensor> withPrefix(Map<String, Tensor> all, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith(prefix)) out.put(k.substring(prefix.length()), v);
        });
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gru_1layer", "gru_2layer_bidi_h0", "gru_varlen_bidi", "gru_varlen_2layer_batch_first",
            "gru_no_bias", "gru_reset_before"})
    void matchesTorch(String name) {
        var contents = Fixtures.read(name);
        Map<String, Tensor> f = contents.tensors();
        Map<String, String> meta = contents.metadata();
        boolean resetBefore = name.equals("gru_reset_before");
        Map<String, Tensor> params = withPrefix(f, "gru.");
        GruConfig cfg = new GruConfig(Integer.parseInt(meta.get("input_size")), Integer.parseInt(meta.get("hidden_size")),
                Integer.parseInt(meta.getOrDefault("num_layers", "1")), params.containsKey("bias_ih_l0"),
                Boolean.parseBoolean(meta.getOrDefault("batch_first", "False").toLowerCase()), 0f,
                Boolean.parseBoolean(meta.getOrDefault("bidirectional", "False").toLowerCase()), !resetBefore);
        Gru gru = new Gru(cfg, new Rng(0));
        gru.loadStateDict(params);

        Tensor x = f.get("x").copy().requiresGrad(true);
        Tensor h0 = f.containsKey("h0") ? f.get("h0").copy().requiresGrad(true) : null;
        int[] lengths = f.containsKey("lengths") ? Fixtures.ints(f.get("lengths")) : null;
        RecurrentOutput out = gru.forward(x, h0, lengths);
        assertForward(name + " output", f.get("output"), out.output());
        assertForward(name + " h_n", f.get("h_n"), out.hN());

        Ops.add(Ops.sum(Ops.mul(out.output(), f.get("w_output"))), Ops.sum(Ops.mul(out.hN(), f.get("w_h_n")))).backward();
        assertGrad(name + " grad x", f.get("grad.x"), x.grad());
        if (h0 != null) assertGrad(name + " grad h0", f.get("grad.h0"), h0.grad());
        for (Map.Entry<String, Tensor> p : gru.namedParameters().entrySet()) {
            assertGrad(name + " grad " + p.getKey(), f.get("grad.gru." + p.getKey()), p.getValue().grad());
        }
    }

    @Test
    void gruCellMatchesTorch() {
        Map<String, Tensor> f = Fixtures.load("gru_cell");
        GruCell cell = new GruCell(4, 5, new Rng(0));
        cell.loadStateDict(withPrefix(f, "cell."));
        Tensor x = f.get("x").copy().requiresGrad(true);
        Tensor h = f.get("h").copy().requiresGrad(true);
        Tensor h1 = cell.forward(x, h);
        assertForward("GRUCell h'", f.get("h1"), h1);
        Ops.sum(Ops.mul(h1, f.get("w_h1"))).backward();
        assertGrad("GRUCell grad x", f.get("grad.x"), x.grad());
        assertGrad("GRUCell grad h", f.get("grad.h"), h.grad());
        for (Map.Entry<String, Tensor> p : cell.namedParameters().entrySet()) {
            assertGrad("GRUCell grad " + p.getKey(), f.get("grad.cell." + p.getKey()), p.getValue().grad());
        }
    }
}
