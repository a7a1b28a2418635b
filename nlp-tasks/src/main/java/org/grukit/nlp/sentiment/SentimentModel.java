package org.grukit.nlp.sentiment;

import org.grukit.attention.AttentionPooling;
import org.grukit.attention.Attended;
import org.grukit.attention.recurrent.GruVariant;
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
import org.grukit.core.nn.Module;

/**
 * Embedding -> dropout -> stacked (Bi)GRU, or any {@link GruVariant} -> pooling over time (attention, the last
 * states, max or mean, always over the real tokens only) -> dropout -> linear: a text classifier. Its forward
 * gives logits [B, C] and, for attention pooling, the per-token weights [B, T].
 */
public final class SentimentModel extends Module implements SavableModel {
    public static final String TYPE = "sentiment-classifier";

    /** How the recurrent outputs [B, T, D] become one vector per text. */
    public enum Pooling { ATTENTION, LAST, MAX, MEAN }

    /** The architecture, saved in model.json. */
    public record Config(int vocabSize, java.util.List<String> labels, int embedDim, int hiddenSize, int numLayers, boolean bidirectional,
                         GruVariant cell, Pooling pooling, int attentionDim, float dropout) {
        public Config {
            if (vocabSize < 5) throw new IllegalArgumentException("vocabSize must be >= 5 (4 special tokens and a word), got " + vocabSize);
            if (labels == null || labels.size() < 2 || new java.util.HashSet<>(labels).size() != labels.size()) {
                throw new IllegalArgumentException("need two or more distinct labels, got " + labels);
            }
            labels = java.util.List.copyOf(labels);
            if (embedDim <= 0 || hiddenSize <= 0 || numLayers <= 0) {
                throw new IllegalArgumentException("embedDim, hiddenSize and numLayers must be > 0, got " + embedDim + ", " + hiddenSize + ", " + numLayers);
            }
            if (cell == null || pooling == null) throw new IllegalArgumentException("cell and pooling must not be null");
            if (pooling == Pooling.ATTENTION && attentionDim <= 0) throw new IllegalArgumentException("attentionDim must be > 0, got " + attentionDim);
            if (!(dropout >= 0f && dropout < 1f)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }

        public int numClasses() {
            return labels.size();
        }

        public int encoderSize() {
            return hiddenSize * (bidirectional ? 2 : 1);
        }
    }

    /** Logits [B, C], and the attention weights [B, T] (null unless the pooling is attention). */
    public record Output(Tensor logits, Tensor weights) {}


    private final Config config;
    private final Embedding embedding;
    private final RecurrentLayer encoder;
    private final AttentionPooling attention;
    private final Linear head;
    private final Rng dropoutRng;

    public SentimentModel(Config config, Rng rng) {
        this.config = config;
        embedding = registerModule("embedding", new Embedding(config.vocabSize(), config.embedDim(), 0, rng));
        encoder = registerModule("encoder", StackedGru.of(new StackedGru.Config(config.embedDim(), config.hiddenSize(),
                config.numLayers(), config.bidirectional(), config.dropout(), StackedGru.Connection.NONE, config.cell(), 2), rng));
        attention = config.pooling() == Pooling.ATTENTION
                ? registerModule("attention", new AttentionPooling(config.encoderSize(), config.attentionDim(), rng)) : null;
        head = registerModule("head", new Linear(config.encoderSize(), config.numClasses(), rng));
        dropoutRng = registerRandomStream("dropout", rng.split());
    }

    public Config config() {
        return config;
    }

    public Embedding embedding() {
        return embedding;
    }

    public Output forward(PaddedBatch batch) {
        int b = batch.batch(), t = batch.maxLength();
        Tensor x = embedding.forward(batch.ids(), b, t); // [B, T, E]
        if (isTraining() && config.dropout() > 0f) x = Ops.dropout(x, config.dropout(), dropoutRng);
        var out = encoder.forward(x, null, batch.lengths());
        Tensor h = out.output(); // [B, T, D]
        Tensor pad = Masks.keyPadding(batch.lengths(), t); // [B, T], 1 at padding
        Tensor pooled;
        Tensor weights = null;
        switch (config.pooling()) {
            case ATTENTION -> {
                Attended a = attention.forward(h, pad);
                pooled = a.context();
                weights = a.weights();
            }
            case MAX -> pooled = Ops.max(Ops.maskedFill(h, Ops.reshape(pad, b, t, 1), Float.NEGATIVE_INFINITY), 1, false);
            case MEAN -> {
                Tensor valid = Ops.reshape(batch.mask(), b, t, 1);
                Tensor len = Tensor.zeros(b, 1);
                for (int i = 0; i < b; i++) len.set(Math.max(1, batch.lengths()[i]), i, 0);
                pooled = Ops.div(Ops.sum(Ops.mul(h, valid), 1, false), len);
            }
            default -> { // LAST: the final states of the top layer, both directions
                Tensor hN = out.hN(); // [L*D, B, H]
                int dirs = config.bidirectional() ? 2 : 1, top = (config.numLayers() - 1) * dirs;
                pooled = dirs == 1 ? Ops.select(hN, 0, top)
                        : Ops.concat(1, Ops.select(hN, 0, top), Ops.select(hN, 0, top + 1));
            }
        }
        if (isTraining() && config.dropout() > 0f) pooled = Ops.dropout(pooled, config.dropout(), dropoutRng);
        return new Output(head.forward(pooled), weights);
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
