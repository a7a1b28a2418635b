package org.grukit.examples.adding;

import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.io.SavableModel;
import org.grukit.core.nn.Gru;
import org.grukit.core.nn.GruConfig;
import org.grukit.core.nn.Linear;
import org.grukit.core.nn.Module;

/** GRU -> last layer's final state -> linear: a sequence regressor for the adding problem. */
public final class AddingModel extends Module implements SavableModel {
    /** The model's structure, saved in model.json. */
    public record Config(int hiddenSize, int numLayers, boolean resetAfter) {
        public Config {
            if (hiddenSize <= 0) throw new IllegalArgumentException("hiddenSize must be > 0, got " + hiddenSize);
            if (numLayers <= 0) throw new IllegalArgumentException("numLayers must be > 0, got " + numLayers);
        }
    }

    public static final String TYPE = "adding-regressor";

    /** Registers the model type so bundles of it load. */

    private final Config config;
    private final Gru gru;
    private final Linear head;

    public AddingModel(Config config, Rng rng) {
        this.config = config;
        gru = registerModule("gru", new Gru(GruConfig.of(2, config.hiddenSize()).withNumLayers(config.numLayers())
                .withBatchFirst(true).withResetAfter(config.resetAfter()), rng));
        head = registerModule("head", new Linear(config.hiddenSize(), 1, rng));
    }

    /** Predictions [B] for inputs [B, T, 2]. */
    public Config config() {
        return config;
    }

    public Tensor forward(Tensor x) {
        Tensor hN = gru.forward(x).hN(); // [L, B, H]
        Tensor last = Ops.select(hN, 0, config.numLayers() - 1);
        return Ops.reshape(head.forward(last), -1);
    }

    @Override
    public String modelType() {
        return TYPE;
    }

    @Override
    public Object modelConfig() {
        return config;
    }
}
