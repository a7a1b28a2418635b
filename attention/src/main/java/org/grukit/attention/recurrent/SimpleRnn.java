package org.grukit.attention.recurrent;

import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.nn.Init;
import org.grukit.core.nn.Module;
import org.grukit.core.nn.RecurrentLayer;
import org.grukit.core.nn.RecurrentOutput;

/**
 * The plain (Elman) recurrent network of torch.nn.RNN with tanh: h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh),
 * batch-first, with its parameter names ({@code weight_ih_l0}, ...). The baseline the gated units are measured
 * against on long dependencies.
 */
public final class SimpleRnn extends Module implements RecurrentLayer {
    private final int inputSize, hiddenSize;
    private final Tensor weightIh, weightHh, biasIh, biasHh;

    public SimpleRnn(int inputSize, int hiddenSize, Rng rng) {
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        weightIh = registerParameter("weight_ih_l0", Tensor.zeros(hiddenSize, inputSize));
        weightHh = registerParameter("weight_hh_l0", Tensor.zeros(hiddenSize, hiddenSize));
        biasIh = registerParameter("bias_ih_l0", Tensor.zeros(hiddenSize));
        biasHh = registerParameter("bias_hh_l0", Tensor.zeros(hiddenSize));
        for (Tensor p : namedParameters().values()) Init.uniform(p, rng, 1.0 / Math.sqrt(hiddenSize));
    }

    @Override
    public int outputSize() {
        return hiddenSize;
    }

    @Override
    public RecurrentOutput forward(Tensor x, Tensor h0, int[] lengths) {
        SequenceSteps.checkInput("RNN", x, inputSize, lengths);
        int b = x.dim(0), steps = x.dim(1);
        Tensor xp = Ops.linear(x, weightIh, biasIh);
        Tensor h = h0 == null ? Tensor.zeros(b, hiddenSize) : Ops.reshape(h0, b, hiddenSize);
        Tensor[] states = new Tensor[steps], masks = new Tensor[steps];
        for (int t = 0; t < steps; t++) {
            Tensor next = Ops.tanh(Ops.add(Ops.select(xp, 1, t), Ops.linear(h, weightHh, biasHh)));
            masks[t] = SequenceSteps.stepMask(lengths, t);
            h = SequenceSteps.keep(masks[t], next, h);
            states[t] = h;
        }
        return SequenceSteps.assemble(states, masks, h);
    }
}
