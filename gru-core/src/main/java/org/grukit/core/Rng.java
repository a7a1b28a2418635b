package org.grukit.core;

import java.util.SplittableRandom;

/**
 * A seeded random source whose streams are identical on every JDK: SplittableRandom's algorithm is
 * specified, and the normal draws use Box-Muller over StrictMath rather than a JDK-specific ziggurat.
 * A stream can be {@linkplain #reseed reseeded}: the trainer restarts every stream of a model at each
 * epoch from the run's seed and the epoch, so a run resumed from a checkpoint draws what an uninterrupted
 * run draws.
 */
public final class Rng {
    private SplittableRandom random;
    private double spareNormal = Double.NaN;

    public Rng(long seed) {
        this.random = new SplittableRandom(seed);
    }

    private Rng(SplittableRandom random) {
        this.random = random;
    }

    /** Restarts this stream as {@code new Rng(seed)} would start. */
    public void reseed(long seed) {
        random = new SplittableRandom(seed);
        spareNormal = Double.NaN;
    }

    /**
     * A seed derived from {@code seed} and {@code keys} (an epoch, a stream's name): distinct inputs give
     * unrelated seeds, where {@code seed + 1} would give SplittableRandom a stream shifted by one draw.
     */
    public static long derive(long seed, long... keys) {
        long h = mix(seed);
        for (long k : keys) h = mix(h ^ mix(k + 0x9E3779B97F4A7C15L));
        return h;
    }

    // Stafford's variant 13 of the MurmurHash3 finaliser, as SplittableRandom mixes its own state.
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** An independent stream derived from this one (for a worker, a data loader, a dropout layer). */
    public Rng split() {
        return new Rng(random.split());
    }

    public double uniform() {
        return random.nextDouble();
    }

    public double uniform(double lo, double hi) {
        return lo + (hi - lo) * random.nextDouble();
    }

    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    public long nextLong() {
        return random.nextLong();
    }

    public double normal() {
        if (!Double.isNaN(spareNormal)) {
            double s = spareNormal;
            spareNormal = Double.NaN;
            return s;
        }
        double u1;
        do {
            u1 = random.nextDouble();
        } while (u1 <= 0.0);
        double u2 = random.nextDouble();
        double r = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
        spareNormal = r * StrictMath.sin(2.0 * Math.PI * u2);
        return r * StrictMath.cos(2.0 * Math.PI * u2);
    }

    /** Fisher-Yates shuffle of {@code a} in place. */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
