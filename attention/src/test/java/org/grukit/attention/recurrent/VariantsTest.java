package org.grukit.attention.recurrent;

import static org.grukit.core.GradCheck.assertPasses;
import static org.grukit.core.GradCheck.check;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.grukit.core.GradMode;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.kernel.Parallel;
import org.grukit.core.nn.Module;
import org.grukit.core.nn.RecurrentLayer;
import org.grukit.core.nn.RecurrentOutput;
import org.junit.jupiter.api.Test;

/** The GRU variants: the parallel scan against the sequential definition, gradients, ragged batches, state. */
class VariantsTest {

    @Test
    void chunkedScanEqualsTheSequentialRecurrence() {
        int threads = Parallel.threads();
        Parallel.setThreads(2);
        try {
            Rng rng = new Rng(1);
            int b = 3, t = 96, h = 160; // enough work for the chunked path
            Tensor a = Tensor.uniform(rng, 0f, 1f, b, t, h).requiresGrad(true);
            Tensor c = Tensor.randn(rng, b, t, h).requiresGrad(true);
            Tensor h0 = Tensor.randn(rng, b, h).requiresGrad(true);
            Tensor scanned = LinearScan.scan(a, c, h0);
            float[] ref = new float[b * t * h];
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < h; j++) {
                    float prev = h0.get(i, j);
                    for (int s = 0; s < t; s++) {
                        prev = a.get(i, s, j) * prev + c.get(i, s, j);
                        ref[(i * t + s) * h + j] = prev;
                    }
                }
            }
            assertArrayEquals(ref, scanned.toArray(), 1e-4f);
            // Gradients by the backward scan against autograd through the same recurrence written with ops.
            Tensor w = Tensor.randn(new Rng(2), b, t, h);
            Ops.sum(Ops.mul(scanned, w)).backward();
            float[] ga = a.grad().toArray(), gc = c.grad().toArray(), gh = h0.grad().toArray();
            a.zeroGrad();
            c.zeroGrad();
            h0.zeroGrad();
            Tensor prev = h0;
            List<Tensor> outs = new ArrayList<>();
            for (int s = 0; s < t; s++) {
                prev = Ops.add(Ops.mul(Ops.select(a, 1, s), prev), Ops.select(c, 1, s));
                outs.add(prev);
            }
            Ops.sum(Ops.mul(Ops.stack(1, outs.toArray(new Tensor[0])), w)).backward();
            assertArrayEquals(a.grad().toArray(), ga, 1e-3f);
            assertArrayEquals(c.grad().toArray(), gc, 1e-3f);
            assertArrayEquals(h0.grad().toArray(), gh, 1e-3f);
        } finally {
            Parallel.setThreads(threads);
        }
    }

    private static void gradCheck(String what, Module m, RecurrentLayer layer, int in) {
        Rng rng = new Rng(6);
        Tensor x = Tensor.randn(rng, 2, 5, in).requiresGrad(true);
        List<Tensor> all = new ArrayList<>(List.of(x));
        all.addAll(m.parameters());
        int[] lengths = {5, 3};
        assertPasses(what, check(a -> {
            RecurrentOutput o = layer.forward(a[0], null, lengths);
            return Ops.concat(0, Ops.reshape(o.output(), -1), Ops.reshape(o.hN(), -1));
        }, all.toArray(new Tensor[0])));
        // Padded steps are zero, and the final state is the one at each sequence's last valid step.
        try (GradMode g = GradMode.noGrad()) {
            RecurrentOutput o = layer.forward(x, null, lengths);
            for (int t = 3; t < 5; t++) for (int j = 0; j < layer.outputSize(); j++) assertEquals(0f, o.output().get(1, t, j), 0f);
            for (int j = 0; j < layer.outputSize(); j++) assertEquals(o.output().get(1, 2, j), o.hN().get(0, 1, j), 1e-6f);
        }
    }

    @Test
    void everyVariantPassesGradientChecks() {
        Rng rng = new Rng(3);
        MinGru min = new MinGru(3, 4, rng);
        gradCheck("minGRU", min, min, 3);
        for (int delay : new int[] {0, 2}) {
            TauGru tau = new TauGru(new TauGru.Config(3, 4, delay, 0.7f, 1f, 1f), rng);
            gradCheck("tau-GRU delay " + delay, tau, tau, 3);
        }
        LightGru light = new LightGru(3, 4, rng);
        gradCheck("light GRU", light, light, 3);
        SimpleRnn rnn = new SimpleRnn(3, 4, rng);
        gradCheck("RNN", rnn, rnn, 3);
    }

    @Test
    void lightGruKeepsRunningStatisticsAsBuffers() {
        LightGru light = new LightGru(3, 4, new Rng(4));
        assertTrue(light.stateDict().containsKey("bn.running_mean"));
        assertTrue(light.stateDict().containsKey("bn.running_var"));
        assertTrue(!light.namedParameters().containsKey("bn.running_mean"), "buffers are not trained");
        Tensor x = Tensor.randn(new Rng(5), 4, 6, 3);
        light.forward(x, null, null);
        assertNotEquals(0f, light.stateDict().get("bn.running_mean").get(0), "training updates the running mean");
        light.eval();
        RecurrentOutput a, b;
        try (GradMode g = GradMode.noGrad()) {
            a = light.forward(x, null, null);
            b = light.forward(Ops.narrow(x, 0, 0, 1), null, null);
        }
        // In evaluation the statistics are fixed: a sequence's output does not depend on its batch.
        assertArrayEquals(Ops.narrow(a.output(), 0, 0, 1).toArray(), b.output().toArray(), 1e-6f);
    }
}
