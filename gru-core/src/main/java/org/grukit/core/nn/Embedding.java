package org.grukit.core.nn;

import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;

/** A lookup table [numEmbeddings, dim], N(0, 1) initialised with the padding row zeroed, as torch.nn.Embedding. */
public final class Embedding extends Module {
    private final Tensor weight;
    private final int paddingIdx;

    /** @param paddingIdx the id whose row stays zero and gets no gradient, or -1 for none */
    public Embedding(int numEmbeddings, int dim, int paddingIdx, Rng rng) {
        if (numEmbeddings <= 0) throw new IllegalArgumentException("numEmbeddings must be > 0, got " + numEmbeddings);
        if (dim <= 0) throw new IllegalArgumentException("embedding dim must be > 0, got " + dim);
        if (paddingIdx < -1 || paddingIdx >= numEmbeddings) {
            throw new IllegalArgumentException("paddingIdx must be -1 or in [0, " + numEmbeddings + "), got " + paddingIdx);
        }
        this.paddingIdx = paddingIdx;
        weight = registerParameter("weight", Tensor.zeros(numEmbeddings, dim));
        Init.normal(weight, rng, 1.0);
        if (paddingIdx >= 0) {
            for (int j = 0; j < dim; j++) weight.set(0f, paddingIdx, j);
        }
    }

    /** Embeds ids laid out with shape {@code shape}; the result is shape + [dim]. */
    public Tensor forward(int[] ids, int... shape) {
        return Ops.embedding(weight, ids, shape, paddingIdx);
    }

    public Tensor weight() {
        return weight;
    }

    public int paddingIdx() {
        return paddingIdx;
    }
}
