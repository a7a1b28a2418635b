package org.grukit.core.train;

import java.nio.file.Path;

/**
 * The training loop's settings, validated.
 *
 * @param epochs        the most epochs to run
 * @param patience      stop after this many epochs without improvement of the monitored metric; 0 never stops early
 * @param clipNorm      clip gradients to this global L2 norm; 0 for no clipping
 * @param checkpointDir where {@code best/} (a model bundle) and {@code last/} (resumable state) go; null for none
 * @param resume        continue from {@code checkpointDir/last} when it exists
 * @param seed          seeds each epoch's batch order (epoch e uses a stream derived from seed and e)
 * @param progress      draw a progress bar and an epoch line on standard error
 */
public record TrainerConfig(int epochs, int patience, double clipNorm, Path checkpointDir, boolean resume, long seed,
                            boolean progress) {
    public TrainerConfig {
        if (epochs <= 0) throw new IllegalArgumentException("epochs must be > 0, got " + epochs);
        if (patience < 0) throw new IllegalArgumentException("patience must be >= 0, got " + patience);
        if (!(clipNorm >= 0)) throw new IllegalArgumentException("clipNorm must be >= 0, got " + clipNorm);
        if (resume && checkpointDir == null) throw new IllegalArgumentException("resume needs a checkpointDir");
    }

    public static TrainerConfig of(int epochs, long seed) {
        return new TrainerConfig(epochs, 0, 0, null, false, seed, true);
    }

    public TrainerConfig withPatience(int p) {
        return new TrainerConfig(epochs, p, clipNorm, checkpointDir, resume, seed, progress);
    }

    public TrainerConfig withClipNorm(double c) {
        return new TrainerConfig(epochs, patience, c, checkpointDir, resume, seed, progress);
    }

    public TrainerConfig withCheckpoints(Path dir, boolean resumeIfPresent) {
        return new TrainerConfig(epochs, patience, clipNorm, dir, resumeIfPresent, seed, progress);
    }

    public TrainerConfig withProgress(boolean p) {
        return new TrainerConfig(epochs, patience, clipNorm, checkpointDir, resume, seed, p);
    }
}
