package org.grukit.core.nn;

import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;

/** Inverted dropout, active only in training mode, as torch.nn.Dropout. */
public final class Dropout extends Module {
    private final float p;
    private final Rng rng;

    public Dropout(float p, Rng rng) {
        if (!(p >= 0f && p < 1f)) throw new IllegalArgumentException("dropout p must be in [0, 1), got " + p);
        this.p = p;
        this.rng = registerRandomStream("mask", rng);
    }

    public Tensor forward(Tensor x) {
        return isTraining() && p > 0f ? Ops.dropout(x, p, rng) : x;
    }

    public float p() {
        return p;
    }
}
