package org.grukit.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The kernel pool: every task runs once, nested calls run inline, failures reach the caller. */
class ParallelTest {
    @Test
    void everyTaskRunsExactlyOnceAcrossManyJobs() {
        for (int job = 0; job < 2000; job++) {
            int n = 1 + job % 7;
            AtomicIntegerArray runs = new AtomicIntegerArray(n);
            Parallel.forEach(n, runs::incrementAndGet);
            for (int i = 0; i < n; i++) assertEquals(1, runs.get(i), "job " + job + " task " + i);
        }
    }

    @Test
    void nestedCallsRunInlineAndFailuresPropagate() {
        AtomicIntegerArray runs = new AtomicIntegerArray(9);
        Parallel.forEach(3, i -> Parallel.forEach(3, j -> runs.incrementAndGet(i * 3 + j)));
        for (int i = 0; i < 9; i++) assertEquals(1, runs.get(i));
        var e = assertThrows(IllegalStateException.class, () -> Parallel.forEach(4, i -> {
            if (i == 2) throw new IllegalStateException("task 2 failed");
        }));
        assertEquals("task 2 failed", e.getMessage());
        // The pool still works after a failure.
        AtomicIntegerArray again = new AtomicIntegerArray(4);
        Parallel.forEach(4, again::incrementAndGet);
        for (int i = 0; i < 4; i++) assertEquals(1, again.get(i));
    }
}
