package org.grukit.core.nn;

import org.grukit.core.RecurrentOps;
import org.grukit.core.Rng;
import org.grukit.core.Shape;
import org.grukit.core.Tensor;

/** One GRU step for step-by-step decoding, as torch.nn.GRUCell (weight_ih, weight_hh, bias_ih, bias_hh). */
public final class GruCell extends Module {
    private final int inputSize, hiddenSize;
    private final boolean resetAfter;
    private final Tensor weightIh, weightHh, biasIh, biasHh;

    public GruCell(int inputSize, int hiddenSize, boolean bias, boolean resetAfter, Rng rng) {
        if (inputSize <= 0) throw new IllegalArgumentException("inputSize must be > 0, got " + inputSize);
        if (hiddenSize <= 0) throw new IllegalArgumentException("hiddenSize must be > 0, got " + hiddenSize);
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.resetAfter = resetAfter;
        weightIh = registerParameter("weight_ih", Tensor.zeros(3 * hiddenSize, inputSize));
        weightHh = registerParameter("weight_hh", Tensor.zeros(3 * hiddenSize, hiddenSize));
        biasIh = bias ? registerParameter("bias_ih", Tensor.zeros(3 * hiddenSize)) : null;
        biasHh = bias ? registerParameter("bias_hh", Tensor.zeros(3 * hiddenSize)) : null;
        double bound = 1.0 / Math.sqrt(hiddenSize);
        for (Tensor p : namedParameters().values()) Init.uniform(p, rng, bound);
    }

    public GruCell(int inputSize, int hiddenSize, Rng rng) {
        this(inputSize, hiddenSize, true, true, rng);
    }

    /** h' from x [B, I] and h [B, H] (null for zeros). */
    public Tensor forward(Tensor x, Tensor h) {
        if (x.rank() != 2 || x.dim(1) != inputSize) {
            throw new IllegalArgumentException("expected GRUCell input of shape [B, " + inputSize + "], got "
                    + Shape.str(x.shape()));
        }
        return RecurrentOps.gruCell(x, h, weightIh, weightHh, biasIh, biasHh, resetAfter);
    }

    public int hiddenSize() {
        return hiddenSize;
    }
}
