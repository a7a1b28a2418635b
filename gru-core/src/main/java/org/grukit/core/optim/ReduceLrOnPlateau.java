package org.grukit.core.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Lowers the lr by {@code factor} when the monitored metric has not improved for {@code patience} epochs,
 * as torch.optim.lr_scheduler.ReduceLROnPlateau with threshold_mode 'rel'.
 */
public final class ReduceLrOnPlateau implements LrScheduler {
    /** Hyperparameters; {@code maximize} is mode 'max' (accuracy), otherwise 'min' (loss). */
    public record Config(boolean maximize, double factor, int patience, double threshold, int cooldown, double minLr) {
        public Config {
            if (!(factor > 0 && factor < 1)) throw new IllegalArgumentException("factor must be in (0, 1), got " + factor);
            if (patience < 0) throw new IllegalArgumentException("patience must be >= 0, got " + patience);
            if (cooldown < 0) throw new IllegalArgumentException("cooldown must be >= 0, got " + cooldown);
        }

        /** PyTorch's defaults: factor 0.1, patience 10, threshold 1e-4, cooldown 0, min_lr 0. */
        public static Config defaults(boolean maximize) {
            return new Config(maximize, 0.1, 10, 1e-4, 0, 0);
        }

        public Config withFactor(double f) {
            return new Config(maximize, f, patience, threshold, cooldown, minLr);
        }

        public Config withPatience(int p) {
            return new Config(maximize, factor, p, threshold, cooldown, minLr);
        }

        public Config withCooldown(int c) {
            return new Config(maximize, factor, patience, threshold, c, minLr);
        }
    }

    private static final double EPS = 1e-8;
    private final Config config;
    private double best;
    private int badEpochs;
    private int cooldownLeft;

    public ReduceLrOnPlateau(Config config) {
        this.config = config;
        this.best = config.maximize() ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    @Override
    public Interval interval() {
        return Interval.EPOCH;
    }

    @Override
    public void step(Optimizer optimizer, double metric) {
        if (Double.isNaN(metric)) {
            throw new IllegalArgumentException("ReduceLROnPlateau needs a metric each epoch; got NaN (no evaluation?)");
        }
        // PyTorch's 'rel' comparison, as it is (it does not adjust the threshold for negative metrics).
        boolean better = config.maximize() ? metric > best * (1 + config.threshold())
                : metric < best * (1 - config.threshold());
        if (better) {
            best = metric;
            badEpochs = 0;
        } else {
            badEpochs++;
        }
        if (cooldownLeft > 0) {
            cooldownLeft--;
            badEpochs = 0;
        }
        if (badEpochs > config.patience()) {
            double old = optimizer.lr();
            double next = Math.max(old * config.factor(), config.minLr());
            if (old - next > EPS) optimizer.setLr(next);
            cooldownLeft = config.cooldown();
            badEpochs = 0;
        }
    }

    @Override
    public Map<String, Double> state() {
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("best", best);
        s.put("bad_epochs", (double) badEpochs);
        s.put("cooldown_left", (double) cooldownLeft);
        return s;
    }

    @Override
    public void loadState(Map<String, Double> state) {
        best = state.getOrDefault("best", best);
        badEpochs = state.getOrDefault("bad_epochs", 0.0).intValue();
        cooldownLeft = state.getOrDefault("cooldown_left", 0.0).intValue();
    }
}
