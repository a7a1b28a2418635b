package org.grukit.benchmarks;

import java.util.concurrent.TimeUnit;
import org.grukit.core.GradMode;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
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
 * The GRU benchmark shapes (those of ../shared/tools/torch_gru_bench.py): inference with nothing recorded,
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
        // name -> batch, steps, input, hidden, layers, bidirectional
        int[] s = switch (shape) {
            case "sentiment" -> new int[] {64, 50, 128, 256, 1, 0};
            case "sentiment-bi" -> new int[] {64, 50, 128, 256, 1, 1};
            case "speech" -> new int[] {32, 200, 39, 256, 2, 1};
            case "large" -> new int[] {64, 100, 512, 512, 1, 0};
            case "latency" -> new int[] {1, 50, 128, 256, 1, 0};
            default -> throw new IllegalArgumentException("unknown shape " + shape);
        };
        Rng rng = new Rng(0);
        gru = new Gru(GruConfig.of(s[2], s[3]).withNumLayers(s[4]).withBidirectional(s[5] == 1).withBatchFirst(true), rng);
        gru.arena();
        x = Tensor.randn(rng, s[0], s[1], s[2]).requiresGrad(true);
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
