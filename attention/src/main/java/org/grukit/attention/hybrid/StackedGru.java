package org.grukit.attention.hybrid;

import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.nn.Gru;
import org.grukit.core.nn.GruConfig;
import org.grukit.core.nn.Linear;
import org.grukit.core.nn.Module;
import org.grukit.core.nn.ModuleList;
import org.grukit.core.nn.RecurrentLayer;
import org.grukit.core.nn.RecurrentOutput;
import org.grukit.attention.recurrent.GruVariant;

/**
 * GRU layers (or a {@link GruVariant}'s) stacked with a connection between them (batch-first): none (as a
 * multi-layer torch.nn.GRU),
 * residual (y_l = GRU_l(y_{l-1}) + y_{l-1}, as GNMT's stacks) or highway (Srivastava et al. 2015:
 * y_l = g * GRU_l(y_{l-1}) + (1 - g) * y_{l-1} with the transform gate g = sigmoid(W_g y_{l-1} + b_g), its
 * bias started at -1 so layers begin close to carrying their input). Connections start at the second
 * layer, whose input has the output's width. Parameters: {@code layers.L.weight_ih_l0} ...,
 * {@code highway.L.weight}/{@code .bias}.
 */
public final class StackedGru extends Module implements RecurrentLayer {
    /** How layer l's output combines with its input. */
    public enum Connection { NONE, RESIDUAL, HIGHWAY }

    /** Hyperparameters, validated; {@code cell} picks the GRU or a variant for every layer. */
    public record Config(int inputSize, int hiddenSize, int numLayers, boolean bidirectional, float dropout,
                         Connection connection, GruVariant cell, int tauDelay) {
        public Config {
            if (numLayers <= 0) throw new IllegalArgumentException("numLayers must be > 0, got " + numLayers);
            if (connection == null) throw new IllegalArgumentException("connection must not be null");
            if (cell == null) throw new IllegalArgumentException("cell must not be null");
            GruConfig.of(inputSize, hiddenSize).withDropout(dropout); // validates the rest
        }

        /** GRU layers. */
        public Config(int inputSize, int hiddenSize, int numLayers, boolean bidirectional, float dropout,
                      Connection connection) {
            this(inputSize, hiddenSize, numLayers, bidirectional, dropout, connection, GruVariant.GRU, 0);
        }

        public Config withCell(GruVariant c, int delay) {
            return new Config(inputSize, hiddenSize, numLayers, bidirectional, dropout, connection, c, delay);
        }

        public int outputSize() {
            return hiddenSize * (bidirectional ? 2 : 1);
        }
    }

    /**
     * The layers {@code config} describes: GRU layers with no connection between them (the GRU or its reset-before
     * form) are one core {@link Gru} of {@code numLayers}, batch-first, so a model carries torch.nn.GRU's parameter
     * names ({@code encoder.weight_ih_l1}) and loads into PyTorch as one; anything else is a StackedGru.
     */
    @SuppressWarnings("unchecked")
    public static <L extends Module & RecurrentLayer> L of(Config config, Rng rng) {
        if (config.connection() == Connection.NONE && (config.cell() == GruVariant.GRU || config.cell() == GruVariant.GRU_RESET_BEFORE)) {
            return (L) new Gru(GruConfig.of(config.inputSize(), config.hiddenSize()).withNumLayers(config.numLayers())
                    .withBidirectional(config.bidirectional()).withDropout(config.dropout()).withBatchFirst(true)
                    .withResetAfter(config.cell() == GruVariant.GRU), rng);
        }
        return (L) new StackedGru(config, rng);
    }

    private final Config config;
    private final RecurrentLayer[] layers;
    private final Linear[] gates;
    private final Rng dropoutRng;

    public StackedGru(Config config, Rng rng) {
        this.config = config;
        layers = new RecurrentLayer[config.numLayers()];
        gates = new Linear[config.numLayers()];
        int width = config.outputSize();
        ModuleList layerList = registerModule("layers", new ModuleList());
        ModuleList gateList = config.connection() == Connection.HIGHWAY ? registerModule("highway", new ModuleList()) : null;
        for (int l = 0; l < layers.length; l++) {
            int in = l == 0 ? config.inputSize() : width;
            layers[l] = layerList.add(config.cell().layer(in, config.hiddenSize(), config.bidirectional(), config.tauDelay(),
                    rng));
            if (gateList != null && l > 0) {
                gates[l] = new Linear(width, width, true, rng);
                gates[l].bias().fill(-1f);
                gateList.put(l, gates[l]);
            }
        }
        dropoutRng = registerRandomStream("dropout", rng.split());
    }

    public Config config() {
        return config;
    }

    @Override
    public int outputSize() {
        return config.outputSize();
    }

    /**
     * @param input   [B, T, I]
     * @param h0      [L*D, B, H] or null
     * @param lengths each sequence's length, or null
     */
    @Override
    public RecurrentOutput forward(Tensor input, Tensor h0, int[] lengths) {
        int dirs = config.bidirectional() ? 2 : 1;
        Tensor y = input;
        Tensor[] hN = new Tensor[layers.length];
        for (int l = 0; l < layers.length; l++) {
            Tensor in = l > 0 && isTraining() && config.dropout() > 0f ? Ops.dropout(y, config.dropout(), dropoutRng) : y;
            Tensor init = h0 == null ? null : Ops.narrow(h0, 0, l * dirs, dirs);
            RecurrentOutput r = layers[l].forward(in, init, lengths);
            hN[l] = r.hN();
            Tensor h = r.output();
            if (l == 0 || config.connection() == Connection.NONE) {
                y = h;
            } else if (config.connection() == Connection.RESIDUAL) {
                y = Ops.add(h, y);
            } else {
                Tensor g = Ops.sigmoid(gates[l].forward(y));
                y = Ops.add(Ops.mul(g, h), Ops.mul(Ops.addScalar(Ops.neg(g), 1f), y)); // g h + (1 - g) y
            }
        }
        return new RecurrentOutput(y, Ops.concat(0, hN));
    }
}
