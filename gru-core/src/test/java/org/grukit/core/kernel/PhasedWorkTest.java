package org.grukit.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Phased work shared with a helper: the caller completes every unit whatever the helper does, a unit run twice
 * changes nothing, and a helper that stops dead (as a thread that lost its core) never holds the caller up.
 */
class PhasedWorkTest {
    private static final int PHASES = 300, UNITS = 2;

    /** Each unit's value depends on both units of the previous phase, as a GRU step on the last state. */
    private static double[] reference() {
        double[] v = new double[(PHASES + 1) * UNITS];
        v[0] = 1;
        v[1] = 2;
        for (int p = 0; p < PHASES; p++) {
            for (int u = 0; u < UNITS; u++) v[(p + 1) * UNITS + u] = unit(v, p, u);
        }
        return v;
    }

    private static double unit(double[] v, int p, int u) {
        return Math.sin(v[p * UNITS] + (u + 1) * v[p * UNITS + 1]) + 0.001 * p;
    }

    @Test
    void everyUnitIsDoneOnceAsIfInOrder() {
        for (int trial = 0; trial < 50; trial++) {
            double[] v = new double[(PHASES + 1) * UNITS];
            v[0] = 1;
            v[1] = 2;
            PhasedWork work = new PhasedWork(PHASES, UNITS);
            boolean shared = Parallel.withHelpers(1, t -> work.runAll(t, (p, u) -> v[(p + 1) * UNITS + u] = unit(v, p, u)));
            if (!shared) work.runAll(0, (p, u) -> v[(p + 1) * UNITS + u] = unit(v, p, u));
            assertArrayEquals(reference(), v, 0.0, "trial " + trial);
        }
    }

    @Test
    void aHelperThatStopsDeadDoesNotHoldTheCallerUp() throws InterruptedException {
        if (Parallel.threads() < 2) return; // nothing to share on one thread
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch helperStuck = new CountDownLatch(1);
        double[] v = new double[(PHASES + 1) * UNITS];
        v[0] = 1;
        v[1] = 2;
        PhasedWork work = new PhasedWork(PHASES, UNITS);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            boolean shared = Parallel.withHelpers(1, t -> work.runAll(t, (p, u) -> {
                if (t == 1 && p == 5) { // the helper loses its core in the middle of a unit it claimed
                    helperStuck.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                v[(p + 1) * UNITS + u] = unit(v, p, u);
            }));
            if (!shared) work.runAll(0, (p, u) -> v[(p + 1) * UNITS + u] = unit(v, p, u));
        }, "the caller waited for a helper that was not running");
        assertArrayEquals(reference(), v, 0.0);
        // The helper, released, finishes its unit late: the same value lands again, and nothing changes.
        release.countDown();
        if (helperStuck.await(0, TimeUnit.SECONDS)) {
            Thread.sleep(50);
            assertArrayEquals(reference(), v, 0.0);
        }
    }
}
