package org.grukit.attention.decoding;

import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Shape;
import org.grukit.core.Tensor;
import org.grukit.core.nn.Dropout;
import org.grukit.core.nn.Embedding;
import org.grukit.core.nn.GruCell;
import org.grukit.core.nn.Linear;
import org.grukit.core.nn.Module;
import org.grukit.attention.AdditiveAttention;
import org.grukit.attention.Attended;
import org.grukit.attention.LuongAttention;

/**
 * A GRU decoder with attention over an encoder's outputs (the memory), in the two classic styles.
 * <ul>
 *   <li>Bahdanau et al. 2015: attend from the previous state s_{i-1} (additive score), then
 *       s_i = GRU([y_{i-1}; c_i], s_{i-1}), and logits = W_o [s_i; c_i; y_{i-1}] (as in the usual PyTorch
 *       rendering of the paper's deep output).</li>
 *   <li>Luong et al. 2015 (section 3, with input feeding, 3.3): s_t = GRU([y_{t-1}; h~_{t-1}], s_{t-1}), attend
 *       from s_t (dot, general or concat score), h~_t = tanh(W_c [c_t; s_t]) (eq. 5), logits = W_s h~_t (eq. 6),
 *       and h~_t is fed to the next step.</li>
 * </ul>
 * {@link #forward} runs teacher forcing over a whole target sequence; {@link #step} is one step for
 * inference, on a {@link State} whose rows can be reordered ({@link State#select}) for beam search.
 * Parameters: {@code embedding.weight}, {@code cell.*}, {@code attention.*}, {@code combine.weight} (Luong),
 * {@code out.weight}/{@code .bias}; with tied embeddings {@code out_proj.weight} ([E, F]) and {@code out_bias} ([V])
 * instead of {@code out.*}, the logits being {@code embedding.weight} (out_proj f) + out_bias.
 */
public final class AttentionDecoder extends Module {
    /** Which of the two decoders. */
    public enum Style { BAHDANAU, LUONG }

    /** Hyperparameters, validated. {@code memoryDim} is the width of the encoder outputs attended over. */
    public record Config(int vocabSize, int embedDim, int hiddenSize, int memoryDim, Style style,
                         LuongAttention.Score luongScore, int attentionDim, float dropout, int paddingIdx, boolean tiedEmbeddings) {
        public Config {
            if (vocabSize <= 1) throw new IllegalArgumentException("vocabSize must be > 1, got " + vocabSize);
            if (embedDim <= 0) throw new IllegalArgumentException("embedDim must be > 0, got " + embedDim);
            if (hiddenSize <= 0) throw new IllegalArgumentException("hiddenSize must be > 0, got " + hiddenSize);
            if (memoryDim <= 0) throw new IllegalArgumentException("memoryDim must be > 0, got " + memoryDim);
            if (style == null) throw new IllegalArgumentException("style must not be null");
            if (style == Style.LUONG && luongScore == null) throw new IllegalArgumentException("Luong style needs a score");
            if (!(dropout >= 0f && dropout < 1f)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }

        public static Config bahdanau(int vocabSize, int embedDim, int hiddenSize, int memoryDim) {
            return new Config(vocabSize, embedDim, hiddenSize, memoryDim, Style.BAHDANAU, null, hiddenSize, 0f, 0, false);
        }

        public static Config luong(int vocabSize, int embedDim, int hiddenSize, int memoryDim, LuongAttention.Score score) {
            return new Config(vocabSize, embedDim, hiddenSize, memoryDim, Style.LUONG, score, hiddenSize, 0f, 0, false);
        }

        public Config withDropout(float p) {
            return new Config(vocabSize, embedDim, hiddenSize, memoryDim, style, luongScore, attentionDim, p, paddingIdx, tiedEmbeddings);
        }

        /**
         * Output weights tied to the input embedding (Press and Wolf 2017; Inan et al. 2017): the output layer's
         * features are projected to the embedding size and scored against the embedding matrix, which saves a
         * [V, F] matrix and the product with it.
         */
        public Config withTiedEmbeddings(boolean tied) {
            return new Config(vocabSize, embedDim, hiddenSize, memoryDim, style, luongScore, attentionDim, dropout, paddingIdx, tied);
        }
    }

    /**
     * The decoding state of a batch (or of beams): the GRU state [B, H], the fed-back attentional vector
     * h~ [B, H] (Luong; null for Bahdanau), the memory [B, S, M] with its projected keys and padding mask.
     */
    public record State(Tensor hidden, Tensor feed, Tensor memory, Tensor projectedKeys, Tensor keyPaddingMask) {
        /** The rows {@code rows} of every part, repeats allowed (expanding to beams, following parents). */
        public State select(int[] rows) {
            return new State(Ops.indexSelect(hidden, rows), feed == null ? null : Ops.indexSelect(feed, rows),
                    Ops.indexSelect(memory, rows), Ops.indexSelect(projectedKeys, rows),
                    keyPaddingMask == null ? null : Ops.indexSelect(keyPaddingMask, rows));
        }

        /**
         * Reorders the recurrent parts (state and fed-back vector) only: for beams that follow parents within
         * their own sentence, whose memory, keys and mask are the same rows' and need no copy.
         */
        public State reorderBeams(int[] rows) {
            return new State(Ops.indexSelect(hidden, rows), feed == null ? null : Ops.indexSelect(feed, rows), memory,
                    projectedKeys, keyPaddingMask);
        }

        public int batch() {
            return hidden.dim(0);
        }
    }

    /** One step's logits [B, V] and attention weights [B, S], and the state after it. */
    public record Step(Tensor logits, Tensor weights, State state) {}

    /** Teacher forcing over T steps: logits [B, T, V] and attention weights [B, T, S]. */
    public record Output(Tensor logits, Tensor weights) {}

    private final Config config;
    private final Embedding embedding;
    private final GruCell cell;
    private final AdditiveAttention additive;
    private final LuongAttention luong;
    private final Linear combine, out, outProj;
    private final Tensor outBias;
    private final Dropout dropout;

    public AttentionDecoder(Config config, Rng rng) {
        this.config = config;
        int e = config.embedDim(), h = config.hiddenSize(), m = config.memoryDim();
        embedding = registerModule("embedding", new Embedding(config.vocabSize(), e, config.paddingIdx(), rng));
        boolean bahdanau = config.style() == Style.BAHDANAU;
        cell = registerModule("cell", new GruCell(e + (bahdanau ? m : h), h, rng));
        int features;
        if (bahdanau) {
            additive = registerModule("attention", new AdditiveAttention(h, m, config.attentionDim(), rng));
            luong = null;
            combine = null;
            features = h + m + e;
        } else {
            additive = null;
            luong = registerModule("attention", new LuongAttention(config.luongScore(), h, m, config.attentionDim(), rng));
            combine = registerModule("combine", new Linear(m + h, h, false, rng));
            features = h;
        }
        if (config.tiedEmbeddings()) {
            out = null;
            outProj = registerModule("out_proj", new Linear(features, e, false, rng));
            outBias = registerParameter("out_bias", Tensor.zeros(config.vocabSize()));
        } else {
            out = registerModule("out", new Linear(features, config.vocabSize(), rng));
            outProj = null;
            outBias = null;
        }
        dropout = registerModule("dropout", new Dropout(config.dropout(), rng.split()));
    }

    public Config config() {
        return config;
    }

    /**
     * The state before the first step.
     *
     * @param memory         encoder outputs [B, S, M]
     * @param keyPaddingMask [B, S], 1 at padding; or null
     * @param h0             the initial GRU state [B, H] (e.g. a bridge from the encoder's final state), or null
     */
    public State start(Tensor memory, Tensor keyPaddingMask, Tensor h0) {
        Shape.expect("memory", memory, -1, -1, config.memoryDim());
        int b = memory.dim(0);
        Tensor hidden = h0 == null ? Tensor.zeros(b, config.hiddenSize()) : h0;
        Shape.expect("initial decoder state", hidden, b, config.hiddenSize());
        Tensor keys = config.style() == Style.BAHDANAU ? additive.projectKeys(memory) : luong.projectKeys(memory);
        Tensor feed = config.style() == Style.LUONG ? Tensor.zeros(b, config.hiddenSize()) : null;
        return new State(hidden, feed, memory, keys, keyPaddingMask);
    }

    /** One step from the previous tokens [B] (the start token at first). */
    public Step step(State s, int[] tokens) {
        Advance a = advance(s, tokens);
        return new Step(project(a.features()), a.weights(), a.state());
    }

    /** A step up to the output layer: what the output layer reads [B, F], the attention weights, the next state. */
    private record Advance(Tensor features, Tensor weights, State state) {}

    private Advance advance(State s, int[] tokens) {
        int b = s.batch();
        if (tokens.length != b) throw new IllegalArgumentException("expected " + b + " tokens, got " + tokens.length);
        Tensor emb = dropout.forward(embedding.forward(tokens, b)); // [B, E]
        if (config.style() == Style.BAHDANAU) {
            Attended a = additive.attendProjected(s.hidden(), s.projectedKeys(), s.memory(), s.keyPaddingMask());
            Tensor h = cell.forward(Ops.concat(1, emb, a.context()), s.hidden());
            return new Advance(Ops.concat(1, h, a.context(), emb), a.weights(),
                    new State(h, null, s.memory(), s.projectedKeys(), s.keyPaddingMask()));
        }
        Tensor h = cell.forward(Ops.concat(1, emb, s.feed()), s.hidden());
        Attended a = luong.attendProjected(h, s.projectedKeys(), s.memory(), s.keyPaddingMask());
        Tensor attentional = Ops.tanh(combine.forward(Ops.concat(1, a.context(), h)));
        return new Advance(dropout.forward(attentional), a.weights(),
                new State(h, attentional, s.memory(), s.projectedKeys(), s.keyPaddingMask()));
    }

    /**
     * Teacher forcing: the inputs [B, T] (row-major: the target shifted right, starting with the start token)
     * are fed one step at a time from {@code start}.
     */
    public Output forward(State start, int[] inputs, int steps) {
        Output f = features(start, inputs, steps);
        // The output layer (vocabulary-sized, most of the work) runs once over all steps: one large GEMM with the
        // weights packed once, instead of a small one per step.
        return new Output(project(f.logits()), f.weights());
    }

    /**
     * Teacher forcing up to the output layer: what {@link #project} reads, [B, T, F] (in the {@code logits}
     * slot), and the attention weights [B, T, S]. A trainer can project only the rows it scores (not padding).
     */
    public Output features(State start, int[] inputs, int steps) {
        int b = start.batch();
        if (inputs.length != b * steps) {
            throw new IllegalArgumentException("expected " + b + " x " + steps + " input tokens, got " + inputs.length);
        }
        Tensor[] features = new Tensor[steps], weights = new Tensor[steps];
        State s = start;
        int[] tokens = new int[b];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < b; i++) tokens[i] = inputs[i * steps + t];
            Advance a = advance(s, tokens.clone());
            features[t] = a.features();
            weights[t] = a.weights();
            s = a.state();
        }
        return new Output(Ops.stack(1, features), Ops.stack(1, weights));
    }

    /** The output layer: logits [..., V] from features [..., F] of {@link #features}. */
    public Tensor project(Tensor features) {
        if (out != null) return out.forward(features);
        return Ops.linear(outProj.forward(features), embedding.weight(), outBias);
    }
}
