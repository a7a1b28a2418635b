package org.grukit.benchmarks;

import java.util.concurrent.TimeUnit;
import org.grukit.core.Rng;
import org.grukit.core.kernel.GruGates;
import org.grukit.core.kernel.GruKernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One time step of the GRU gate kernels (reset-after, forward with saving and backward) for a block of 32
 * rows, as each thread runs them in the sentiment shape: the shipped kernels ("vector") against the plain
 * Java ones ("java").
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class GateKernelBenchmark {
    @Param({"vector", "java"})
    public String kernels;

    @Param({"256", "512"})
    public int hidden;

    private static final int ROWS = 32;
    private GruGates gates;
    private float[] gi, gh, hPrev, h, saved, dh, dgi, dgh, dhPrev;

    @Setup
    public void setup() {
        gates = kernels.equals("java") ? GruKernels.scalar() : GruKernels.GATES;
        Rng rng = new Rng(3);
        gi = random(rng, ROWS * 3 * hidden);
        gh = random(rng, ROWS * 3 * hidden);
        hPrev = random(rng, ROWS * hidden);
        dh = random(rng, ROWS * hidden);
        h = new float[ROWS * hidden];
        saved = new float[ROWS * 4 * hidden];
        dgi = new float[ROWS * 3 * hidden];
        dgh = new float[ROWS * 3 * hidden];
        dhPrev = new float[ROWS * hidden];
    }

    private static float[] random(Rng rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rng.uniform(-2, 2);
        return x;
    }

    @Benchmark
    public float[] forward() {
        gates.forwardResetAfter(h, 0, saved, 0, gi, 0, gh, 0, hPrev, 0, null, 0, 0, ROWS, hidden);
        return h;
    }

    @Benchmark
    public float[] backward() {
        gates.backwardResetAfter(dgi, 0, dgh, 0, dhPrev, 0, dh, 0, saved, 0, hPrev, 0, null, 0, 0, ROWS, hidden);
        return dgi;
    }
}
