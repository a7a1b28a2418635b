package org.grukit.core.bench;

import java.util.Arrays;
import org.grukit.core.GradMode;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.kernel.Gemm;
import org.grukit.core.nn.Gru;
import org.grukit.core.nn.GruConfig;

/**
 * Wall-clock timing of the GRU benchmark shapes and of square GEMMs, as shipped: median of repeated runs
 * after a warm-up long enough for the JIT to compile the kernels. Inference records nothing; a training
 * step is forward then backward of sum(output) into every parameter and the input (as
 * ../shared/tools/torch_gru_bench.py does in PyTorch).
 */
public final class GruBench {
    private GruBench() {}

    /** Times in milliseconds. */
    public record GruResult(String shape, double inferMs, double trainMs, double inferGflops, double trainGflops) {}

    public record GemmResult(int n, double ms, double gflops) {}

    /** Warm-up runs at the least, however long they take: a slow shape needs them for the JIT to settle. */
    static final int MIN_WARMUP_RUNS = 10;

    /**
     * Runs {@code body} until {@code warmupSeconds} have passed and at least {@link #MIN_WARMUP_RUNS} times,
     * then {@code reps} timed runs, and more until {@code minSeconds} have passed; the median in ms.
     */
    static double medianMs(Runnable body, double warmupSeconds, int reps, double minSeconds) {
        long end = System.nanoTime() + (long) (warmupSeconds * 1e9);
        int warm = 0;
        do {
            body.run();
            warm++;
        } while (System.nanoTime() < end || warm < MIN_WARMUP_RUNS);
        double[] t = new double[reps];
        long budgetEnd = System.nanoTime() + (long) (minSeconds * 1e9);
        int n = 0;
        // Fast shapes take many runs to fill the time budget: a window of a few scheduler time slices would
        // time the scheduler of the moment (on a loaded machine above all), not the kernels.
        while (n < reps || System.nanoTime() < budgetEnd) {
            long t0 = System.nanoTime();
            body.run();
            double ms = (System.nanoTime() - t0) / 1e6;
            if (n >= t.length) t = Arrays.copyOf(t, t.length * 2);
            t[n++] = ms;
        }
        double[] got = Arrays.copyOf(t, n);
        Arrays.sort(got);
        return n % 2 == 1 ? got[n / 2] : (got[n / 2 - 1] + got[n / 2]) / 2;
    }

    public static GruResult gru(GruBenchShape s, double warmupSeconds, int reps) {
        Rng rng = new Rng(0);
        Gru gru = new Gru(GruConfig.of(s.input, s.hidden).withNumLayers(s.layers).withBidirectional(s.bidirectional)
                .withBatchFirst(true), rng);
        gru.arena();
        Tensor x = Tensor.randn(rng, s.batch, s.steps, s.input).requiresGrad(true);
        double infer = medianMs(() -> {
            try (GradMode g = GradMode.noGrad()) {
                gru.forward(x);
            }
        }, warmupSeconds, reps, 2.0);
        double train = medianMs(() -> {
            gru.zeroGrad();
            x.zeroGrad();
            Ops.sum(gru.forward(x).output()).backward();
        }, warmupSeconds, reps, 2.0);
        double macs = s.forwardMacs();
        return new GruResult(s.label(), round(infer), round(train), round(2 * macs / infer / 1e6),
                round(6 * macs / train / 1e6));
    }

    public static GemmResult gemm(int n, double warmupSeconds, int reps) {
        Rng rng = new Rng(1);
        float[] a = new float[n * n], b = new float[n * n], c = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rng.uniform(-1, 1);
            b[i] = (float) rng.uniform(-1, 1);
        }
        double ms = medianMs(() -> Gemm.gemm(c, 0, n, a, 0, n, false, b, 0, n, false, n, n, n), warmupSeconds, reps, 1.0);
        return new GemmResult(n, round(ms), round(2.0 * n * n * n / ms / 1e6));
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
