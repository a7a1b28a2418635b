package org.grukit.attention.recurrent;

import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.nn.Init;
import org.grukit.core.nn.Module;
import org.grukit.core.nn.RecurrentLayer;
import org.grukit.core.nn.RecurrentOutput;

/**
 * minGRU (Feng et al. 2024, "Were RNNs All We Needed?", section 3.1): the gates depend only on the input,
 * <pre>
 *   z_t  = sigmoid(Linear_z(x_t))                 (update gate, no h_{t-1})
 *   h~_t = Linear_h(x_t)                          (candidate, no h_{t-1}, no tanh)
 *   h_t  = (1 - z_t) * h_{t-1} + z_t * h~_t
 * </pre>
 * so h_t = a_t h_{t-1} + b_t with a = 1 - z and b = z h~, computed for the whole sequence by {@link LinearScan}
 * (the paper's parallel mode; the log-space form with g(h~) exists only to make its cumulative products
 * stable, which a chunked scan does not need). Batch-first; parameters {@code weight_ih} [2H, I] (rows z | h)
 * and {@code bias_ih} [2H], initialised as torch's GRU, U(-1/sqrt(H), 1/sqrt(H)).
 */
public final class MinGru extends Module implements RecurrentLayer {
    private final int inputSize, hiddenSize;
    private final Tensor weight, bias;

    public MinGru(int inputSize, int hiddenSize, Rng rng) {
        if (inputSize <= 0 || hiddenSize <= 0) {
            throw new IllegalArgumentException("inputSize and hiddenSize must be > 0, got " + inputSize + " and " + hiddenSize);
        }
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        weight = registerParameter("weight_ih", Tensor.zeros(2 * hiddenSize, inputSize));
        bias = registerParameter("bias_ih", Tensor.zeros(2 * hiddenSize));
        double bound = 1.0 / Math.sqrt(hiddenSize);
        Init.uniform(weight, rng, bound);
        Init.uniform(bias, rng, bound);
    }

    @Override
    public int outputSize() {
        return hiddenSize;
    }

    /** x [B, T, I], h0 [1, B, H] or null, lengths or null. */
    @Override
    public RecurrentOutput forward(Tensor x, Tensor h0, int[] lengths) {
        SequenceSteps.checkInput("minGRU", x, inputSize, lengths);
        int b = x.dim(0), t = x.dim(1), h = hiddenSize;
        Tensor proj = Ops.linear(x, weight, bias); // [B, T, 2H]
        Tensor z = Ops.sigmoid(Ops.narrow(proj, 2, 0, h));
        Tensor candidate = Ops.narrow(proj, 2, h, h);
        Tensor a = Ops.addScalar(Ops.neg(z), 1f); // 1 - z_t
        Tensor bt = Ops.mul(z, candidate); // z_t * h~_t
        Tensor mask = null;
        if (lengths != null) { // past its length a sequence keeps its state: a = 1, b = 0
            mask = Tensor.zeros(b, t, 1);
            for (int i = 0; i < b; i++) for (int s = 0; s < lengths[i]; s++) mask.set(1f, i, s, 0);
            a = Ops.add(Ops.mul(a, mask), Ops.addScalar(Ops.neg(mask), 1f));
            bt = Ops.mul(bt, mask);
        }
        Tensor init = h0 == null ? null : Ops.reshape(h0, b, h);
        Tensor states = LinearScan.scan(a, bt, init); // [B, T, H]
        Tensor last = Ops.select(states, 1, t - 1);
        Tensor out = mask == null ? states : Ops.mul(states, mask);
        return new RecurrentOutput(out, Ops.reshape(last, 1, b, h));
    }
}
