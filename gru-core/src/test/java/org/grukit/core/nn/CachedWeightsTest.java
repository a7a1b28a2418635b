package org.grukit.core.nn;

import static org.grukit.core.WeightChanges.assertFollowsWeights;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.kernel.Gemm;
import org.grukit.core.kernel.Parallel;
import org.grukit.core.kernel.VectorSupport;
import org.junit.jupiter.api.Test;

/**
 * Every core layer that keeps packed copies of its weights follows each way the weights can change (see
 * {@link org.grukit.core.WeightChanges}). Run by both Surefire executions: the Vector API kernels and the plain
 * Java ones.
 */
class CachedWeightsTest {
    private static Tensor input(long seed, int... shape) {
        return Tensor.randn(new Rng(seed), shape).requiresGrad(true);
    }

    @Test
    void linearFollowsItsWeights() {
        System.out.println("kernels: " + Gemm.backend() + ", threads " + Parallel.threads());
        if (!Gemm.backend().equals("java")) assertNull(VectorSupport.notice(), "the fast kernels run: nothing to warn of");
        assertFollowsWeights("Linear without bias", s -> new Linear(32, 8, false, new Rng(s)), Linear::forward,
                input(1, 3, 32));
        assertFollowsWeights("Linear", s -> new Linear(4, 64, true, new Rng(s)), Linear::forward, input(2, 5, 4));
    }

    @Test
    void gruFollowsItsWeightsInEveryPath() {
        // Several sequences: the row-block path, W_hh packed once and kept on the tensor.
        assertFollowsWeights("GRU (2 layers, bidirectional, batch 8)",
                s -> new Gru(GruConfig.of(6, 32).withNumLayers(2).withBidirectional(true).withBatchFirst(true),
                        new Rng(s)),
                (g, x) -> g.forward(x).output(), input(3, 8, 5, 6));
        // One sequence with a wide layer: in inference two threads split the hidden units, each keeping its slices.
        assertFollowsWeights("GRU (one sequence, hidden 128)",
                s -> new Gru(GruConfig.of(16, 128).withBatchFirst(true), new Rng(s)),
                (g, x) -> g.forward(x).output(), input(4, 1, 7, 16));
        assertFollowsWeights("GRU (reset-before form)",
                s -> new Gru(GruConfig.of(6, 32).withResetAfter(false).withBatchFirst(true), new Rng(s)),
                (g, x) -> g.forward(x).output(), input(5, 8, 4, 6));
    }

    @Test
    void gruCellFollowsItsWeights() {
        assertFollowsWeights("GRUCell", s -> new GruCell(32, 32, new Rng(s)), (c, x) -> c.forward(x, c.forward(x, null)),
                input(6, 4, 32));
    }

    @Test
    void embeddingFollowsItsWeights() {
        int[] ids = {0, 3, 1, 4, 4, 2};
        assertFollowsWeights("Embedding", s -> new Embedding(5, 8, 1, new Rng(s)),
                (e, x) -> org.grukit.core.Ops.mul(e.forward(ids, 2, 3), x), input(7, 2, 3, 8));
    }
}
