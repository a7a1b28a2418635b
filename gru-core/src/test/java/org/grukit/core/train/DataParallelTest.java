package org.grukit.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.grukit.core.ParameterArena;
import org.grukit.core.Rng;
import org.grukit.core.optim.Adam;
import org.grukit.core.optim.FactorSchedule;
import org.grukit.core.optim.LrScheduler;
import org.grukit.core.optim.Optimizer;
import org.grukit.core.optim.Sgd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Data-parallel training on threads joined by the real socket all-reduce: N workers take the steps one machine takes,
 * and a worker that stops fails the others instead of hanging them.
 */
class DataParallelTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** Rings of {@code n} workers on loopback, joined on threads. */
    private List<RingAllReduce> ring(int n, Duration timeout) throws Exception {
        List<ServerSocketChannel> servers = new ArrayList<>();
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            ServerSocketChannel s = RingAllReduce.listen(InetAddress.getLoopbackAddress());
            servers.add(s);
            addresses.add((InetSocketAddress) s.getLocalAddress());
        }
        List<Future<RingAllReduce>> joined = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            int rank = r;
            joined.add(pool.submit(() -> RingAllReduce.join(rank, addresses, servers.get(rank), timeout)));
        }
        List<RingAllReduce> out = new ArrayList<>();
        for (Future<RingAllReduce> f : joined) out.add(f.get());
        return out;
    }

    @Test
    void theRingSumsAndEveryWorkerHoldsTheSameBits() throws Exception {
        for (int n : new int[] {1, 2, 3, 4}) {
            List<RingAllReduce> rings = ring(n, Duration.ofSeconds(30));
            int length = 1001; // not a multiple of any n: chunks of unequal length
            float[][] values = new float[n][length];
            double[] expected = new double[length];
            Rng rng = new Rng(n);
            for (int r = 0; r < n; r++) {
                for (int i = 0; i < length; i++) {
                    values[r][i] = (float) rng.uniform() * 2 - 1;
                    expected[i] += values[r][i];
                }
            }
            List<Future<?>> done = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                int rank = r;
                done.add(pool.submit(() -> {
                    rings.get(rank).sum(values[rank]);
                    rings.get(rank).sum(values[rank]); // twice: the second sum is n times the first
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
            for (int i = 0; i < length; i++) assertEquals(expected[i] * n, values[0][i], 1e-5 * n, n + " workers, element " + i);
            for (int r = 1; r < n; r++) assertArrayEquals(values[0], values[r], 0f, "worker " + r + " of " + n + " holds worker 0's bits");
            if (n > 1) {
                long longest = 4L * ((length + n - 1) / n);
                assertTrue(rings.get(0).bytesSent() <= 2 * 2 * (n - 1) * longest, "sent " + rings.get(0).bytesSent() + " bytes");
            }
            for (RingAllReduce r : rings) r.close();
        }
    }

    @Test
    void aWorkerThatStopsFailsTheOthersInsteadOfHangingThem() throws Exception {
        List<RingAllReduce> rings = ring(3, Duration.ofSeconds(20));
        rings.get(2).close(); // worker 2 failed
        // A failing worker closes its ring (as DataParallel's callers do), so the failure travels round it.
        List<Future<?>> running = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            RingAllReduce mine = rings.get(r);
            running.add(pool.submit(() -> {
                try (mine) {
                    mine.sum(new float[100_000]);
                }
                return null;
            }));
        }
        Future<?> zero = running.get(0), one = running.get(1);
        for (Future<?> f : List.of(zero, one)) {
            Exception e = assertThrows(Exception.class, f::get);
            assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
        }
        Exception e = assertThrows(Exception.class, zero::get);
        assertTrue(e.getCause().getMessage().contains("worker 2 closed its connection"), e.getCause().getMessage());
    }

    @Test
    void aWorkerThatNeverComesIsATimeoutNamingIt() throws Exception {
        ServerSocketChannel own = RingAllReduce.listen(InetAddress.getLoopbackAddress());
        ServerSocketChannel absent = RingAllReduce.listen(InetAddress.getLoopbackAddress()); // listening, never joins
        List<InetSocketAddress> addresses = List.of((InetSocketAddress) own.getLocalAddress(), (InetSocketAddress) absent.getLocalAddress());
        IOException e = assertThrows(IOException.class, () -> RingAllReduce.join(0, addresses, own, Duration.ofMillis(500)));
        assertTrue(e.getMessage().contains("worker 1 did not connect"), e.getMessage());
        absent.close();
    }

    /** A run's optimiser and schedule, built the same way on the driver and on every worker. */
    private record Recipe(Function<ParameterArena, Optimizer> optimizer, Function<Optimizer, LrScheduler> schedule) {}

    /** Trains {@code epochs} epochs of the sum task on one machine, or on {@code workers} threads. */
    private TrainerTest.SumTask train(Recipe recipe, int workers, int batchSize, int epochs) {
        TrainerTest.SumTask driver = new TrainerTest.SumTask(5);
        driver.batchSize = batchSize;
        Optimizer opt = recipe.optimizer().apply(driver.gru.arena());
        LrScheduler schedule = recipe.schedule().apply(opt);
        Trainer trainer = new Trainer(TrainerConfig.of(epochs, 3).withProgress(false).withClipNorm(0.5));
        if (workers > 0) {
            trainer.runner(e -> {
                DataParallel.EpochPlan plan = DataParallel.EpochPlan.of(e);
                try {
                    List<RingAllReduce> rings = ring(workers, Duration.ofSeconds(30));
                    List<Future<DataParallel.EpochOutcome>> outcomes = new ArrayList<>();
                    for (int r = 0; r < workers; r++) {
                        int rank = r;
                        outcomes.add(pool.submit(() -> {
                            TrainerTest.SumTask mine = new TrainerTest.SumTask(100 + rank); // weights come from the plan
                            mine.batchSize = batchSize;
                            Optimizer o = recipe.optimizer().apply(mine.gru.arena());
                            try (RingAllReduce ring = rings.get(rank)) {
                                return DataParallel.runEpoch(plan, rank, workers, mine, o, recipe.schedule().apply(o), ring);
                            }
                        }));
                    }
                    DataParallel.EpochOutcome first = outcomes.get(0).get();
                    for (int r = 1; r < workers; r++) assertArrayEquals(first.weights(), outcomes.get(r).get().weights(), 0f, "worker " + r);
                    first.restoreInto(e.optimizer(), e.scheduler());
                    return new Trainer.EpochLoss(first.lossSum(), first.seen());
                } catch (Exception x) {
                    throw new AssertionError(x);
                }
            });
        }
        trainer.fit(driver, opt, schedule);
        return driver;
    }

    private void assertSameSteps(Recipe recipe, int workers, int batchSize) {
        float[] one = train(recipe, 0, batchSize, 3).gru.arena().data();
        float[] many = train(recipe, workers, batchSize, 3).gru.arena().data();
        float[] start = new TrainerTest.SumTask(5).gru.arena().data();
        double moved = 0, off = 0;
        for (int i = 0; i < one.length; i++) {
            moved = Math.max(moved, Math.abs(one[i] - start[i]));
            off = Math.max(off, Math.abs(one[i] - many[i]));
        }
        assertTrue(moved > 0.05, "training moved the weights by " + moved);
        assertTrue(off < 2e-5, workers + " workers end " + off + " away from one machine (moved " + moved + ")");
    }

    @Test
    void twoWorkersTakeOneMachinesStepsWithSgd() {
        assertSameSteps(new Recipe(a -> new Sgd(a, Sgd.Config.of(0.1).withMomentum(0.9)), o -> FactorSchedule.stepLr(o, 1, 0.7)), 2, 16);
    }

    @Test
    void twoWorkersTakeOneMachinesStepsWithAdam() {
        assertSameSteps(new Recipe(a -> new Adam(a, Adam.Config.adam(0.02)), o -> FactorSchedule.stepLr(o, 1, 0.7)), 2, 16);
    }

    @Test
    void threeWorkersOnBatchesThatDoNotDivide() {
        // 64 examples in batches of 7: shares of 3, 2 and 2, and a last batch of 1 that two workers have no share of.
        assertSameSteps(new Recipe(a -> new Adam(a, Adam.Config.adam(0.02)), o -> FactorSchedule.stepLr(o, 1, 0.7)), 3, 7);
    }

    @Test
    void sharesCoverTheBatchInOrder() {
        int[] batch = {9, 8, 7, 6, 5, 4, 3};
        assertArrayEquals(new int[] {9, 8, 7}, DataParallel.share(batch, 0, 3));
        assertArrayEquals(new int[] {6, 5}, DataParallel.share(batch, 1, 3));
        assertArrayEquals(new int[] {4, 3}, DataParallel.share(batch, 2, 3));
        assertArrayEquals(new int[0], DataParallel.share(new int[] {1}, 1, 2));
    }
}
