package org.grukit.attention.decoding;

import java.util.Arrays;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Shape;
import org.grukit.core.Tensor;
import org.grukit.core.nn.Dropout;
import org.grukit.core.nn.Embedding;
import org.grukit.core.nn.GruCell;
import org.grukit.core.nn.Linear;
import org.grukit.core.nn.Losses;
import org.grukit.core.nn.Module;
import org.grukit.core.nn.Reduction;
import org.grukit.attention.AdditiveAttention;
import org.grukit.attention.Attended;

/**
 * The pointer-generator decoder of See, Liu and Manning (2017), with a GRU in place of the LSTM:
 * <ul>
 *   <li>s_t = GRU([y_{t-1}; h*_{t-1}], s_{t-1}), the previous context fed back with the previous token;</li>
 *   <li>additive attention from s_t over the encoder outputs h_i, with coverage (eq. 11): e_i = v^T tanh(W_h h_i +
 *       W_s s_t + w_c c_i + b), c = the sum of the past steps' attention, and context h*_t (eq. 1-3);</li>
 *   <li>P_vocab = softmax(V' (V [s_t; h*_t] + b) + b') (eq. 4);</li>
 *   <li>the generation switch p_gen = sigmoid(w_h h*_t + w_s s_t + w_x x_t + b_ptr) (eq. 8), x_t the input embedding;</li>
 *   <li>P(w) = p_gen P_vocab(w) + (1 - p_gen) sum_{i : w_i = w} a_i (eq. 9), over the vocabulary extended by the
 *       source's own out-of-vocabulary words ({@link CopyMixture});</li>
 *   <li>the coverage loss sum_i min(a_i, c_i) per step (eq. 12).</li>
 * </ul>
 * Without the pointer it is a plain attention decoder (P = P_vocab); without coverage the score has no w_c term
 * and the coverage loss is zero. Extended ids fed back as inputs (a copied word) are read as the unknown token.
 * Parameters: {@code embedding.weight}, {@code cell.*}, {@code attention.*} (with {@code coverage_proj.weight}),
 * {@code hidden.*} (V, b), {@code out.*} (V', b'), {@code switch.*} (w_h, w_s, w_x, b_ptr as one [1, M + H + E] row).
 */
public final class PointerGeneratorDecoder extends Module {

    /** Hyperparameters, validated. {@code memoryDim} is the width of the encoder outputs. */
    public record Config(int vocabSize, int embedDim, int hiddenSize, int memoryDim, int attentionDim, boolean pointer,
                         boolean coverage, float dropout, int paddingIdx, int unknownId) {
        public Config {
            if (vocabSize <= 1) throw new IllegalArgumentException("vocabSize must be > 1, got " + vocabSize);
            if (embedDim <= 0 || hiddenSize <= 0 || memoryDim <= 0 || attentionDim <= 0) {
                throw new IllegalArgumentException("sizes must be > 0, got embed " + embedDim + ", hidden " + hiddenSize + ", memory "
                        + memoryDim + ", attention " + attentionDim);
            }
            if (!(dropout >= 0f && dropout < 1f)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
            if (unknownId < 0 || unknownId >= vocabSize) throw new IllegalArgumentException("unknownId must be a vocabulary id, got " + unknownId);
            if (paddingIdx < 0 || paddingIdx >= vocabSize) throw new IllegalArgumentException("paddingIdx must be a vocabulary id, got " + paddingIdx);
        }
    }

    /**
     * The decoding state of a batch (or beams): the GRU state [B, H], the last context [B, M], the coverage
     * [B, S] (null without coverage), the memory [B, S, M], its projected keys, the padding mask [B, S] (or null),
     * the source's extended ids (B * S, negative at padding) and how many extended ids the widest row uses.
     */
    public record State(Tensor hidden, Tensor context, Tensor coverage, Tensor memory, Tensor projectedKeys, Tensor keyPaddingMask,
                        int[] sourceIds, int extra) {
        public int batch() {
            return hidden.dim(0);
        }

        public int sourceLength() {
            return memory.dim(1);
        }

        /** The rows {@code rows} of every part, repeats allowed. */
        public State select(int[] rows) {
            return new State(Ops.indexSelect(hidden, rows), Ops.indexSelect(context, rows), coverage == null ? null : Ops.indexSelect(coverage, rows),
                    Ops.indexSelect(memory, rows), Ops.indexSelect(projectedKeys, rows),
                    keyPaddingMask == null ? null : Ops.indexSelect(keyPaddingMask, rows), selectIds(rows), extra);
        }

        /** The recurrent parts only (state, context, coverage), for beams that stay within their sentence. */
        public State reorderBeams(int[] rows) {
            return new State(Ops.indexSelect(hidden, rows), Ops.indexSelect(context, rows), coverage == null ? null : Ops.indexSelect(coverage, rows),
                    memory, projectedKeys, keyPaddingMask, sourceIds, extra);
        }

        private int[] selectIds(int[] rows) {
            int s = sourceLength();
            int[] out = new int[rows.length * s];
            for (int r = 0; r < rows.length; r++) System.arraycopy(sourceIds, rows[r] * s, out, r * s, s);
            return out;
        }
    }

    /**
     * One step (or, from {@link #features}, all steps stacked on dim 1): what the output layer reads [B, H], the
     * switch logits [B] (null without the pointer), the attention weights [B, S], the coverage loss [B], the next state.
     */
    public record Step(Tensor features, Tensor switchLogits, Tensor weights, Tensor coverageLoss, State state) {}

    private final Config config;
    private final Embedding embedding;
    private final GruCell cell;
    private final AdditiveAttention attention;
    private final Linear hidden, out, pointerSwitch;
    private final Dropout dropout;

    public PointerGeneratorDecoder(Config config, Rng rng) {
        this.config = config;
        int e = config.embedDim(), h = config.hiddenSize(), m = config.memoryDim();
        embedding = registerModule("embedding", new Embedding(config.vocabSize(), e, config.paddingIdx(), rng));
        cell = registerModule("cell", new GruCell(e + m, h, rng));
        attention = registerModule("attention", new AdditiveAttention(h, m, config.attentionDim(), config.coverage(), rng));
        hidden = registerModule("hidden", new Linear(h + m, h, rng));
        out = registerModule("out", new Linear(h, config.vocabSize(), rng));
        pointerSwitch = config.pointer() ? registerModule("switch", new Linear(m + h + e, 1, rng)) : null;
        dropout = registerModule("dropout", new Dropout(config.dropout(), rng.split()));
    }

    public Config config() {
        return config;
    }

    /** The input embedding, which an encoder may share (See et al. share one embedding for both sides). */
    public Embedding embedding() {
        return embedding;
    }

    /**
     * The state before the first step.
     *
     * @param memory         encoder outputs [B, S, M]
     * @param keyPaddingMask [B, S], 1 at padding; or null
     * @param h0             the first GRU state [B, H], or null for zeros
     * @param sourceIds      B * S extended ids of the source (negative at padding); only read with the pointer
     */
    public State start(Tensor memory, Tensor keyPaddingMask, Tensor h0, int[] sourceIds) {
        Shape.expect("memory", memory, -1, -1, config.memoryDim());
        int b = memory.dim(0), s = memory.dim(1);
        if (sourceIds.length != b * s) throw new IllegalArgumentException("expected " + b + " x " + s + " source ids, got " + sourceIds.length);
        Tensor h = h0 == null ? Tensor.zeros(b, config.hiddenSize()) : h0;
        Shape.expect("initial decoder state", h, b, config.hiddenSize());
        int extra = 0;
        for (int id : sourceIds) extra = Math.max(extra, id - config.vocabSize() + 1);
        return new State(h, Tensor.zeros(b, config.memoryDim()), config.coverage() ? Tensor.zeros(b, s) : null, memory,
                attention.projectKeys(memory), keyPaddingMask, sourceIds, extra);
    }

    /** One step from the previous tokens [B] (extended ids allowed: read as the unknown token). */
    public Step step(State s, int[] tokens) {
        int b = s.batch();
        if (tokens.length != b) throw new IllegalArgumentException("expected " + b + " tokens, got " + tokens.length);
        int[] in = new int[b];
        for (int i = 0; i < b; i++) in[i] = tokens[i] >= config.vocabSize() ? config.unknownId() : tokens[i];
        Tensor emb = dropout.forward(embedding.forward(in, b)); // [B, E]
        Tensor h = cell.forward(Ops.concat(1, emb, s.context()), s.hidden());
        Attended a = attention.attendProjected(h, s.projectedKeys(), s.memory(), s.keyPaddingMask(), s.coverage());
        Tensor features = dropout.forward(hidden.forward(Ops.concat(1, h, a.context())));
        Tensor switchLogits = pointerSwitch == null ? null : Ops.reshape(pointerSwitch.forward(Ops.concat(1, a.context(), h, emb)), b);
        Tensor coverageLoss, coverage;
        if (s.coverage() != null) {
            // min(a, c) = a - relu(a - c)
            coverageLoss = Ops.sum(Ops.sub(a.weights(), Ops.relu(Ops.sub(a.weights(), s.coverage()))), 1, false);
            coverage = Ops.add(s.coverage(), a.weights());
        } else {
            coverageLoss = Tensor.zeros(b);
            coverage = null;
        }
        return new Step(features, switchLogits, a.weights(), coverageLoss,
                new State(h, a.context(), coverage, s.memory(), s.projectedKeys(), s.keyPaddingMask(), s.sourceIds(), s.extra()));
    }

    /**
     * Teacher forcing over {@code steps} steps from the inputs [B, steps] (row-major, starting with the start
     * token): features [B, T, H], switch logits [B, T] (or null), weights [B, T, S], coverage loss [B, T].
     */
    public Step features(State start, int[] inputs, int steps) {
        int b = start.batch();
        if (inputs.length != b * steps) throw new IllegalArgumentException("expected " + b + " x " + steps + " input tokens, got " + inputs.length);
        Tensor[] f = new Tensor[steps], z = new Tensor[steps], w = new Tensor[steps], c = new Tensor[steps];
        State s = start;
        int[] tokens = new int[b];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < b; i++) tokens[i] = inputs[i * steps + t];
            Step st = step(s, tokens.clone());
            f[t] = st.features();
            z[t] = st.switchLogits();
            w[t] = st.weights();
            c[t] = st.coverageLoss();
            s = st.state();
        }
        return new Step(Ops.stack(1, f), pointerSwitch == null ? null : Ops.stack(1, z), Ops.stack(1, w), Ops.stack(1, c), s);
    }

    /** The vocabulary logits [N, V] from features [N, H]. */
    public Tensor project(Tensor features) {
        return out.forward(features);
    }

    /**
     * The per-row negative log-likelihood of {@code targets} (extended ids; N rows of features, switch logits and
     * weights, with each row's source ids): through {@link CopyMixture} with the pointer, else cross-entropy with
     * out-of-vocabulary targets read as the unknown token.
     */
    public Tensor nll(Tensor features, Tensor switchLogits, Tensor weights, int[] sourceIds, int[] targets) {
        Tensor logits = project(features);
        if (pointerSwitch != null) return CopyMixture.nll(logits, switchLogits, weights, sourceIds, targets);
        int[] y = Arrays.copyOf(targets, targets.length);
        for (int i = 0; i < y.length; i++) if (y[i] >= config.vocabSize()) y[i] = config.unknownId();
        return Losses.crossEntropy(logits, y, Losses.CrossEntropyOptions.defaults()
.withReduction(Reduction.NONE));
    }

    /** This decoder for {@link Decoding}'s searches: log-probabilities over the extended vocabulary. */
    public Decoding.Stepper<State> stepper() {
        return new Decoding.Stepper<>() {
            public int batch(State s) {
                return s.batch();
            }

            public Decoding.Scored<State> step(State s, int[] tokens) {
                Step st = PointerGeneratorDecoder.this.step(s, tokens);
                Tensor logits = project(st.features());
                int src = s.sourceLength();
                if (pointerSwitch == null) {
                    return new Decoding.Scored<>(Ops.logSoftmax(logits, -1).toArray(), config.vocabSize(), st.weights().toArray(), src, st.state());
                }
                float[] logp = CopyMixture.logDistribution(logits, st.switchLogits(), st.weights(), s.sourceIds(), s.extra());
                return new Decoding.Scored<>(logp, config.vocabSize() + s.extra(), st.weights().toArray(), src, st.state());
            }

            public State select(State s, int[] rows) {
                return s.select(rows);
            }

            public State reorderBeams(State s, int[] rows) {
                return s.reorderBeams(rows);
            }
        };
    }
}
