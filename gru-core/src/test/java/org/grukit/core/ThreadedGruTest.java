package org.grukit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import org.grukit.core.kernel.Parallel;
import org.grukit.core.nn.Gru;
import org.grukit.core.nn.GruConfig;
import org.grukit.core.nn.RecurrentOutput;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A GRU large enough to run its recurrence in row blocks on several threads gives bit-identical outputs and
 * gradients to the same GRU on one thread (each row's arithmetic is the same, whichever thread does it).
 */
class ThreadedGruTest {
    private static List<float[]> run(boolean resetAfter) {
        Rng rng = new Rng(21);
        Gru gru = new Gru(GruConfig.of(16, 64).withBidirectional(true).withResetAfter(resetAfter), rng);
        Tensor x = Tensor.randn(rng, 20, 9, 16).requiresGrad(true);
        int[] lengths = {20, 3, 17, 20, 1, 9, 20, 11, 5};
        RecurrentOutput o = gru.forward(x, null, lengths);
        Ops.add(Ops.sum(Ops.mul(o.output(), o.output())), Ops.sum(o.hN())).backward();
        List<float[]> r = new ArrayList<>();
        r.add(o.output().toArray());
        r.add(o.hN().toArray());
        r.add(x.grad().toArray());
        for (Tensor p : gru.parameters()) r.add(p.grad().toArray());
        return r;
    }

    @Test
    void threadedEqualsSingleThreaded() {
        int threads = Parallel.threads();
        for (boolean resetAfter : new boolean[] {true, false}) {
            try {
                Parallel.setThreads(2);
                List<float[]> many = run(resetAfter);
                Parallel.setThreads(1);
                List<float[]> one = run(resetAfter);
                for (int i = 0; i < one.size(); i++) {
                    assertArrayEquals(one.get(i), many.get(i), 0f, "resetAfter=" + resetAfter + " tensor " + i);
                }
            } finally {
                Parallel.setThreads(threads);
            }
        }
    }

    @Test
    void aSingleSequenceSplitOverHiddenUnitsMatchesOneThread() {
        // Inference of one sequence splits the hidden units over two threads, a phase per step, each part with
        // its own packed slices; with grad on, the layer runs on one thread with the projection as one GEMM.
        // Only the summation order of that projection differs.
        Rng rng = new Rng(8);
        Gru gru = new Gru(GruConfig.of(24, 160).withBidirectional(true).withNumLayers(2), rng);
        Tensor x = Tensor.randn(rng, 30, 1, 24);
        long splitBefore = RecurrentOps.SPLIT_RUNS.get();
        for (int[] lengths : new int[][] {null, {17}}) {
            RecurrentOutput recorded = gru.forward(x.copy().requiresGrad(true), null, lengths);
            RecurrentOutput split;
            try (GradMode g = GradMode.noGrad()) {
                split = gru.forward(x, null, lengths);
            }
            assertArrayEquals(recorded.output().toArray(), split.output().toArray(), 1e-6f);
            assertArrayEquals(recorded.hN().toArray(), split.hN().toArray(), 1e-6f);
        }
        // The comparison means something only if the split path ran: it declines on one thread, or when other
        // processes hold the cores (then this run compared the single-threaded path with itself).
        Assumptions.assumeTrue(RecurrentOps.SPLIT_RUNS.get() > splitBefore,
                "the split path declined (one kernel thread, or the cores are taken): nothing was compared");
    }

    /**
     * The split inference gives the same bits whether a helper takes its part or the caller runs both parts alone
     * (the pool busy, or other processes on the cores): the answer does not depend on the machine's load. Inside a
     * task of the pool's own job no helper is free, so the inner call runs alone.
     */
    @Test
    void theSplitInferenceIsTheSameAloneAndWithAHelper() {
        Rng rng = new Rng(9);
        Gru gru = new Gru(GruConfig.of(16, 128).withBatchFirst(true), rng);
        Tensor x = Tensor.randn(rng, 1, 25, 16);
        float[][] out = new float[2][];
        try (GradMode g = GradMode.noGrad()) {
            out[0] = gru.forward(x).output().toArray();
            Parallel.forEach(2, i -> {
                if (i == 0) {
                    try (GradMode inner = GradMode.noGrad()) {
                        out[1] = gru.forward(x).output().toArray();
                    }
                }
            });
        }
        assertArrayEquals(out[0], out[1], 0f, "bit for bit");
    }
}
