package org.grukit.core.nn;

import org.grukit.core.Ops;
import org.grukit.core.Tensor;

/** Layer normalization over the last dimension with learned weight (ones) and bias (zeros), as torch.nn.LayerNorm. */
public final class LayerNorm extends Module {
    private final Tensor weight;
    private final Tensor bias;
    private final float eps;

    public LayerNorm(int dim, float eps) {
        if (dim <= 0) throw new IllegalArgumentException("normalized dim must be > 0, got " + dim);
        if (!(eps > 0f)) throw new IllegalArgumentException("eps must be > 0, got " + eps);
        this.eps = eps;
        weight = registerParameter("weight", Tensor.ones(dim));
        bias = registerParameter("bias", Tensor.zeros(dim));
    }

    public LayerNorm(int dim) {
        this(dim, 1e-5f);
    }

    public Tensor forward(Tensor x) {
        return Ops.layerNorm(x, weight, bias, eps);
    }
}
