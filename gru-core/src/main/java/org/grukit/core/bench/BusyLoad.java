package org.grukit.core.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A CPU load beside a benchmark, as other processes make it on a shared server, a container or a CI machine:
 * N separate processes, each spinning on one core until the benchmark closes the load, its parent exits or its
 * own time limit passes, so a load never outlives its benchmark. Processes, not threads of the benchmark's
 * JVM, so that the scheduler treats them as it treats strangers.
 */
public final class BusyLoad implements AutoCloseable {
    /** The longest a spinner runs if nothing stops it. */
    static final long MAX_SECONDS = 1800;

    private final List<Process> spinners;

    private BusyLoad(List<Process> spinners) {
        this.spinners = spinners;
    }

    /** Starts {@code processes} spinning processes (none for 0) with this JVM's java and class path. */
    public static BusyLoad start(int processes) {
        if (processes < 0) throw new IllegalArgumentException("busy processes must be >= 0, got " + processes);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<Process> started = new ArrayList<>();
        try {
            for (int i = 0; i < processes; i++) {
                started.add(new ProcessBuilder(java, "-Xmx32m", "-cp", System.getProperty("java.class.path"),
                        BusyLoad.class.getName(), Long.toString(MAX_SECONDS))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start());
            }
        } catch (IOException e) {
            started.forEach(Process::destroyForcibly);
            throw new IllegalStateException("cannot start a busy-load process with " + java + ": " + e.getMessage(), e);
        }
        return new BusyLoad(started);
    }

    public int processes() {
        return spinners.size();
    }

    @Override
    public void close() {
        for (Process p : spinners) p.destroyForcibly();
        for (Process p : spinners) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A spinner: burns one core until its parent process is gone or the time limit passes. */
    public static void main(String[] args) {
        long limit = System.nanoTime() + Long.parseLong(args.length > 0 ? args[0] : "60") * 1_000_000_000L;
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        long x = 1;
        while (System.nanoTime() - limit < 0 && (parent == null || parent.isAlive())) {
            for (int i = 0; i < 10_000_000; i++) x = x * 6364136223846793005L + 1442695040888963407L;
        }
        if (x == 42) System.out.println(x); // keeps the loop from being removed
    }
}
