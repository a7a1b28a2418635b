package org.grukit.core.nn;

import org.grukit.core.Rng;
import org.grukit.core.Tensor;

/** PyTorch's default initialisations, drawn from a grukit {@link Rng}. */
public final class Init {
    private Init() {}

    /** U(-bound, bound) in place. */
    public static void uniform(Tensor t, Rng rng, double bound) {
        float[] d = t.array();
        for (int i = 0; i < t.numel(); i++) d[t.offset() + i] = (float) rng.uniform(-bound, bound);
        t.bumpVersion();
    }

    /** N(0, std^2) in place. */
    public static void normal(Tensor t, Rng rng, double std) {
        float[] d = t.array();
        for (int i = 0; i < t.numel(); i++) d[t.offset() + i] = (float) (rng.normal() * std);
        t.bumpVersion();
    }

    /**
     * kaiming_uniform_(a = sqrt(5)) as nn.Linear uses for its weight: U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
     */
    public static void linearWeight(Tensor w, Rng rng) {
        uniform(w, rng, 1.0 / Math.sqrt(w.dim(1)));
    }

    /** Xavier (Glorot) uniform: U(-a, a), a = gain * sqrt(6 / (fanIn + fanOut)), for a [out, in] weight. */
    public static void xavierUniform(Tensor w, Rng rng, double gain) {
        uniform(w, rng, gain * Math.sqrt(6.0 / (w.dim(0) + w.dim(1))));
    }
}
