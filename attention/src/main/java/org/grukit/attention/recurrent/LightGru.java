package org.grukit.attention.recurrent;

import org.grukit.core.GradMode;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.nn.Init;
import org.grukit.core.nn.Module;
import org.grukit.core.nn.RecurrentLayer;
import org.grukit.core.nn.RecurrentOutput;

/**
 * Light GRU (Ravanelli, Brakel, Omologo and Bengio 2018, "Light Gated Recurrent Units for Speech
 * Recognition", section 3): the reset gate is removed, the candidate uses ReLU, and the input projections
 * are batch-normalized:
 * <pre>
 *   z_t  = sigmoid(BN(W_z x_t) + U_z h_{t-1})
 *   h~_t = ReLU(BN(W_h x_t) + U_h h_{t-1})
 *   h_t  = z_t * h_{t-1} + (1 - z_t) * h~_t
 * </pre>
 * Batch normalization takes its statistics over every valid step of the batch in training and keeps
 * running statistics (momentum 0.1, unbiased variance, as torch.nn.BatchNorm1d) for evaluation. Batch-first.
 * Parameters: {@code weight_ih} [2H, I] (W_z | W_h, no bias: BN's shift replaces it), {@code weight_hh}
 * [2H, H] (U_z | U_h), {@code bn.weight}/{@code bn.bias} [2H]; buffers {@code bn.running_mean}/{@code _var}.
 */
public final class LightGru extends Module implements RecurrentLayer {
    private static final float EPS = 1e-5f, MOMENTUM = 0.1f;
    private final int inputSize, hiddenSize;
    private final Tensor weightIh, weightHh, gamma, beta, runningMean, runningVar;

    public LightGru(int inputSize, int hiddenSize, Rng rng) {
        if (inputSize <= 0 || hiddenSize <= 0) {
            throw new IllegalArgumentException("inputSize and hiddenSize must be > 0, got " + inputSize + ", " + hiddenSize);
        }
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        weightIh = registerParameter("weight_ih", Tensor.zeros(2 * hiddenSize, inputSize));
        weightHh = registerParameter("weight_hh", Tensor.zeros(2 * hiddenSize, hiddenSize));
        Init.xavierUniform(weightIh, rng, 1.0);
        Init.uniform(weightHh, rng, 1.0 / Math.sqrt(hiddenSize));
        BatchNormParams bn = registerModule("bn", new BatchNormParams(2 * hiddenSize));
        gamma = bn.weight;
        beta = bn.bias;
        runningMean = bn.runningMean;
        runningVar = bn.runningVar;
    }

    /** The batch-norm part's parameters and buffers, named as torch.nn.BatchNorm1d's. */
    static final class BatchNormParams extends Module {
        final Tensor weight, bias, runningMean, runningVar;

        BatchNormParams(int features) {
            weight = registerParameter("weight", Tensor.ones(features));
            bias = registerParameter("bias", Tensor.zeros(features));
            runningMean = registerBuffer("running_mean", Tensor.zeros(features));
            runningVar = registerBuffer("running_var", Tensor.ones(features));
        }
    }

    @Override
    public int outputSize() {
        return hiddenSize;
    }

    @Override
    public RecurrentOutput forward(Tensor x, Tensor h0, int[] lengths) {
        SequenceSteps.checkInput("light GRU", x, inputSize, lengths);
        int b = x.dim(0), steps = x.dim(1), hd = hiddenSize;
        Tensor proj = Ops.reshape(Ops.matmulTransposed(x, weightIh), b * steps, 2 * hd); // [B*T, 2H]
        Tensor normed = Ops.reshape(batchNorm(proj, lengths, steps), b, steps, 2 * hd);
        Tensor h = h0 == null ? Tensor.zeros(b, hd) : Ops.reshape(h0, b, hd);
        Tensor[] states = new Tensor[steps], masks = new Tensor[steps];
        for (int t = 0; t < steps; t++) {
            Tensor xt = Ops.select(normed, 1, t);
            Tensor rec = Ops.matmulTransposed(h, weightHh); // U_z h | U_h h
            Tensor z = Ops.sigmoid(Ops.add(Ops.narrow(xt, 1, 0, hd), Ops.narrow(rec, 1, 0, hd)));
            Tensor cand = Ops.relu(Ops.add(Ops.narrow(xt, 1, hd, hd), Ops.narrow(rec, 1, hd, hd)));
            Tensor next = Ops.add(Ops.mul(z, h), Ops.mul(Ops.addScalar(Ops.neg(z), 1f), cand));
            masks[t] = SequenceSteps.stepMask(lengths, t);
            h = SequenceSteps.keep(masks[t], next, h);
            states[t] = h;
        }
        return SequenceSteps.assemble(states, masks, h);
    }

    /** BN over the rows [B*T, F] that are valid steps (training) or with the running statistics (evaluation). */
    private Tensor batchNorm(Tensor rows, int[] lengths, int steps) {
        Tensor mean, var;
        if (isTraining()) {
            Tensor valid = rows;
            if (lengths != null) {
                int count = 0;
                for (int len : lengths) count += len;
                int[] idx = new int[count];
                int k = 0;
                for (int bi = 0; bi < lengths.length; bi++) for (int t = 0; t < lengths[bi]; t++) idx[k++] = bi * steps + t;
                valid = Ops.indexSelect(rows, idx);
            }
            int n = valid.dim(0);
            mean = Ops.mean(valid, 0, false);
            Tensor centred = Ops.sub(valid, mean);
            var = Ops.mean(Ops.mul(centred, centred), 0, false); // biased, for normalizing
            try (GradMode g = GradMode.noGrad()) {
                float[] rm = runningMean.array(), rv = runningVar.array(), mv = mean.toArray(), vv = var.toArray();
                float unbias = n > 1 ? (float) n / (n - 1) : 1f;
                for (int j = 0; j < rm.length; j++) {
                    rm[runningMean.offset() + j] = (1 - MOMENTUM) * rm[runningMean.offset() + j] + MOMENTUM * mv[j];
                    rv[runningVar.offset() + j] = (1 - MOMENTUM) * rv[runningVar.offset() + j] + MOMENTUM * vv[j] * unbias;
                }
                runningMean.bumpVersion();
                runningVar.bumpVersion();
            }
        } else {
            mean = runningMean;
            var = runningVar;
        }
        Tensor normed = Ops.div(Ops.sub(rows, mean), Ops.sqrt(Ops.addScalar(var, EPS)));
        return Ops.add(Ops.mul(normed, gamma), beta);
    }
}
