package org.grukit.benchmarks;

import java.util.concurrent.TimeUnit;
import org.grukit.core.Rng;
import org.grukit.core.kernel.Gemm;
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
 * Square SGEMM, C += A op(B), with and without a transposed B (the x W^T of every layer). GFLOP/s is
 * 2 n^3 / time; compare with OpenBLAS on the same sizes (../shared/tools/torch_gru_bench.py prints it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class GemmBenchmark {
    @Param({"256", "1024"})
    public int n;

    @Param({"false", "true"})
    public boolean transB;

    private float[] a, b, c;

    @Setup
    public void setup() {
        Rng rng = new Rng(1);
        a = new float[n * n];
        b = new float[n * n];
        c = new float[n * n];
        for (int i = 0; i < n * n; i++) {
            a[i] = (float) rng.uniform(-1, 1);
            b[i] = (float) rng.uniform(-1, 1);
        }
    }

    @Benchmark
    public float[] gemm() {
        Gemm.gemm(c, 0, n, a, 0, n, false, b, 0, n, transB, n, n, n);
        return c;
    }
}
