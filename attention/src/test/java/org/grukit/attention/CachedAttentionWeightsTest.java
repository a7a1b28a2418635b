package org.grukit.attention;

import static org.grukit.core.WeightChanges.assertFollowsWeights;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.kernel.Gemm;
import org.grukit.core.kernel.VectorSupport;
import org.junit.jupiter.api.Test;

/**
 * The attention layers and decoders keep packed copies of their projections and output layers (through
 * grukit's linear and GRU ops); each must follow every way its weights can change. Run by both Surefire
 * executions: the Vector API kernels and the plain Java ones.
 */
class CachedAttentionWeightsTest {
    @Test
    void plainKernelsChosenOnPurposeAreNotWarnedOf() {
        if ("false".equals(System.getProperty("grukit.vector"))) {
            assertEquals("java", Gemm.backend());
            assertNull(VectorSupport.notice(), "-Dgrukit.vector=false is a choice, not a missing flag");
        }
    }

    @Test
    void multiheadAttentionFollowsItsWeights() {
        assertFollowsWeights("MultiheadAttention",
                s -> new MultiheadAttention(MultiheadAttention.Config.of(32, 4).withBatchFirst(true), new Rng(s)),
                (m, x) -> m.forward(x, x, x, MultiheadAttention.Options.defaults()
                        .withKeyPaddingMask(BoolMask.keyPadding(new int[] {5, 3}, 5))).context(),
                Tensor.randn(new Rng(1), 2, 5, 32).requiresGrad(true));
    }

    @Test
    void luongAttentionFollowsItsWeights() {
        assertFollowsWeights("Luong attention (general)",
                s -> new LuongAttention(LuongAttention.Score.GENERAL, 16, 16, 16, new Rng(s)),
                (m, x) -> m.forward(x, x, null, null).context(),
                Tensor.randn(new Rng(2), 2, 4, 16).requiresGrad(true));
    }
}
