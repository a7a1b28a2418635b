package org.grukit.core.kernel;

import java.lang.management.ManagementFactory;

/**
 * How many cores other processes are using, from the JDK's own CPU accounting (the whole machine's, or the
 * container's, recent CPU load less this process's), sampled at most every {@link #SAMPLE_NANOS}. When they
 * leave fewer cores than the kernel threads need, splitting work across threads cannot gain and its waits
 * cost: {@link Parallel} then runs work on the caller alone. Where the JDK offers no such accounting, it says
 * the machine is free, and only the waits themselves ({@link Parallel}'s back-off) tell.
 */
final class OtherLoad {
    static final long SAMPLE_NANOS = 50_000_000;

    private final com.sun.management.OperatingSystemMXBean os;
    private final int cores = Runtime.getRuntime().availableProcessors();
    private volatile long sampledAt = System.nanoTime() - 2 * SAMPLE_NANOS;
    private volatile double otherCores;

    OtherLoad() {
        com.sun.management.OperatingSystemMXBean bean = null;
        try {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean b) {
                bean = b;
                bean.getCpuLoad(); // the first reading only starts the interval
                bean.getProcessCpuLoad();
            }
        } catch (LinkageError | RuntimeException e) {
            bean = null; // a runtime without jdk.management: the back-off alone decides
        }
        os = bean;
    }

    /** Cores busy with other processes, over the last sampling interval. */
    double otherCores() {
        long now = System.nanoTime();
        if (os != null && now - sampledAt > SAMPLE_NANOS) sample(now);
        return otherCores;
    }

    /** True when other processes leave fewer than {@code threads} cores, with half a core of slack. */
    boolean crowds(int threads) {
        return otherCores() > cores - threads + 0.5;
    }

    private synchronized void sample(long now) {
        if (now - sampledAt <= SAMPLE_NANOS) return; // another thread sampled meanwhile
        double all = os.getCpuLoad(), own = os.getProcessCpuLoad();
        if (all >= 0 && own >= 0) otherCores = Math.max(0, all - own) * cores;
        sampledAt = now;
    }
}
