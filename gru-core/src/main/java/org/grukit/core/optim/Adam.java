package org.grukit.core.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grukit.core.ParameterArena;

/**
 * Adam, as torch.optim.Adam (L2 weight decay added to the gradient), or with {@code decoupled} as
 * torch.optim.AdamW (weight decay applied to the parameters, scaled by lr); with {@code amsgrad}, the
 * denominator uses the largest second moment seen so far (Reddi et al. 2018), as torch's {@code amsgrad=True}.
 * Parameter groups ({@link ParamGroup}) take their own lr and weight decay.
 */
public final class Adam extends ArenaOptimizer {
    /** Hyperparameters, validated; torch's defaults via {@link #adam} and {@link #adamW}. */
    public record Config(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
                         boolean amsgrad) implements java.io.Serializable {
        public Config {
            if (!(lr >= 0)) throw new IllegalArgumentException("lr must be >= 0, got " + lr);
            if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
            if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
            if (!(eps >= 0)) throw new IllegalArgumentException("eps must be >= 0, got " + eps);
            if (!(weightDecay >= 0)) throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        }

        /** torch.optim.Adam defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
        public static Config adam(double lr) {
            return new Config(lr, 0.9, 0.999, 1e-8, 0, false, false);
        }

        /** torch.optim.AdamW defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
        public static Config adamW(double lr) {
            return new Config(lr, 0.9, 0.999, 1e-8, 0.01, true, false);
        }

        public Config withWeightDecay(double wd) {
            return new Config(lr, beta1, beta2, eps, wd, decoupled, amsgrad);
        }

        public Config withAmsgrad(boolean on) {
            return new Config(lr, beta1, beta2, eps, weightDecay, decoupled, on);
        }

        public Config withEps(double value) {
            return new Config(lr, beta1, beta2, value, weightDecay, decoupled, amsgrad);
        }

        public Config withBetas(double b1, double b2) {
            return new Config(lr, b1, b2, eps, weightDecay, decoupled, amsgrad);
        }
    }

    private final Config config;
    private final float[] m, v;
    private final float[] vMax; // amsgrad's running maximum of v, else null

    public Adam(ParameterArena arena, Config config) {
        this(arena, config, List.of());
    }

    /** With parameter groups: parameters in no group take {@code config}'s lr and weight decay. */
    public Adam(ParameterArena arena, Config config, List<ParamGroup> groups) {
        super(arena, config.lr(), config.weightDecay(), groups);
        this.config = config;
        m = new float[arena.size()];
        v = new float[arena.size()];
        vMax = config.amsgrad() ? new float[arena.size()] : null;
    }

    @Override
    protected void update(float[] p, float[] g) {
        float b1 = (float) config.beta1(), b2 = (float) config.beta2();
        double bc1 = 1 - Math.pow(config.beta1(), steps);
        double bc2 = 1 - Math.pow(config.beta2(), steps);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        float eps = (float) config.eps();
        for (Segment s : segments()) {
            double groupLr = lr * s.lrScale();
            float stepSize = (float) (groupLr / bc1);
            float wd = (float) s.weightDecay();
            boolean decoupled = config.decoupled();
            float decay = decoupled ? (float) (1 - groupLr * s.weightDecay()) : 1f;
            boolean l2 = !decoupled && wd != 0f;
            for (int i = s.start(); i < s.end(); i++) {
                float gi = l2 ? g[i] + wd * p[i] : g[i];
                if (decoupled) p[i] *= decay;
                m[i] += (gi - m[i]) * (1f - b1);
                v[i] = b2 * v[i] + (1f - b2) * gi * gi;
                float second = v[i];
                if (vMax != null) second = vMax[i] = Math.max(vMax[i], second);
                float denom = (float) Math.sqrt(second) / bc2Sqrt + eps;
                p[i] -= stepSize * m[i] / denom;
            }
        }
    }

    @Override
    protected Map<String, float[]> buffers() {
        Map<String, float[]> b = new LinkedHashMap<>();
        b.put("exp_avg", m);
        b.put("exp_avg_sq", v);
        if (vMax != null) b.put("max_exp_avg_sq", vMax);
        return b;
    }

    @Override
    protected void loadBuffers(Map<String, float[]> state) {
        System.arraycopy(OptimizerState.require(state, "exp_avg", m.length), 0, m, 0, m.length);
        System.arraycopy(OptimizerState.require(state, "exp_avg_sq", v.length), 0, v, 0, v.length);
        if (vMax != null) System.arraycopy(OptimizerState.require(state, "max_exp_avg_sq", vMax.length), 0, vMax, 0, vMax.length);
    }
}
