package org.grukit.benchmarks;

import java.util.concurrent.TimeUnit;
import org.grukit.core.GradMode;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.bench.GruBenchShape;
import org.grukit.core.nn.Gru;
import org.grukit.core.nn.GruConfig;
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
 * The GRU benchmark shapes ({@link GruBenchShape}, those of ../shared/tools/torch_gru_bench.py): inference with nothing recorded,
 * and a training step (forward, then backward of sum(output) into every parameter and the input).
 * Run: {@code java -jar benchmarks/target/benchmarks.jar GruBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class GruBenchmark {
    @Param({"sentiment", "sentiment-bi", "speech", "large", "latency"})
    public String shape;

    private Gru gru;
    private Tensor x;

    @Setup
    public void setup() {
        GruBenchShape s = GruBenchShape.of(shape);
        Rng rng = new Rng(0);
        gru = new Gru(GruConfig.of(s.input, s.hidden).withNumLayers(s.layers).withBidirectional(s.bidirectional)
                .withBatchFirst(true), rng);
        gru.arena();
        x = Tensor.randn(rng, s.batch, s.steps, s.input).requiresGrad(true);
    }

    @Benchmark
    public Tensor infer() {
        try (GradMode g = GradMode.noGrad()) {
            return gru.forward(x).output();
        }
    }

    @Benchmark
    public Tensor train() {
        gru.zeroGrad();
        x.zeroGrad();
        Ops.sum(gru.forward(x).output()).backward();
        return x.grad();
    }
}
