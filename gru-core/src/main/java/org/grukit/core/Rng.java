package org.grukit.core;

import java.util.SplittableRandom;

/**
 * A seeded random source whose streams are identical on every JDK: SplittableRandom's algorithm is
 * specified, and the normal draws use Box-Muller over StrictMath rather than a JDK-specific ziggurat.
 */
public final class Rng {
    private final SplittableRandom random;
    private double spareNormal = Double.NaN;

    public Rng(long seed) {
        this.random = new SplittableRandom(seed);
    }

    private Rng(SplittableRandom random) {
        this.random = random;
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
