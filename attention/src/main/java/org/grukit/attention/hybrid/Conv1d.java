package org.grukit.attention.hybrid;

import org.grukit.core.Autograd;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Shape;
import org.grukit.core.Tensor;
import org.grukit.core.kernel.Gemm;
import org.grukit.core.kernel.Reductions;
import org.grukit.core.nn.Init;
import org.grukit.core.nn.Module;

/**
 * 1-D convolution with torch.nn.Conv1d's parameters ({@code weight} [C_out, C_in, k], {@code bias} [C_out]),
 * initialisation, stride, zero padding and dilation. L_out = floor((L + 2 p - d (k - 1) - 1) / s) + 1.
 * {@link #forward} takes PyTorch's [B, C, L]; {@link #forwardSequence} takes a batch-first sequence
 * [B, T, C] (what a GRU front end sees) and returns [B, T_out, C_out] without transposing.
 * One fused op: im2col, a GEMM with the weight, and col2im in backward.
 */
public final class Conv1d extends Module {
    /** Hyperparameters, named as torch.nn.Conv1d's arguments. */
    public record Config(int inChannels, int outChannels, int kernelSize, int stride, int padding, int dilation,
                         boolean bias) {
        public Config {
            if (inChannels <= 0) throw new IllegalArgumentException("inChannels must be > 0, got " + inChannels);
            if (outChannels <= 0) throw new IllegalArgumentException("outChannels must be > 0, got " + outChannels);
            if (kernelSize <= 0) throw new IllegalArgumentException("kernelSize must be > 0, got " + kernelSize);
            if (stride <= 0) throw new IllegalArgumentException("stride must be > 0, got " + stride);
            if (padding < 0) throw new IllegalArgumentException("padding must be >= 0, got " + padding);
            if (dilation <= 0) throw new IllegalArgumentException("dilation must be > 0, got " + dilation);
        }

        public static Config of(int inChannels, int outChannels, int kernelSize) {
            return new Config(inChannels, outChannels, kernelSize, 1, 0, 1, true);
        }

        public Config withStride(int s) {
            return new Config(inChannels, outChannels, kernelSize, s, padding, dilation, bias);
        }

        public Config withPadding(int p) {
            return new Config(inChannels, outChannels, kernelSize, stride, p, dilation, bias);
        }

        public Config withDilation(int d) {
            return new Config(inChannels, outChannels, kernelSize, stride, padding, d, bias);
        }

        /** The output length for an input of {@code length} steps (0 when the input is shorter than the kernel). */
        public int outputLength(int length) {
            int span = dilation * (kernelSize - 1) + 1;
            int padded = length + 2 * padding;
            return padded < span ? 0 : (padded - span) / stride + 1;
        }
    }

    private final Config config;
    private final Tensor weight, bias;

    public Conv1d(Config config, Rng rng) {
        this.config = config;
        int fanIn = config.inChannels() * config.kernelSize();
        weight = registerParameter("weight", Tensor.zeros(config.outChannels(), config.inChannels(), config.kernelSize()));
        Init.uniform(weight, rng, 1.0 / Math.sqrt(fanIn)); // kaiming_uniform_(a=sqrt(5)), as torch
        bias = config.bias() ? registerParameter("bias", Tensor.zeros(config.outChannels())) : null;
        if (bias != null) Init.uniform(bias, rng, 1.0 / Math.sqrt(fanIn));
    }

    public Config config() {
        return config;
    }

    /** x [B, C_in, L] -> [B, C_out, L_out], as torch.nn.Conv1d. */
    public Tensor forward(Tensor x) {
        if (x.rank() != 3 || x.dim(1) != config.inChannels()) {
            throw new IllegalArgumentException("expected Conv1d input of shape [B, " + config.inChannels() + ", L], got "
                    + Shape.str(x.shape()));
        }
        return Ops.transpose(forwardSequence(Ops.transpose(x, 1, 2)), 1, 2);
    }

    /** x [B, T, C_in] -> [B, T_out, C_out]. */
    public Tensor forwardSequence(Tensor x) {
        if (x.rank() != 3 || x.dim(2) != config.inChannels()) {
            throw new IllegalArgumentException("expected a sequence of shape [B, T, " + config.inChannels() + "], got "
                    + Shape.str(x.shape()));
        }
        final int b = x.dim(0), t = x.dim(1), cin = config.inChannels(), cout = config.outChannels();
        final int k = config.kernelSize(), s = config.stride(), p = config.padding(), d = config.dilation();
        final int tout = config.outputLength(t);
        if (tout == 0) {
            throw new IllegalArgumentException("a sequence of " + t + " steps is shorter than the convolution's span of "
                    + (d * (k - 1) + 1) + " steps (with padding " + p + ")");
        }
        final int rows = b * tout, width = cin * k;
        // cols [B * T_out, C_in * k], ordered (c, j) to match weight [C_out, C_in, k].
        final float[] cols = new float[rows * width];
        columns(x.array(), x.offset(), cols, true, b, t, tout, cin, k, s, p, d);
        Tensor out = Tensor.zeros(b, tout, cout);
        float[] od = out.array();
        if (bias != null) {
            for (int r = 0; r < rows; r++) System.arraycopy(bias.array(), bias.offset(), od, r * cout, cout);
        }
        Gemm.gemm(od, 0, cout, cols, 0, width, false, weight.array(), weight.offset(), width, true, rows, cout, width);
        if (!Autograd.needsGrad(x, weight, bias)) return out;
        Autograd.record("conv1d", new Tensor[] {x, weight, bias}, new Tensor[] {out}, () -> {
            float[] g = Autograd.grad(out);
            int go = Autograd.gradOffset(out);
            if (Autograd.wants(weight)) { // dW [C_out, C_in k] += dOut^T cols
                Gemm.gemm(Autograd.grad(weight), Autograd.gradOffset(weight), width, g, go, cout, true, cols, 0, width,
                        false, cout, width, rows);
            }
            if (Autograd.wants(bias)) Reductions.sumRows(Autograd.grad(bias), Autograd.gradOffset(bias), g, go, rows, cout);
            if (Autograd.wants(x)) { // dcols = dOut W, then scattered back (col2im)
                float[] dcols = new float[rows * width];
                Gemm.gemm(dcols, 0, width, g, go, cout, false, weight.array(), weight.offset(), width, false, rows, width,
                        cout);
                columns(Autograd.grad(x), Autograd.gradOffset(x), dcols, false, b, t, tout, cin, k, s, p, d);
            }
        });
        return out;
    }

    /**
     * The im2col index pattern, both ways: with {@code gather}, cols[(b, t_out), (c, j)] = x[b, t_out s - p + j d, c]
     * (zero where that falls in the padding); otherwise x[...] += cols[...] (col2im, for the input gradient).
     */
    private static void columns(float[] x, int xo, float[] cols, boolean gather, int b, int t, int tout, int cin, int k,
                                int s, int p, int d) {
        int width = cin * k;
        for (int bi = 0; bi < b; bi++) {
            for (int to = 0; to < tout; to++) {
                int row = (bi * tout + to) * width;
                for (int j = 0; j < k; j++) {
                    int src = to * s - p + j * d;
                    if (src < 0 || src >= t) continue;
                    int xs = xo + (bi * t + src) * cin;
                    if (gather) {
                        for (int c = 0; c < cin; c++) cols[row + c * k + j] = x[xs + c];
                    } else {
                        for (int c = 0; c < cin; c++) x[xs + c] += cols[row + c * k + j];
                    }
                }
            }
        }
    }

    /** Output lengths of a ragged batch. */
    public int[] outputLengths(int[] lengths) {
        int[] out = new int[lengths.length];
        for (int i = 0; i < lengths.length; i++) out[i] = config.outputLength(lengths[i]);
        return out;
    }
}
