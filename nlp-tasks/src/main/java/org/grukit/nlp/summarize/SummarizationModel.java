package org.grukit.nlp.summarize;

import org.grukit.attention.Masks;
import org.grukit.attention.decoding.PointerGeneratorDecoder;
import org.grukit.attention.hybrid.StackedGru;
import org.grukit.core.nn.RecurrentLayer;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.data.PaddedBatch;
import org.grukit.core.io.SavableModel;
import org.grukit.core.nn.Linear;
import org.grukit.core.nn.Module;

/**
 * Abstractive summarisation as See, Liu and Manning (2017) built it, with GRUs: a BiGRU encoder over the
 * document's tokens, a bridge tanh(W [h_fwd; h_bwd] + b) to the decoder's first state, and a
 * {@link PointerGeneratorDecoder} (copying and coverage each optional; with neither it is the plain
 * sequence-to-sequence baseline with attention). Encoder and decoder share one word embedding, as in the paper.
 * Parameters: {@code encoder.*}, {@code bridge.*}, {@code decoder.*} (its {@code embedding.weight} is the shared one).
 */
public final class SummarizationModel extends Module implements SavableModel {
    public static final String TYPE = "pointer-generator-summarizer";

    /** The architecture, saved in model.json. */
    public record Config(int vocabSize, int embedDim, int encoderHidden, int decoderHidden, int attentionDim, boolean pointer,
                         boolean coverage, float dropout, int paddingId, int unknownId) {
        public Config {
            if (vocabSize < 5) throw new IllegalArgumentException("the vocabulary needs >= 5 tokens, got " + vocabSize);
            if (embedDim <= 0 || encoderHidden <= 0 || decoderHidden <= 0 || attentionDim <= 0) {
                throw new IllegalArgumentException("sizes must be > 0, got " + embedDim + ", " + encoderHidden + ", " + decoderHidden + ", " + attentionDim);
            }
            if (!(dropout >= 0f && dropout < 1f)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
    }


    private final Config config;
    private final RecurrentLayer encoder;
    private final Linear bridge;
    private final PointerGeneratorDecoder decoder;
    private final Rng dropoutRng;

    public SummarizationModel(Config config, Rng rng) {
        this.config = config;
        decoder = new PointerGeneratorDecoder(new PointerGeneratorDecoder.Config(config.vocabSize(), config.embedDim(), config.decoderHidden(),
                2 * config.encoderHidden(), config.attentionDim(), config.pointer(), config.coverage(), config.dropout(), config.paddingId(),
                config.unknownId()), rng);
        encoder = registerModule("encoder", StackedGru.of(new StackedGru.Config(config.embedDim(), config.encoderHidden(), 1, true, 0f,
                StackedGru.Connection.NONE), rng));
        bridge = registerModule("bridge", new Linear(2 * config.encoderHidden(), config.decoderHidden(), rng));
        registerModule("decoder", decoder);
        dropoutRng = registerRandomStream("dropout", rng.split());
    }

    public Config config() {
        return config;
    }

    public PointerGeneratorDecoder decoder() {
        return decoder;
    }

    /**
     * The decoder's start state for a batch of documents.
     *
     * @param source    the documents' vocabulary ids (out-of-vocabulary words as the unknown id), padded
     * @param extended  B * S extended ids of the same positions (an out-of-vocabulary word is V + its index among
     *                  its document's such words), negative at padding
     */
    public PointerGeneratorDecoder.State encode(PaddedBatch source, int[] extended) {
        int b = source.batch(), s = source.maxLength();
        Tensor x = decoder.embedding().forward(source.ids(), b, s);
        if (isTraining() && config.dropout() > 0f) x = Ops.dropout(x, config.dropout(), dropoutRng);
        var out = encoder.forward(x, null, source.lengths());
        Tensor hN = out.hN(); // [2, B, H]: forward and backward final states
        Tensor h0 = Ops.tanh(bridge.forward(Ops.concat(1, Ops.select(hN, 0, 0), Ops.select(hN, 0, 1))));
        return decoder.start(out.output(), Masks.keyPadding(source.lengths(), s), h0, extended);
    }

    /** A training batch's losses: the mean negative log-likelihood per real target token, and the mean coverage loss. */
    public record Losses(Tensor nll, Tensor coverage, int tokens) {}

    /**
     * Teacher forcing over targets [B, T] of extended ids that start with the start token and are padded with
     * {@code paddingId}; only the real (non-padding) next tokens go through the output layer and are scored.
     */
    public Losses loss(PaddedBatch source, int[] extended, PaddedBatch target) {
        int b = target.batch(), t = target.maxLength(), steps = t - 1, s = source.maxLength();
        int[] inputs = new int[b * steps];
        for (int i = 0; i < b; i++) System.arraycopy(target.ids(), i * t, inputs, i * steps, steps);
        PointerGeneratorDecoder.Step out = decoder.features(encode(source, extended), inputs, steps);
        int real = 0;
        for (int i = 0; i < b; i++) for (int j = 1; j < t; j++) if (target.ids()[i * t + j] != config.paddingId()) real++;
        int[] rows = new int[real], next = new int[real], rowIds = new int[real * s];
        for (int i = 0, r = 0; i < b; i++) {
            for (int j = 1; j < t; j++) {
                int y = target.ids()[i * t + j];
                if (y == config.paddingId()) continue;
                rows[r] = i * steps + j - 1;
                next[r] = y;
                System.arraycopy(extended, i * s, rowIds, r * s, s);
                r++;
            }
        }
        Tensor features = Ops.indexSelect(Ops.reshape(out.features(), b * steps, -1), rows);
        Tensor weights = Ops.indexSelect(Ops.reshape(out.weights(), b * steps, s), rows);
        Tensor z = out.switchLogits() == null ? null : Ops.indexSelect(Ops.reshape(out.switchLogits(), b * steps, 1), rows);
        Tensor nll = Ops.mean(decoder.nll(features, z, weights, rowIds, next));
        Tensor coverage = Ops.mean(Ops.indexSelect(Ops.reshape(out.coverageLoss(), b * steps, 1), rows));
        return new Losses(nll, coverage, real);
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
