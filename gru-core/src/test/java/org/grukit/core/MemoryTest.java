package org.grukit.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.grukit.core.kernel.Parallel;
import org.grukit.core.nn.Gru;
import org.grukit.core.nn.GruConfig;
import org.grukit.core.nn.Linear;
import org.grukit.core.nn.Losses;
import org.grukit.core.optim.Adam;
import org.junit.jupiter.api.Test;

/**
 * No allocation per time step: a forward pass's allocation grows with the sequence length only by the
 * arrays that hold per-step results. And memory stays flat over a long training run.
 */
class MemoryTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static long allocated(Gru gru, Tensor x) {
        long before = THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
        try (GradMode g = GradMode.noGrad()) {
            gru.forward(x);
        }
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
    }

    @Test
    void inferenceAllocatesNothingPerTimeStep() {
        int threads = Parallel.threads();
        Parallel.setThreads(1); // every allocation on this thread, where it is counted
        try {
            int b = 4, in = 8, h = 32;
            Rng rng = new Rng(1);
            Gru gru = new Gru(GruConfig.of(in, h).withBatchFirst(true), rng);
            Tensor shortX = Tensor.randn(rng, b, 100, in), longX = Tensor.randn(rng, b, 300, in);
            for (int i = 0; i < 3000; i++) {
                allocated(gru, shortX);
                allocated(gru, longX);
            }
            // The least of several calls: a one-off allocation elsewhere in the JVM's thread (a class loaded late, a
            // deoptimisation) must not pass for a per-step one.
            long shortBytes = Long.MAX_VALUE, longBytes = Long.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                shortBytes = Math.min(shortBytes, allocated(gru, shortX));
                longBytes = Math.min(longBytes, allocated(gru, longX));
            }
            long extra = longBytes - shortBytes;
            System.out.println("allocated: T=100 " + shortBytes + " bytes, T=300 " + longBytes + " bytes");
            // Per step and sequence: the time-major input copy (I floats) and its row map (an int), the input
            // projection (3H), the output (H), the batch-first output copy (H) and its row map (an int).
            long perStep = (long) b * (4L * in + 4 + 4L * 3 * h + 4L * h + 4L * h + 4);
            long expected = 200 * perStep;
            assertTrue(extra <= expected + 512, "200 more steps allocated " + extra + " bytes, per-step results need "
                    + expected + ": something allocates per step");
            assertTrue(extra >= expected - 512, "accounting is off: " + extra + " < " + expected);
        } finally {
            Parallel.setThreads(threads);
        }
    }

    @Test
    void memoryStaysFlatOverALongTrainingRun() {
        Rng rng = new Rng(2);
        Gru gru = new Gru(GruConfig.of(6, 24).withBatchFirst(true), rng);
        Linear head = new Linear(24, 3, rng);
        org.grukit.core.nn.Module model = new org.grukit.core.nn.Module() {
            {
                registerModule("gru", gru);
                registerModule("head", head);
            }
        };
        Adam opt = new Adam(model.arena(), Adam.Config.adam(0.01));
        Tensor x = Tensor.randn(rng, 16, 30, 6);
        int[] y = new int[16];
        for (int i = 0; i < 16; i++) y[i] = i % 3;
        long afterWarmup = 0;
        for (int step = 1; step <= 1500; step++) {
            opt.zeroGrad();
            Tensor logits = head.forward(Ops.select(gru.forward(x).hN(), 0, 0));
            Losses.crossEntropy(logits, y).backward();
            opt.step();
            if (step == 300) afterWarmup = usedAfterGc();
        }
        long end = usedAfterGc();
        assertTrue(end - afterWarmup < 2L << 20, "heap grew by " + (end - afterWarmup) / 1024
                + " KiB between step 300 and step 1500: something is retained per step");
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
