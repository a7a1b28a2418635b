package org.grukit.core;

import static org.grukit.core.Fixtures.assertForward;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Forward values of layer norm, GELU and softmax against PyTorch. */
class OpsParityTest {
    @Test
    void matchTorch() {
        Map<String, Tensor> f = Fixtures.load("ops");
        Tensor x = f.get("x");
        assertForward("layer_norm", f.get("layer_norm"), Ops.layerNorm(x, f.get("ln.weight"), f.get("ln.bias"), 1e-5f));
        assertForward("gelu", f.get("gelu"), Ops.gelu(x));
        assertForward("log_softmax", f.get("log_softmax"), Ops.logSoftmax(x, -1));
        assertForward("softmax dim 0", f.get("softmax_dim0"), Ops.softmax(x, 0));
    }
}
