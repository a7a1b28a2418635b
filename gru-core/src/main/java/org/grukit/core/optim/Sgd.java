package org.grukit.core.optim;

import java.util.List;
import java.util.Map;
import org.grukit.core.ParameterArena;

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay, as torch.optim.SGD;
 * parameter groups ({@link ParamGroup}) take their own lr and weight decay.
 */
public final class Sgd extends ArenaOptimizer {
    /** Hyperparameters, validated. */
    public record Config(double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        public Config {
            if (!(lr >= 0)) throw new IllegalArgumentException("lr must be >= 0, got " + lr);
            if (!(momentum >= 0)) throw new IllegalArgumentException("momentum must be >= 0, got " + momentum);
            if (!(weightDecay >= 0)) throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
            if (nesterov && (momentum <= 0 || dampening != 0)) {
                throw new IllegalArgumentException("Nesterov momentum requires momentum > 0 and dampening 0");
            }
        }

        public static Config of(double lr) {
            return new Config(lr, 0, 0, 0, false);
        }

        public Config withMomentum(double m) {
            return new Config(lr, m, dampening, weightDecay, nesterov);
        }

        public Config withNesterov(boolean n) {
            return new Config(lr, momentum, dampening, weightDecay, n);
        }

        public Config withWeightDecay(double wd) {
            return new Config(lr, momentum, dampening, wd, nesterov);
        }
    }

    private final Config config;
    private float[] buf;

    public Sgd(ParameterArena arena, Config config) {
        this(arena, config, List.of());
    }

    /** With parameter groups: parameters in no group take {@code config}'s lr and weight decay. */
    public Sgd(ParameterArena arena, Config config, List<ParamGroup> groups) {
        super(arena, config.lr(), config.weightDecay(), groups);
        this.config = config;
    }

    @Override
    protected void update(float[] p, float[] g) {
        float mom = (float) config.momentum();
        float damp = (float) (1 - config.dampening());
        boolean first = buf == null;
        if (mom != 0f && first) buf = new float[p.length];
        for (Segment s : segments()) {
            float wd = (float) s.weightDecay(), rate = (float) (lr * s.lrScale());
            for (int i = s.start(); i < s.end(); i++) {
                float d = g[i] + wd * p[i];
                if (mom != 0f) {
                    buf[i] = first ? d : mom * buf[i] + damp * d;
                    d = config.nesterov() ? d + mom * buf[i] : buf[i];
                }
                p[i] -= rate * d;
            }
        }
    }

    @Override
    protected Map<String, float[]> buffers() {
        return buf == null ? Map.of() : Map.of("momentum_buffer", buf);
    }

    @Override
    protected void loadBuffers(Map<String, float[]> state) {
        buf = state.containsKey("momentum_buffer")
                ? OptimizerState.require(state, "momentum_buffer", arena.size()).clone() : null;
    }
}
