package org.grukit.core.nn;

import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;

/** y = x W^T + b over the last dimension, as torch.nn.Linear (weight [out, in], bias [out]). */
public final class Linear extends Module {
    private final Tensor weight;
    private final Tensor bias;

    public Linear(int inFeatures, int outFeatures, boolean bias, Rng rng) {
        if (inFeatures <= 0) throw new IllegalArgumentException("inFeatures must be > 0, got " + inFeatures);
        if (outFeatures <= 0) throw new IllegalArgumentException("outFeatures must be > 0, got " + outFeatures);
        weight = registerParameter("weight", Tensor.zeros(outFeatures, inFeatures));
        Init.linearWeight(weight, rng);
        if (bias) {
            this.bias = registerParameter("bias", Tensor.zeros(outFeatures));
            Init.uniform(this.bias, rng, 1.0 / Math.sqrt(inFeatures));
        } else {
            this.bias = null;
        }
    }

    public Linear(int inFeatures, int outFeatures, Rng rng) {
        this(inFeatures, outFeatures, true, rng);
    }

    public Tensor forward(Tensor x) {
        if (x.dim(-1) != weight.dim(1)) {
            throw new IllegalArgumentException("Linear expected input with last dimension " + weight.dim(1) + ", got shape "
                    + org.grukit.core.Shape.str(x.shape()));
        }
        return Ops.linear(x, weight, bias);
    }

    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }

    public int inFeatures() {
        return weight.dim(1);
    }

    public int outFeatures() {
        return weight.dim(0);
    }
}
