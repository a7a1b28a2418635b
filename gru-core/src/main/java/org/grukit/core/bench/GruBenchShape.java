package org.grukit.core.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * The GRU benchmark shapes, shared by {@code grukit bench gru}, the JMH benchmarks and
 * tools/bench/gru_vs_torch.py (which mirrors this table for PyTorch).
 */
public enum GruBenchShape {
    SENTIMENT(64, 50, 128, 256, 1, false),
    SENTIMENT_BI(64, 50, 128, 256, 1, true),
    SPEECH(32, 200, 39, 256, 2, true),
    LARGE(64, 100, 512, 512, 1, false),
    LATENCY(1, 50, 128, 256, 1, false);

    public final int batch, steps, input, hidden, layers;
    public final boolean bidirectional;

    GruBenchShape(int batch, int steps, int input, int hidden, int layers, boolean bidirectional) {
        this.batch = batch;
        this.steps = steps;
        this.input = input;
        this.hidden = hidden;
        this.layers = layers;
        this.bidirectional = bidirectional;
    }

    /** The name used on the command line and in results: "sentiment-bi". */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static GruBenchShape of(String label) {
        for (GruBenchShape s : values()) if (s.label().equals(label)) return s;
        throw new IllegalArgumentException("unknown shape '" + label + "'; expected one of "
                + Arrays.stream(values()).map(GruBenchShape::label).toList());
    }

    /** Multiply-adds of one forward pass: per layer and direction, 3H(I + H) per step per sequence. */
    public long forwardMacs() {
        int dirs = bidirectional ? 2 : 1;
        long macs = 0;
        for (int l = 0; l < layers; l++) {
            int in = l == 0 ? input : hidden * dirs;
            macs += (long) dirs * batch * steps * 3L * hidden * (in + hidden);
        }
        return macs;
    }
}
