package org.grukit.core.nn;

import org.grukit.core.Ops;
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

    /**
     * h'[r] = the step from x[xRows[r]] and h[hRows[r]] for every r: the step of many rows that share a few inputs and
     * states (a decoder that starts every output segment from one state with one of a few position inputs, as
     * SegRNN's parallel decoding does), each input and state projected once rather than once per row. Equal to
     * {@link #forward} on the gathered rows.
     *
     * @param x [X, I] the distinct inputs
     * @param h [S, H] the distinct states
     */
    public Tensor forwardShared(Tensor x, int[] xRows, Tensor h, int[] hRows) {
        if (x.rank() != 2 || x.dim(1) != inputSize || h == null || h.rank() != 2 || h.dim(1) != hiddenSize) {
            throw new IllegalArgumentException("expected inputs [X, " + inputSize + "] and states [S, " + hiddenSize + "], got "
                    + Shape.str(x.shape()) + " and " + (h == null ? "none" : Shape.str(h.shape())));
        }
        if (xRows.length != hRows.length) throw new IllegalArgumentException("need one input and one state row per row, got " + xRows.length + " and " + hRows.length);
        Tensor hs = Ops.indexSelect(h, hRows);
        // Without reset-after the reset gate multiplies the state before its projection, which is then per row.
        if (!resetAfter) return forward(Ops.indexSelect(x, xRows), hs);
        int n = hiddenSize;
        Tensor gi = Ops.indexSelect(Ops.linear(x, weightIh, biasIh), xRows), gh = Ops.indexSelect(Ops.linear(h, weightHh, biasHh), hRows);
        Tensor r = Ops.sigmoid(Ops.add(Ops.narrow(gi, 1, 0, n), Ops.narrow(gh, 1, 0, n)));
        Tensor z = Ops.sigmoid(Ops.add(Ops.narrow(gi, 1, n, n), Ops.narrow(gh, 1, n, n)));
        Tensor c = Ops.tanh(Ops.add(Ops.narrow(gi, 1, 2 * n, n), Ops.mul(r, Ops.narrow(gh, 1, 2 * n, n))));
        return Ops.add(c, Ops.mul(z, Ops.sub(hs, c))); // (1 - z) c + z h
    }

    public int hiddenSize() {
        return hiddenSize;
    }
}
