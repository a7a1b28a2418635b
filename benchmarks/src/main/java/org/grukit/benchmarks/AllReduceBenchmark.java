package org.grukit.benchmarks;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.grukit.core.train.RingAllReduce;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One all-reduce of a gradient between two workers on loopback, as data-parallel training does every step (the
 * SST-2 model's 5,052,206 parameters, and a 1 M one), against copying the same gradient once in memory: the
 * ratio is what the socket ring costs beyond touching the bytes. Both workers are threads of this JVM, each with a
 * core of its own when the machine has two.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class AllReduceBenchmark {
    @Param({"5052206", "1000000"})
    public int parameters;

    private ExecutorService other;
    private RingAllReduce zero, one;
    private float[] a, b, copy;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        other = Executors.newSingleThreadExecutor();
        ServerSocketChannel s0 = RingAllReduce.listen(InetAddress.getLoopbackAddress());
        ServerSocketChannel s1 = RingAllReduce.listen(InetAddress.getLoopbackAddress());
        List<InetSocketAddress> ring = List.of((InetSocketAddress) s0.getLocalAddress(), (InetSocketAddress) s1.getLocalAddress());
        Future<RingAllReduce> joined = other.submit(() -> RingAllReduce.join(1, ring, s1, Duration.ofSeconds(30)));
        zero = RingAllReduce.join(0, ring, s0, Duration.ofSeconds(30));
        one = joined.get();
        a = new float[parameters];
        b = new float[parameters];
        copy = new float[parameters];
        for (int i = 0; i < parameters; i++) {
            a[i] = i * 1e-7f;
            b[i] = -i * 1e-7f;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        zero.close();
        one.close();
        other.shutdownNow();
    }

    /** Both workers sum their buffers; the call returns when both have the sum. */
    @Benchmark
    public float ringAllReduce() throws Exception {
        Future<?> peer = other.submit(() -> {
            one.sum(b);
            return null;
        });
        zero.sum(a);
        peer.get();
        return a[parameters - 1];
    }

    /** The floor: the gradient copied once in memory. */
    @Benchmark
    public float copyOnce() {
        System.arraycopy(a, 0, copy, 0, parameters);
        return copy[parameters - 1];
    }
}
