package org.grukit.core.kernel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A small fork-join for the kernels: {@link #forEach} runs tasks 0..n-1 on the calling thread and the
 * pool's workers and returns when all are done. Workers spin briefly between jobs (a GRU issues jobs
 * microseconds apart) and then park, so an idle pool costs nothing. A call made while the pool is busy
 * (another caller, or a task that itself calls forEach) runs inline, so it never deadlocks.
 *
 * <p>The thread count defaults to the available processors; {@code -Dgrukit.threads=N} or
 * {@link #setThreads} change it.
 */
public final class Parallel {
    private Parallel() {}

    private static final int SPINS = 1 << 15;
    private static final AtomicBoolean BUSY = new AtomicBoolean();
    private static volatile Pool pool = new Pool(Integer.getInteger("grukit.threads",
            Runtime.getRuntime().availableProcessors()));

    public static int threads() {
        return pool.threads;
    }

    /** Replaces the pool with one of {@code n} threads (the caller counts as one). */
    public static synchronized void setThreads(int n) {
        if (n <= 0) throw new IllegalArgumentException("threads must be > 0, got " + n);
        if (n == pool.threads) return;
        while (!BUSY.compareAndSet(false, true)) Thread.onSpinWait();
        try {
            pool.shutdown();
            pool = new Pool(n);
        } finally {
            BUSY.set(false);
        }
    }

    /** Runs body(i) for every i in [0, tasks), in parallel where the pool is free. */
    public static void forEach(int tasks, IntConsumer body) {
        if (tasks <= 0) return;
        Pool p = pool;
        if (tasks == 1 || p.threads == 1 || !BUSY.compareAndSet(false, true)) {
            for (int i = 0; i < tasks; i++) body.accept(i);
            return;
        }
        try {
            p.run(tasks, body);
        } finally {
            BUSY.set(false);
        }
    }

    /**
     * Runs body(0) .. body(tasks - 1) at the same time, one per thread, when the pool has that many threads
     * and is free; returns false without running anything otherwise. For tasks that wait for each other
     * (a {@link SpinBarrier}), which must not run one after another.
     */
    public static boolean tryConcurrently(int tasks, IntConsumer body) {
        Pool p = pool;
        if (tasks < 2 || p.threads < tasks || !BUSY.compareAndSet(false, true)) return false;
        try {
            p.run(tasks, body);
            return true;
        } finally {
            BUSY.set(false);
        }
    }

    /** The range of task {@code i} of {@code parts} over [0, n): start inclusive, end exclusive. */
    public static int start(int n, int parts, int i) {
        return (int) ((long) n * i / parts);
    }

    /** One forEach call: its own counters, so a worker finishing late can never touch the next job. */
    private static final class Job {
        final IntConsumer body;
        final int tasks;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Job(IntConsumer body, int tasks) {
            this.body = body;
            this.tasks = tasks;
        }

        void drain() {
            for (int i = next.getAndIncrement(); i < tasks; i = next.getAndIncrement()) {
                try {
                    body.accept(i);
                } catch (Throwable t) {
                    if (failure == null) failure = t;
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    private static final class Pool {
        final int threads;
        final Thread[] workers;
        volatile Job current;
        volatile boolean stopped;

        Pool(int threads) {
            this.threads = threads;
            workers = new Thread[threads - 1];
            for (int i = 0; i < workers.length; i++) {
                Thread t = new Thread(this::work, "grukit-kernel-" + (i + 1));
                t.setDaemon(true);
                workers[i] = t;
                t.start();
            }
        }

        void run(int n, IntConsumer body) {
            Job job = new Job(body, n);
            current = job;
            for (Thread w : workers) LockSupport.unpark(w);
            job.drain();
            while (job.done.get() < n) Thread.onSpinWait();
            current = null;
            Throwable f = job.failure;
            if (f instanceof RuntimeException re) throw re;
            if (f instanceof Error er) throw er;
            if (f != null) throw new IllegalStateException(f);
        }

        private void work() {
            Job seen = null;
            while (!stopped) {
                int spins = 0;
                Job job;
                while ((job = current) == null || job == seen) {
                    if (stopped) return;
                    if (++spins < SPINS) Thread.onSpinWait();
                    else LockSupport.parkNanos(this, 1_000_000L);
                }
                seen = job;
                job.drain();
            }
        }

        void shutdown() {
            stopped = true;
            for (Thread w : workers) LockSupport.unpark(w);
        }
    }
}
