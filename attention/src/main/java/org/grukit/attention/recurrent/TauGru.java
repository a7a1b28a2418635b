package org.grukit.attention.recurrent;

import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.nn.Init;
import org.grukit.core.nn.Module;
import org.grukit.core.nn.RecurrentLayer;
import org.grukit.core.nn.RecurrentOutput;

/**
 * tau-GRU (Erichson, Lim and Mahoney, "Gated Recurrent Neural Networks with Weighted Time-Delay Feedback",
 * arXiv:2212.00228): a GRU-like unit discretised from a delay differential equation, in which the state m
 * steps back enters the update through its own gate. With step size dt and weights alpha, beta:
 * <pre>
 *   C_n = dt * sigmoid(W3 h_n + U3 x_n)          gate of the update (the discretisation step)
 *   A_n = tanh(W1 h_n + U1 x_n)                  instantaneous candidate
 *   D_n = sigmoid(W4 h_{n-m} + U4 x_{n-m})       gate of the delayed feedback
 *   B_n = tanh(W2 h_{n-m} + U2 x_{n-m})          delayed candidate
 *   h_{n+1} = (1 - C_n) * h_n + C_n * (beta * A_n + alpha * D_n * B_n)
 * </pre>
 * The delayed pair (x_{n-m} and the state after step n-m) is zero until it exists; with m = 0 the delayed
 * terms use the current input and state. Batch-first. Parameters: {@code weight_ih} [4H, I] (rows U1 | U2 |
 * U3 | U4) and {@code bias_ih}; {@code weight_hh} [2H, H] (W1 | W3, on h_n) and {@code bias_hh};
 * {@code weight_hd} [2H, H] (W2 | W4, on h_{n-m}) and {@code bias_hd}; all U(-1/sqrt(H), 1/sqrt(H)).
 */
public final class TauGru extends Module implements RecurrentLayer {
    /** Hyperparameters: the delay m in steps, the step size dt, and the weights alpha and beta. */
    public record Config(int inputSize, int hiddenSize, int delay, float dt, float alpha, float beta) {
        public Config {
            if (inputSize <= 0 || hiddenSize <= 0) {
                throw new IllegalArgumentException("inputSize and hiddenSize must be > 0, got " + inputSize + ", " + hiddenSize);
            }
            if (delay < 0) throw new IllegalArgumentException("delay must be >= 0, got " + delay);
            if (!(dt > 0f && dt <= 1f)) throw new IllegalArgumentException("dt must be in (0, 1], got " + dt);
        }

        /** The defaults of the authors' experiments: dt = 1, alpha = beta = 1. */
        public static Config of(int inputSize, int hiddenSize, int delay) {
            return new Config(inputSize, hiddenSize, delay, 1f, 1f, 1f);
        }
    }

    private final Config config;
    private final Tensor weightIh, biasIh, weightHh, biasHh, weightHd, biasHd;

    public TauGru(Config config, Rng rng) {
        this.config = config;
        int h = config.hiddenSize(), in = config.inputSize();
        weightIh = registerParameter("weight_ih", Tensor.zeros(4 * h, in));
        biasIh = registerParameter("bias_ih", Tensor.zeros(4 * h));
        weightHh = registerParameter("weight_hh", Tensor.zeros(2 * h, h));
        biasHh = registerParameter("bias_hh", Tensor.zeros(2 * h));
        weightHd = registerParameter("weight_hd", Tensor.zeros(2 * h, h));
        biasHd = registerParameter("bias_hd", Tensor.zeros(2 * h));
        for (Tensor p : namedParameters().values()) Init.uniform(p, rng, 1.0 / Math.sqrt(h));
    }

    public Config config() {
        return config;
    }

    @Override
    public int outputSize() {
        return config.hiddenSize();
    }

    @Override
    public RecurrentOutput forward(Tensor x, Tensor h0, int[] lengths) {
        SequenceSteps.checkInput("tau-GRU", x, config.inputSize(), lengths);
        int b = x.dim(0), steps = x.dim(1), hd = config.hiddenSize(), m = config.delay();
        Tensor xp = Ops.linear(x, weightIh, biasIh); // [B, T, 4H]: U1 x | U2 x | U3 x | U4 x
        Tensor h = h0 == null ? Tensor.zeros(b, hd) : Ops.reshape(h0, b, hd);
        Tensor[] states = new Tensor[steps], masks = new Tensor[steps];
        for (int n = 0; n < steps; n++) {
            Tensor xn = Ops.select(xp, 1, n);
            Tensor cur = Ops.linear(h, weightHh, biasHh); // W1 h_n | W3 h_n
            Tensor delayedInput, delayedState;
            if (m == 0) {
                delayedInput = Ops.narrow(xn, 1, hd, hd * 3); // U2 x | U3 x | U4 x of the current step
                delayedState = Ops.linear(h, weightHd, biasHd);
            } else if (n - m >= 0) {
                delayedInput = Ops.narrow(Ops.select(xp, 1, n - m), 1, hd, hd * 3);
                delayedState = Ops.linear(states[n - m], weightHd, biasHd); // W2 h_{n-m} | W4 h_{n-m}
            } else {
                delayedInput = null;
                delayedState = null;
            }
            Tensor c = Ops.mulScalar(Ops.sigmoid(Ops.add(Ops.narrow(cur, 1, hd, hd), Ops.narrow(xn, 1, 2 * hd, hd))),
                    config.dt()); // C_n
            Tensor a = Ops.tanh(Ops.add(Ops.narrow(cur, 1, 0, hd), Ops.narrow(xn, 1, 0, hd))); // A_n
            Tensor drive = Ops.mulScalar(a, config.beta());
            if (delayedState != null) {
                Tensor d = Ops.sigmoid(Ops.add(Ops.narrow(delayedState, 1, hd, hd), Ops.narrow(delayedInput, 1, 2 * hd, hd))); // D_n
                Tensor bb = Ops.tanh(Ops.add(Ops.narrow(delayedState, 1, 0, hd), Ops.narrow(delayedInput, 1, 0, hd))); // B_n
                drive = Ops.add(drive, Ops.mulScalar(Ops.mul(d, bb), config.alpha()));
            }
            Tensor next = Ops.add(Ops.mul(Ops.addScalar(Ops.neg(c), 1f), h), Ops.mul(c, drive)); // h_{n+1}
            masks[n] = SequenceSteps.stepMask(lengths, n);
            h = SequenceSteps.keep(masks[n], next, h);
            states[n] = h;
        }
        return SequenceSteps.assemble(states, masks, h);
    }
}
