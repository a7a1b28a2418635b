package org.grukit.core.kernel;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Work in phases of a few units each (a GRU time step, its hidden units split in parts), shared by threads
 * that may lose their core at any moment. Every thread runs {@link #runAll}: it claims the units of a phase
 * that no one has claimed, its preferred one first, then waits for the others before the next phase. A unit
 * claimed by a thread that has not finished it within a few times the unit's own duration is run again by
 * the waiting thread (the shortest unit it has run sets the wait), so no thread ever waits long for one that is
 * not running: one thread alone completes all the work, and a second one only shares it while it has a core.
 *
 * <p>A unit may therefore run twice, concurrently or late. It must be idempotent: it reads only what earlier
 * phases wrote, and writes the same values to places no later phase overwrites (each phase its own output
 * slots), so a duplicate's writes, whenever they land, change nothing.
 */
public final class PhasedWork {
    private static final int FREE = 0, CLAIMED = 1, DONE = 2;
    /** The least wait before redoing a unit: below this, timer resolution and cache misses dominate. */
    private static final long MIN_WAIT_NANOS = 2_000;

    /** One unit of work; called with the phase and the unit, on whichever thread runs it. */
    @FunctionalInterface
    public interface Unit {
        void run(int phase, int unit);
    }

    private final int phases, units;
    private final AtomicIntegerArray state;

    public PhasedWork(int phases, int units) {
        if (phases < 0 || units < 1) throw new IllegalArgumentException("phases must be >= 0 and units >= 1");
        this.phases = phases;
        this.units = units;
        this.state = new AtomicIntegerArray(phases * units);
    }

    /** Runs phases in order until every unit of every phase is done, preferring unit {@code preferred}. */
    public void runAll(int preferred, Unit body) {
        // The shortest unit this thread has run: a unit during which it lost its core measures the scheduler,
        // not the work, and must not stretch the wait.
        long unitNanos = Long.MAX_VALUE;
        for (int p = 0; p < phases; p++) {
            for (int k = 0; k < units; k++) {
                int u = (preferred + k) % units, i = p * units + u;
                if (state.get(i) == FREE && state.compareAndSet(i, FREE, CLAIMED)) {
                    long t0 = System.nanoTime();
                    body.run(p, u);
                    state.set(i, DONE);
                    unitNanos = Math.min(unitNanos, System.nanoTime() - t0);
                }
            }
            for (int u = 0; u < units; u++) {
                int i = p * units + u;
                if (state.get(i) == DONE) continue;
                long wait = unitNanos == Long.MAX_VALUE ? MIN_WAIT_NANOS : Math.max(MIN_WAIT_NANOS, 3 * unitNanos);
                long deadline = System.nanoTime() + wait;
                while (state.get(i) != DONE && System.nanoTime() < deadline) Thread.onSpinWait();
                if (state.get(i) != DONE) { // its owner has lost its core, or is far behind: do it here
                    body.run(p, u);
                    state.set(i, DONE);
                }
            }
        }
    }
}
