package org.grukit.core.kernel;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A reusable barrier for threads that meet thousands of times a second (once per time step): the last to
 * arrive opens the next generation, the others spin. Only for parties that are known to run concurrently
 * ({@link Parallel#tryConcurrently}), never for tasks that might run one after another.
 */
public final class SpinBarrier {
    private final int parties;
    private final AtomicInteger arrived = new AtomicInteger();
    private volatile int generation;

    public SpinBarrier(int parties) {
        this.parties = parties;
    }

    public void await() {
        int gen = generation;
        if (arrived.incrementAndGet() == parties) {
            arrived.set(0);
            generation = gen + 1;
        } else {
            while (generation == gen) Thread.onSpinWait();
        }
    }
}
