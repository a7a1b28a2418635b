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
 * <p>Nothing here spins for long against a thread that may not be running: on a machine whose cores other
 * processes keep busy, a worker can wait milliseconds for a core. The caller takes every task no worker
 * has started, spins only a few microseconds for the others and then parks until the last one finishes;
 * idle workers park after {@link #IDLE_SPIN_NANOS}. A task a worker started and then lost its core for
 * still has to be waited for; when such a wait costs more than the caller's own share of the job, the
 * cores are taken and {@link #forEach} runs on the caller alone for a while ({@link Contention}), probing
 * again after a back-off that doubles while the cores stay taken. The same happens while the JDK's CPU
 * accounting shows other processes using the cores the threads would need ({@link OtherLoad}).
 * {@link #withHelpers} serves work that the caller can finish alone, so it never waits for a helper at all.
 *
 * <p>The thread count defaults to the available processors; {@code -Dgrukit.threads=N} or
 * {@link #setThreads} change it.
 */
public final class Parallel {
    private Parallel() {}

    /**
     * How long an idle worker spins for the next job before parking: the jobs of one training step come closer
     * (a parked worker takes tens of microseconds to wake). Not at all while the cores are taken.
     */
    static final long IDLE_SPIN_NANOS = 1_000_000;
    /** How long a caller spins for its workers' last tasks before parking until they finish. */
    static final long JOIN_SPIN_NANOS = 20_000;
    private static final AtomicBoolean BUSY = new AtomicBoolean();
    private static final Contention CONTENTION = new Contention();
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

    /**
     * Runs body(i) for every i in [0, tasks), in parallel where the pool is free and the cores are not taken by
     * other processes.
     */
    public static void forEach(int tasks, IntConsumer body) {
        if (tasks <= 0) return;
        Pool p = pool;
        if (tasks == 1 || p.threads == 1 || CONTENTION.serial() || !BUSY.compareAndSet(false, true)) {
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
     * Runs body(0) on the calling thread and offers body(1) .. body(helpers) to the pool's workers, returning as
     * soon as body(0) returns, whether or not the helpers have started or finished. For work that body(0)
     * completes by itself whatever the helpers do ({@link PhasedWork}: helpers only take a share when they get a
     * core), so a descheduled helper costs nothing. A helper still running after the return must write nothing
     * the caller's result holds. Returns false, having run nothing, when the pool is busy or too small, or when
     * other processes leave no core for a helper.
     */
    public static boolean withHelpers(int helpers, IntConsumer body) {
        Pool p = pool;
        if (helpers < 1 || p.threads < helpers + 1 || CONTENTION.serial() || !BUSY.compareAndSet(false, true)) {
            return false;
        }
        try {
            p.runWithHelpers(helpers, body);
            return true;
        } finally {
            BUSY.set(false);
        }
    }

    /** The range of task {@code i} of {@code parts} over [0, n): start inclusive, end exclusive. */
    public static int start(int n, int parts, int i) {
        return (int) ((long) n * i / parts);
    }

    /**
     * Whether splitting is paying. Other processes that leave fewer cores than the pool has threads
     * ({@link OtherLoad}) send work to the caller alone. So does a job whose wait for its workers' last tasks
     * is long against the caller's own share (a worker lost its core mid-task), for a back-off period which
     * doubles at each such job up to {@link #MAX_BACKOFF_NANOS} and halves after each job that waited little.
     * The back-off is updated only by the caller that holds the pool.
     */
    static final class Contention {
        private final OtherLoad others = new OtherLoad();
        static final long MIN_BACKOFF_NANOS = 2_000_000, MAX_BACKOFF_NANOS = 250_000_000;
        /** A wait shorter than this is scheduling noise, whatever the caller's share. */
        static final long NOISE_NANOS = 50_000;
        private volatile long serialUntil = System.nanoTime(); // nanoTime values compare only by difference
        private long backoff = MIN_BACKOFF_NANOS;

        boolean serial() {
            return System.nanoTime() - serialUntil < 0 || others.crowds(pool.threads);
        }

        void record(long ownNanos, long waitNanos, long now) {
            if (waitNanos > NOISE_NANOS && waitNanos > 2 * ownNanos) {
                serialUntil = now + backoff;
                backoff = Math.min(2 * backoff, MAX_BACKOFF_NANOS);
            } else { // one job that waited little is not yet a free machine: come back down gradually
                backoff = Math.max(MIN_BACKOFF_NANOS, backoff / 2);
            }
        }
    }

    /** One forEach call: its own counters, so a worker finishing late can never touch the next job. */
    private static final class Job {
        final IntConsumer body;
        final int tasks;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Job(IntConsumer body, int tasks, Thread caller) {
            this.body = body;
            this.tasks = tasks;
            this.caller = caller;
        }

        void drain() {
            for (int i = next.getAndIncrement(); i < tasks; i = next.getAndIncrement()) {
                try {
                    body.accept(i);
                } catch (Throwable t) {
                    if (failure == null) failure = t;
                } finally {
                    if (done.incrementAndGet() == tasks) LockSupport.unpark(caller);
                }
            }
        }

        /** Tasks not yet started will not be: the caller no longer needs them. */
        void abandon() {
            next.set(Integer.MAX_VALUE / 2);
        }

        /** Spins briefly for the tasks still running, then parks until the last of them unparks the caller. */
        void await() {
            long spinUntil = System.nanoTime() + JOIN_SPIN_NANOS;
            while (done.get() < tasks) {
                if (System.nanoTime() < spinUntil) Thread.onSpinWait();
                else LockSupport.park(this);
            }
        }

        void rethrow() {
            Throwable f = failure;
            if (f instanceof RuntimeException re) throw re;
            if (f instanceof Error er) throw er;
            if (f != null) throw new IllegalStateException(f);
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
            Job job = new Job(body, n, Thread.currentThread());
            current = job;
            for (Thread w : workers) LockSupport.unpark(w);
            long t0 = System.nanoTime();
            job.drain();
            long t1 = System.nanoTime();
            job.await();
            long t2 = System.nanoTime();
            current = null;
            CONTENTION.record(t1 - t0, t2 - t1, t2);
            job.rethrow();
        }

        void runWithHelpers(int helpers, IntConsumer body) {
            Job job = new Job(i -> body.accept(i + 1), helpers, Thread.currentThread());
            current = job;
            for (int i = 0; i < helpers; i++) LockSupport.unpark(workers[i]);
            try {
                body.accept(0);
            } finally {
                job.abandon();
                current = null;
            }
            job.rethrow();
        }

        private void work() {
            Job seen = null;
            while (!stopped) {
                long spinUntil = System.nanoTime() + (CONTENTION.serial() ? 0 : IDLE_SPIN_NANOS);
                Job job;
                while ((job = current) == null || job == seen) {
                    if (stopped) return;
                    if (System.nanoTime() < spinUntil) Thread.onSpinWait();
                    else LockSupport.park(this); // no timer: a parked worker must not wake a loaded core for nothing
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
