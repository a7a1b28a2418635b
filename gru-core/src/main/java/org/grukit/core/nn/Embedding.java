package org.grukit.core.nn;

import java.util.OptionalInt;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;

/**
 * A lookup table [numEmbeddings, dim], N(0, 1) initialised, as torch.nn.Embedding. With a padding index the
 * padding row starts at zero and gets no gradient; a negative index counts from the end (-1 is the last row),
 * and "no padding" is the constructor without one, never a magic index.
 */
public final class Embedding extends Module {
    private final Tensor weight;
    private final OptionalInt paddingIdx; // normalized to [0, numEmbeddings)

    /** A table with no padding row, as {@code torch.nn.Embedding(n, dim)}. */
    public Embedding(int numEmbeddings, int dim, Rng rng) {
        this(numEmbeddings, dim, OptionalInt.empty(), rng);
    }

    /** A table whose row {@code paddingIdx} (in [-numEmbeddings, numEmbeddings)) is the padding row. */
    public Embedding(int numEmbeddings, int dim, int paddingIdx, Rng rng) {
        this(numEmbeddings, dim, OptionalInt.of(paddingIdx), rng);
    }

    /** As torch's {@code padding_idx=None} when {@code paddingIdx} is empty. */
    public Embedding(int numEmbeddings, int dim, OptionalInt paddingIdx, Rng rng) {
        if (numEmbeddings <= 0) throw new IllegalArgumentException("numEmbeddings must be > 0, got " + numEmbeddings);
        if (dim <= 0) throw new IllegalArgumentException("embedding dim must be > 0, got " + dim);
        this.paddingIdx = paddingIdx.isPresent()
                ? OptionalInt.of(Ops.paddingRow(paddingIdx.getAsInt(), numEmbeddings)) : OptionalInt.empty();
        weight = registerParameter("weight", Tensor.zeros(numEmbeddings, dim));
        Init.normal(weight, rng, 1.0);
        if (this.paddingIdx.isPresent()) {
            int row = this.paddingIdx.getAsInt();
            for (int j = 0; j < dim; j++) weight.set(0f, row, j);
        }
    }

    /** Embeds ids laid out with shape {@code shape}; the result is shape + [dim]. */
    public Tensor forward(int[] ids, int... shape) {
        return Ops.embedding(weight, ids, shape, paddingIdx);
    }

    public Tensor weight() {
        return weight;
    }

    /** The padding row, counted from the start (as torch stores it after normalizing), or empty for none. */
    public OptionalInt paddingIdx() {
        return paddingIdx;
    }
}
