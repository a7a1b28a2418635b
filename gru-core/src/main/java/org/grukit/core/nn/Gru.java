package org.grukit.core.nn;

import org.grukit.core.Ops;
import org.grukit.core.RecurrentOps;
import org.grukit.core.Rng;
import org.grukit.core.Shape;
import org.grukit.core.Tensor;

/**
 * A multi-layer, optionally bidirectional GRU with torch.nn.GRU's semantics, parameter names
 * ({@code weight_ih_l0}, {@code bias_hh_l1_reverse}, ...), gate order r|z|n and initialisation
 * U(-1/sqrt(H), 1/sqrt(H)).
 *
 * <p>Variable-length batches need no sorting: pass each sequence's length; outputs past it are zero,
 * h_n holds each sequence's state at its last valid step, and the reverse direction starts there.
 */
public final class Gru extends Module implements RecurrentLayer, org.grukit.core.io.SavableModel {
    private final GruConfig config;
    private final Tensor[] wIh, wHh, bIh, bHh; // indexed layer * D + direction
    private final Rng dropoutRng;

    public Gru(GruConfig config, Rng rng) {
        this.config = config;
        int dirs = config.numDirections(), n = config.numLayers() * dirs, h = config.hiddenSize();
        wIh = new Tensor[n];
        wHh = new Tensor[n];
        bIh = new Tensor[n];
        bHh = new Tensor[n];
        double bound = 1.0 / Math.sqrt(h);
        for (int layer = 0; layer < config.numLayers(); layer++) {
            int in = layer == 0 ? config.inputSize() : config.outputSize();
            for (int d = 0; d < dirs; d++) {
                String sfx = "_l" + layer + (d == 1 ? "_reverse" : "");
                int i = layer * dirs + d;
                wIh[i] = registerParameter("weight_ih" + sfx, Tensor.zeros(3 * h, in));
                wHh[i] = registerParameter("weight_hh" + sfx, Tensor.zeros(3 * h, h));
                if (config.bias()) {
                    bIh[i] = registerParameter("bias_ih" + sfx, Tensor.zeros(3 * h));
                    bHh[i] = registerParameter("bias_hh" + sfx, Tensor.zeros(3 * h));
                }
            }
        }
        for (org.grukit.core.Tensor p : namedParameters().values()) Init.uniform(p, rng, bound);
        dropoutRng = registerRandomStream("dropout", rng.split());
    }

    public GruConfig config() {
        return config;
    }

    @Override
    public String modelType() {
        return "gru";
    }

    @Override
    public Object modelConfig() {
        return config;
    }

    public RecurrentOutput forward(Tensor input) {
        return forward(input, null, null);
    }

    /**
     * @param input   [T, B, I], or [B, T, I] when batch-first, or unbatched [T, I]
     * @param h0      [L*D, B, H] (or [L*D, H] unbatched), or null for zeros
     * @param lengths each sequence's length, or null when all are T
     */
    @Override
    public RecurrentOutput forward(Tensor input, Tensor h0, int[] lengths) {
        boolean unbatched = input.rank() == 2;
        Tensor x = unbatched ? Ops.reshape(input, input.dim(0), 1, input.dim(1))
                : config.batchFirst() ? Ops.transpose(input, 0, 1) : input;
        if (x.rank() != 3 || x.dim(2) != config.inputSize()) {
            String layout = unbatched ? "[T, " : config.batchFirst() ? "[B, T, " : "[T, B, ";
            throw new IllegalArgumentException("expected GRU input of shape " + layout + config.inputSize()
                    + "], got " + Shape.str(input.shape()));
        }
        int batch = x.dim(1), dirs = config.numDirections(), h = config.hiddenSize();
        int states = config.numLayers() * dirs;
        if (h0 != null) {
            if (unbatched) h0 = Ops.reshape(h0, h0.dim(0), 1, h0.rank() == 2 ? h0.dim(1) : -1);
            Shape.expect("h0", h0, states, batch, h);
        }
        Tensor[] hN = new Tensor[states];
        Tensor layerInput = x;
        for (int layer = 0; layer < config.numLayers(); layer++) {
            if (layer > 0 && isTraining() && config.dropout() > 0f) {
                layerInput = Ops.dropout(layerInput, config.dropout(), dropoutRng);
            }
            Tensor[] outs = new Tensor[dirs];
            for (int d = 0; d < dirs; d++) {
                int i = layer * dirs + d;
                Tensor init = h0 == null ? null : Ops.select(h0, 0, i);
                RecurrentOps.GruResult r = RecurrentOps.gruLayer(layerInput, init, wIh[i], wHh[i], bIh[i], bHh[i],
                        lengths, d == 1, config.resetAfter());
                outs[d] = r.output();
                hN[i] = r.hN();
            }
            layerInput = dirs == 1 ? outs[0] : Ops.concat(2, outs);
        }
        Tensor output = layerInput;
        Tensor hStack = Ops.stack(0, hN);
        if (unbatched) {
            output = Ops.reshape(output, output.dim(0), output.dim(2));
            hStack = Ops.reshape(hStack, states, h);
        } else if (config.batchFirst()) {
            output = Ops.transpose(output, 0, 1);
        }
        return new RecurrentOutput(output, hStack);
    }

    @Override
    public int outputSize() {
        return config.outputSize();
    }

    /** weight_ih of a layer and direction (0 forward, 1 reverse). */
    public Tensor weightIh(int layer, int direction) {
        return wIh[layer * config.numDirections() + direction];
    }

    public Tensor weightHh(int layer, int direction) {
        return wHh[layer * config.numDirections() + direction];
    }
}
