package org.grukit.nlp.translate;

import org.grukit.attention.decoding.AttentionDecoder;
import org.grukit.attention.LuongAttention;
import org.grukit.attention.Masks;
import org.grukit.attention.hybrid.StackedGru;
import org.grukit.core.nn.RecurrentLayer;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.data.PaddedBatch;
import org.grukit.core.io.SavableModel;
import org.grukit.core.nn.Embedding;
import org.grukit.core.nn.Linear;
import org.grukit.core.nn.Losses;
import org.grukit.core.nn.Module;

/**
 * Sequence to sequence with attention (Bahdanau et al. 2015): a BiGRU encoder over the source, a bridge
 * tanh(W [h_fwd; h_bwd] + b) from its final states to the decoder's first state, and a GRU decoder attending
 * over the encoder outputs, Bahdanau (additive) or Luong style, with padding masked everywhere; optionally the
 * decoder's output layer tied to its input embedding.
 */
public final class TranslationModel extends Module implements SavableModel {
    public static final String TYPE = "seq2seq-translator";

    /** The architecture, saved in model.json. */
    public record Config(int sourceVocab, int targetVocab, int embedDim, int encoderHidden, int encoderLayers, int decoderHidden,
                         AttentionDecoder.Style style, LuongAttention.Score luongScore, float dropout, boolean tiedEmbeddings) {
        public Config {
            if (sourceVocab < 5 || targetVocab < 5) throw new IllegalArgumentException("vocabularies need >= 5 tokens, got " + sourceVocab + ", " + targetVocab);
            if (embedDim <= 0 || encoderHidden <= 0 || encoderLayers <= 0 || decoderHidden <= 0) {
                throw new IllegalArgumentException("sizes must be > 0, got " + embedDim + ", " + encoderHidden + ", " + encoderLayers + ", " + decoderHidden);
            }
            if (style == null) throw new IllegalArgumentException("style must not be null");
            if (style == AttentionDecoder.Style.LUONG && luongScore == null) throw new IllegalArgumentException("Luong style needs a score");
            if (!(dropout >= 0f && dropout < 1f)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
    }


    private final Config config;
    private final Embedding sourceEmbedding;
    private final RecurrentLayer encoder;
    private final Linear bridge;
    private final AttentionDecoder decoder;
    private final Rng dropoutRng;

    public TranslationModel(Config config, Rng rng) {
        this.config = config;
        sourceEmbedding = registerModule("source_embedding", new Embedding(config.sourceVocab(), config.embedDim(), 0, rng));
        encoder = registerModule("encoder", StackedGru.of(new StackedGru.Config(config.embedDim(), config.encoderHidden(),
                config.encoderLayers(), true, config.dropout(), StackedGru.Connection.NONE), rng));
        bridge = registerModule("bridge", new Linear(2 * config.encoderHidden(), config.decoderHidden(), rng));
        AttentionDecoder.Config dc = config.style() == AttentionDecoder.Style.BAHDANAU
                ? AttentionDecoder.Config.bahdanau(config.targetVocab(), config.embedDim(), config.decoderHidden(), 2 * config.encoderHidden())
                : AttentionDecoder.Config.luong(config.targetVocab(), config.embedDim(), config.decoderHidden(), 2 * config.encoderHidden(),
                        config.luongScore());
        decoder = registerModule("decoder", new AttentionDecoder(dc.withDropout(config.dropout()).withTiedEmbeddings(config.tiedEmbeddings()), rng));
        dropoutRng = registerRandomStream("dropout", rng.split());
    }

    public Config config() {
        return config;
    }

    public AttentionDecoder decoder() {
        return decoder;
    }

    /** Encodes a source batch into the decoder's start state (memory, keys, mask, bridged first state). */
    public AttentionDecoder.State encode(PaddedBatch source) {
        int b = source.batch(), s = source.maxLength();
        Tensor x = sourceEmbedding.forward(source.ids(), b, s);
        if (isTraining() && config.dropout() > 0f) x = Ops.dropout(x, config.dropout(), dropoutRng);
        var out = encoder.forward(x, null, source.lengths());
        Tensor hN = out.hN(); // [2L, B, H]: the top layer's forward and backward final states are the last two
        int top = 2 * (config.encoderLayers() - 1);
        Tensor last = Ops.concat(1, Ops.select(hN, 0, top), Ops.select(hN, 0, top + 1));
        Tensor h0 = Ops.tanh(bridge.forward(last));
        return decoder.start(out.output(), Masks.keyPadding(source.lengths(), s), h0);
    }

    /** Teacher forcing: logits [B, T - 1, V] for targets [B, T] that start with BOS. */
    public AttentionDecoder.Output forward(PaddedBatch source, PaddedBatch target) {
        return decoder.forward(encode(source), decoderInputs(target), target.maxLength() - 1);
    }

    /**
     * The training loss: label-smoothed cross-entropy of each real (non-padding) next token, averaged. Only the
     * rows that are scored go through the vocabulary-sized output layer, so padding costs nothing there.
     */
    public Tensor loss(PaddedBatch source, PaddedBatch target, float labelSmoothing, int padId) {
        int b = target.batch(), t = target.maxLength(), steps = t - 1;
        Tensor features = decoder.features(encode(source), decoderInputs(target), steps).logits(); // [B, T - 1, F]
        int real = 0;
        for (int i = 0; i < b; i++) for (int j = 1; j < t; j++) if (target.ids()[i * t + j] != padId) real++;
        int[] rows = new int[real], next = new int[real];
        for (int i = 0, r = 0; i < b; i++) {
            for (int j = 1; j < t; j++) {
                int y = target.ids()[i * t + j];
                if (y == padId) continue;
                rows[r] = i * steps + j - 1;
                next[r++] = y;
            }
        }
        Tensor scored = Ops.indexSelect(Ops.reshape(features, b * steps, -1), rows);
        return Losses.crossEntropy(decoder.project(scored), next, Losses.CrossEntropyOptions.defaults().withLabelSmoothing(labelSmoothing));
    }

    /** The target shifted right (without its last position): [B, T - 1], row-major. */
    private static int[] decoderInputs(PaddedBatch target) {
        int b = target.batch(), t = target.maxLength();
        int[] inputs = new int[b * (t - 1)];
        for (int i = 0; i < b; i++) System.arraycopy(target.ids(), i * t, inputs, i * (t - 1), t - 1);
        return inputs;
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
