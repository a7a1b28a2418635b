package org.grukit.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Requests gathered into batches within the size and wait limits, each answered on its own, a full queue refused. */
class DynamicBatcherTest {
    @Test
    void concurrentRequestsShareBatchesAndEachGetsItsOwnAnswer() throws Exception {
        List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
        try (DynamicBatcher<Integer, String> b = new DynamicBatcher<>("m", new DynamicBatcher.Config(16, Duration.ofMillis(200), 1000), in -> {
            sizes.add(in.size());
            return in.stream().map(i -> "x" + i).toList();
        })) {
            List<CompletableFuture<String>> answers = new ArrayList<>();
            for (int i = 0; i < 64; i++) answers.add(b.submit(i));
            for (int i = 0; i < 64; i++) assertEquals("x" + i, answers.get(i).get(10, TimeUnit.SECONDS));
            assertTrue(sizes.stream().allMatch(s -> s <= 16), sizes.toString());
            assertTrue(sizes.size() <= 8, "64 requests queued at once go in few batches: " + sizes);
            assertEquals(64, b.inputs());
        }
    }

    @Test
    void aLoneRequestWaitsNoLongerThanTheLimit() throws Exception {
        try (DynamicBatcher<Integer, Integer> b = new DynamicBatcher<>("m", new DynamicBatcher.Config(64, Duration.ofMillis(50), 10), in -> in)) {
            long start = System.nanoTime();
            assertEquals(7, b.submit(7).get(10, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "answered after the wait, not never");
            assertEquals(1, b.batches());
        }
    }

    @Test
    void anInputTheModelRefusesFailsOnlyItsOwnRequest() throws Exception {
        try (DynamicBatcher<Integer, Integer> b = new DynamicBatcher<>("m", new DynamicBatcher.Config(8, Duration.ofMillis(100), 100), in -> {
            for (int i : in) if (i < 0) throw new IllegalArgumentException("negative input " + i);
            return in.stream().map(i -> i * 2).toList();
        })) {
            CompletableFuture<Integer> good = b.submit(3), bad = b.submit(-1), alsoGood = b.submit(4);
            assertEquals(6, good.get(10, TimeUnit.SECONDS));
            assertEquals(8, alsoGood.get(10, TimeUnit.SECONDS));
            ExecutionException e = assertThrows(ExecutionException.class, () -> bad.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("negative input -1"), e.getCause().getMessage());
        }
    }

    @Test
    void aFullQueueIsRefusedAtOnceAndClosingAnswersWhatWasTaken() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        DynamicBatcher<Integer, Integer> b = new DynamicBatcher<>("m", new DynamicBatcher.Config(1, Duration.ZERO, 3), in -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return in;
        });
        List<CompletableFuture<Integer>> taken = new ArrayList<>();
        taken.add(b.submit(0)); // taken by the worker, which now waits
        Thread.sleep(200);
        for (int i = 1; i <= 3; i++) taken.add(b.submit(i)); // fills the queue of 3
        DynamicBatcher.Rejected full = assertThrows(DynamicBatcher.Rejected.class, () -> b.submit(99));
        assertTrue(full.getMessage().contains("3 requests waiting") && !full.closed(), full.getMessage());
        assertEquals(1, b.rejected());
        release.countDown();
        b.close(Duration.ofSeconds(10));
        for (int i = 0; i < taken.size(); i++) assertEquals(i, taken.get(i).get(1, TimeUnit.SECONDS), "request " + i + " answered before close returned");
        assertTrue(assertThrows(DynamicBatcher.Rejected.class, () -> b.submit(5)).closed());
    }
}
