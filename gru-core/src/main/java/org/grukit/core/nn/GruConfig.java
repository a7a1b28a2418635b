package org.grukit.core.nn;

/**
 * The hyperparameters of a {@link Gru}, named and defaulted as torch.nn.GRU's arguments, validated at
 * construction. {@code resetAfter} false selects the original Cho et al. form (reset applied before the
 * recurrent product; Keras {@code reset_after=False}, ONNX {@code linear_before_reset=0}).
 */
public record GruConfig(int inputSize, int hiddenSize, int numLayers, boolean bias, boolean batchFirst,
                        float dropout, boolean bidirectional, boolean resetAfter) {

    /** More layers than any GRU trained in practice; a file claiming more is damaged. */
    public static final int MAX_LAYERS = 1024;

    public GruConfig {
        if (inputSize <= 0) throw new IllegalArgumentException("inputSize must be > 0, got " + inputSize);
        if (hiddenSize <= 0) throw new IllegalArgumentException("hiddenSize must be > 0, got " + hiddenSize);
        if (numLayers <= 0 || numLayers > MAX_LAYERS) {
            throw new IllegalArgumentException("numLayers must be in [1, " + MAX_LAYERS + "], got " + numLayers);
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
    }

    /** torch.nn.GRU(inputSize, hiddenSize) defaults: one layer, bias, time-first, no dropout, one direction. */
    public static GruConfig of(int inputSize, int hiddenSize) {
        return new GruConfig(inputSize, hiddenSize, 1, true, false, 0f, false, true);
    }

    public GruConfig withNumLayers(int n) {
        return new GruConfig(inputSize, hiddenSize, n, bias, batchFirst, dropout, bidirectional, resetAfter);
    }

    public GruConfig withBias(boolean b) {
        return new GruConfig(inputSize, hiddenSize, numLayers, b, batchFirst, dropout, bidirectional, resetAfter);
    }

    public GruConfig withBatchFirst(boolean b) {
        return new GruConfig(inputSize, hiddenSize, numLayers, bias, b, dropout, bidirectional, resetAfter);
    }

    public GruConfig withDropout(float p) {
        return new GruConfig(inputSize, hiddenSize, numLayers, bias, batchFirst, p, bidirectional, resetAfter);
    }

    public GruConfig withBidirectional(boolean b) {
        return new GruConfig(inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, b, resetAfter);
    }

    public GruConfig withResetAfter(boolean b) {
        return new GruConfig(inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, b);
    }

    public int numDirections() {
        return bidirectional ? 2 : 1;
    }

    /** Width of the output's last dimension: hiddenSize times the number of directions. */
    public int outputSize() {
        return hiddenSize * numDirections();
    }
}
