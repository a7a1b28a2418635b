package org.grukit.core.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A schedule whose lr is base_lr times a closed-form factor of the number of steps taken; the base lr is
 * the optimiser's lr when the schedule is created.
 */
public abstract class FactorSchedule implements LrScheduler {
    private final Interval interval;
    private final double baseLr;
    private long count;

    protected FactorSchedule(Optimizer optimizer, Interval interval) {
        this.interval = interval;
        this.baseLr = optimizer.lr();
        optimizer.setLr(baseLr * factor(0));
    }

    /** The lr multiplier after {@code count} steps. */
    protected abstract double factor(long count);

    @Override
    public Interval interval() {
        return interval;
    }

    @Override
    public void step(Optimizer optimizer, double metric) {
        count++;
        optimizer.setLr(baseLr * factor(count));
    }

    public double baseLr() {
        return baseLr;
    }

    @Override
    public Map<String, Double> state() {
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("count", (double) count);
        return s;
    }

    @Override
    public void loadState(Map<String, Double> state) {
        count = state.getOrDefault("count", 0.0).longValue();
    }

    /** StepLR: multiply by gamma every stepSize epochs. */
    public static FactorSchedule stepLr(Optimizer opt, int stepSize, double gamma) {
        if (stepSize <= 0) throw new IllegalArgumentException("stepSize must be > 0, got " + stepSize);
        return new FactorSchedule(opt, Interval.EPOCH) {
            @Override
            protected double factor(long c) {
                return Math.pow(gamma, (double) (c / stepSize));
            }
        };
    }

    /** CosineAnnealingLR: from base lr down to etaMin over tMax steps (of the given interval). */
    public static FactorSchedule cosine(Optimizer opt, long tMax, double etaMin, Interval interval) {
        if (tMax <= 0) throw new IllegalArgumentException("tMax must be > 0, got " + tMax);
        double base = opt.lr();
        return new FactorSchedule(opt, interval) {
            @Override
            protected double factor(long c) {
                double lr = etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * Math.min(c, tMax) / tMax)) / 2;
                return lr / base;
            }
        };
    }

    /** LinearLR: the factor goes linearly from startFactor to endFactor over totalIters steps. */
    public static FactorSchedule linear(Optimizer opt, double startFactor, double endFactor, long totalIters,
                                        Interval interval) {
        if (!(startFactor > 0 && startFactor <= 1)) {
            throw new IllegalArgumentException("startFactor must be in (0, 1], got " + startFactor);
        }
        if (totalIters <= 0) throw new IllegalArgumentException("totalIters must be > 0, got " + totalIters);
        return new FactorSchedule(opt, interval) {
            @Override
            protected double factor(long c) {
                return startFactor + (endFactor - startFactor) * Math.min(c, totalIters) / totalIters;
            }
        };
    }

    /**
     * Linear warm-up from 0 to the base lr over warmupSteps optimiser steps, then cosine decay to
     * etaMin at totalSteps (the usual transformer-style schedule, per step).
     */
    public static FactorSchedule warmupCosine(Optimizer opt, long warmupSteps, long totalSteps, double etaMin) {
        if (warmupSteps < 0 || totalSteps <= warmupSteps) {
            throw new IllegalArgumentException("need 0 <= warmupSteps < totalSteps, got " + warmupSteps + " and " + totalSteps);
        }
        double base = opt.lr();
        return new FactorSchedule(opt, Interval.STEP) {
            @Override
            protected double factor(long c) {
                if (c < warmupSteps) return (c + 1.0) / warmupSteps;
                double progress = Math.min(1.0, (double) (c - warmupSteps) / (totalSteps - warmupSteps));
                return (etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * progress)) / 2) / base;
            }
        };
    }
}
