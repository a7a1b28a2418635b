package org.grukit.core.train;

import java.io.PrintStream;

/**
 * A progress line for long work: a bar, the fraction done, live statistics (loss, throughput) and the time
 * left. On a terminal it redraws in place (at most ten times a second); in a log (CI, a pipe) it prints a
 * line at each quarter so the log stays short.
 */
public final class ProgressBar {
    private static final int WIDTH = 24;
    private final String label;
    private final long total;
    private final PrintStream out;
    private final boolean interactive;
    private final long startNanos = System.nanoTime();
    private long lastDraw;
    private int lastQuarter = 0;

    public ProgressBar(String label, long total, PrintStream out, boolean interactive) {
        this.label = label;
        this.total = Math.max(1, total);
        this.out = out;
        this.interactive = interactive;
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Reports {@code done} of total with a statistics text such as "loss 0.1234  5120 ex/s". */
    public void update(long done, String stats) {
        long now = System.nanoTime();
        if (interactive) {
            if (now - lastDraw < 100_000_000L && done < total) return;
            lastDraw = now;
            out.print("\r" + line(done, stats) + "\033[K");
            out.flush();
        } else {
            int quarter = (int) (4 * Math.min(done, total) / total);
            if (quarter > lastQuarter && quarter < 4) {
                lastQuarter = quarter;
                out.println(line(done, stats));
            }
        }
    }

    /** Draws the final state and ends the line. */
    public void finish(String stats) {
        if (interactive) out.print("\r" + line(total, stats) + "\033[K\n");
        else out.println(line(total, stats));
        out.flush();
    }

    String line(long done, String stats) {
        double frac = Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(frac * WIDTH);
        double elapsed = elapsedSeconds();
        String eta = done > 0 && done < total ? " eta " + clock(elapsed / frac - elapsed) : " " + clock(elapsed);
        return String.format("%s [%s%s] %3d%% %s%s", label, "#".repeat(filled), "-".repeat(WIDTH - filled),
                Math.round(frac * 100), stats, eta);
    }

    static String clock(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%02d:%02d", s / 60, s % 60);
    }
}
