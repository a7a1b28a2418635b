package org.grukit.nlp.speech;

import org.grukit.attention.hybrid.Conv1d;
import org.grukit.attention.hybrid.StackedGru;
import org.grukit.core.nn.RecurrentLayer;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.io.SavableModel;
import org.grukit.core.nn.Linear;
import org.grukit.core.nn.Module;

/**
 * The acoustic model for CTC: feature frames [B, T, F] -> optional Conv1d subsampling (ReLU; stride s shortens the
 * sequence about s times, as DeepSpeech 2 and most CTC models do before their recurrent layers) -> stacked
 * (Bi)GRU -> dropout -> linear -> log-softmax over the output classes, class 0 being the blank. The output is
 * time-major [T', B, C], as {@link org.grukit.core.nn.Ctc#loss} takes it.
 */
public final class SpeechModel extends Module implements SavableModel {
    public static final String TYPE = "speech-ctc";

    /** The architecture, saved in model.json; {@code convChannels} 0 means no convolution. */
    public record Config(int featureDim, int convChannels, int convKernel, int convStride, int hiddenSize, int numLayers,
                         boolean bidirectional, int classes, float dropout) {
        public Config {
            if (featureDim <= 0 || hiddenSize <= 0 || numLayers <= 0) {
                throw new IllegalArgumentException("featureDim, hiddenSize and numLayers must be > 0, got " + featureDim + ", " + hiddenSize
                        + ", " + numLayers);
            }
            if (convChannels < 0 || (convChannels > 0 && (convKernel <= 0 || convStride <= 0))) {
                throw new IllegalArgumentException("a convolution needs channels, kernel and stride > 0, got " + convChannels + ", "
                        + convKernel + ", " + convStride);
            }
            if (classes < 2) throw new IllegalArgumentException("need the blank and at least one label, got " + classes + " classes");
            if (!(dropout >= 0f && dropout < 1f)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
    }

    /** Log-probabilities [T', B, C] and each utterance's length in output frames. */
    public record Output(Tensor logProbs, int[] lengths) {}


    private final Config config;
    private final Conv1d conv;
    private final RecurrentLayer rnn;
    private final Linear out;
    private final Rng dropoutRng;

    public SpeechModel(Config config, Rng rng) {
        this.config = config;
        int in = config.featureDim();
        if (config.convChannels() > 0) {
            conv = registerModule("conv", new Conv1d(Conv1d.Config.of(in, config.convChannels(), config.convKernel())
                    .withStride(config.convStride()).withPadding(config.convKernel() / 2), rng));
            in = config.convChannels();
        } else {
            conv = null;
        }
        rnn = registerModule("rnn", StackedGru.of(new StackedGru.Config(in, config.hiddenSize(), config.numLayers(), config.bidirectional(),
                config.dropout(), StackedGru.Connection.NONE), rng));
        out = registerModule("out", new Linear(rnn.outputSize(), config.classes(), rng));
        dropoutRng = registerRandomStream("dropout", rng.split());
    }

    public Config config() {
        return config;
    }

    /** Frames per output frame (the convolution's stride, or 1). */
    public int subsampling() {
        return conv == null ? 1 : config.convStride();
    }

    /** @param features [B, T, F], zero-padded after each utterance's {@code lengths[b]} frames */
    public Output forward(Tensor features, int[] lengths) {
        Tensor x = features;
        int[] len = lengths;
        if (conv != null) {
            x = Ops.relu(conv.forwardSequence(x));
            len = conv.outputLengths(lengths);
            for (int i = 0; i < len.length; i++) len[i] = Math.max(1, Math.min(len[i], x.dim(1)));
        }
        Tensor h = rnn.forward(x, null, len).output(); // [B, T', D*H]
        if (isTraining() && config.dropout() > 0f) h = Ops.dropout(h, config.dropout(), dropoutRng);
        Tensor logProbs = Ops.logSoftmax(out.forward(h), -1);
        return new Output(Ops.transpose(logProbs, 0, 1), len);
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
