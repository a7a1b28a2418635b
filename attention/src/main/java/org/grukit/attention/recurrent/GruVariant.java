package org.grukit.attention.recurrent;

import java.util.Locale;
import org.grukit.core.Rng;
import org.grukit.core.nn.Gru;
import org.grukit.core.nn.GruConfig;
import org.grukit.core.nn.Module;
import org.grukit.core.nn.RecurrentLayer;

/**
 * The recurrent cells a model can be built with, by name ({@code --cell min-gru} on a command line): the
 * PyTorch GRU, its reset-before form, minGRU, tau-GRU, light GRU, and the plain RNN. {@link #layer} builds
 * one batch-first layer, bidirectional when asked.
 */
public enum GruVariant {
    GRU, GRU_RESET_BEFORE, MIN_GRU, TAU_GRU, LIGHT_GRU, RNN;

    /** "min-gru" style names. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static GruVariant of(String label) {
        for (GruVariant v : values()) if (v.label().equals(label)) return v;
        throw new IllegalArgumentException("unknown cell '" + label + "'; expected one of "
                + java.util.Arrays.stream(values()).map(GruVariant::label).toList());
    }

    /** One layer of this cell; tauDelay is tau-GRU's delay in steps (ignored by the others). */
    @SuppressWarnings("unchecked")
    public <L extends Module & RecurrentLayer> L layer(int inputSize, int hiddenSize, boolean bidirectional, int tauDelay,
                                                       Rng rng) {
        if (this == GRU || this == GRU_RESET_BEFORE) {
            return (L) new Gru(GruConfig.of(inputSize, hiddenSize).withBidirectional(bidirectional).withBatchFirst(true)
                    .withResetAfter(this == GRU), rng);
        }
        if (!bidirectional) return (L) oneWay(inputSize, hiddenSize, tauDelay, rng);
        return (L) new Bidirectional(oneWay(inputSize, hiddenSize, tauDelay, rng), oneWay(inputSize, hiddenSize, tauDelay, rng));
    }

    @SuppressWarnings("unchecked")
    private <L extends Module & RecurrentLayer> L oneWay(int in, int hidden, int tauDelay, Rng rng) {
        return (L) switch (this) {
            case MIN_GRU -> new MinGru(in, hidden, rng);
            case TAU_GRU -> new TauGru(TauGru.Config.of(in, hidden, tauDelay), rng);
            case LIGHT_GRU -> new LightGru(in, hidden, rng);
            case RNN -> new SimpleRnn(in, hidden, rng);
            default -> throw new IllegalStateException(this + " is built by torch-style Gru");
        };
    }
}
