package org.grukit.attention;

import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Shape;
import org.grukit.core.Tensor;
import org.grukit.core.nn.Init;
import org.grukit.core.nn.Linear;
import org.grukit.core.nn.Module;

/**
 * Scaled dot-product multi-head attention with torch.nn.MultiheadAttention's parameters and semantics:
 * the packed {@code in_proj_weight} [3E, E] and {@code in_proj_bias} [3E] (rows q | k | v), then
 * {@code out_proj.weight}/{@code .bias}; its initialisation (Xavier-uniform in_proj, zero biases);
 * batch-first or sequence-first layouts; a key padding mask [B, S] and an attention mask [L, S] or
 * [B * H, L, S], each either boolean ({@link BoolMask}: true = may not attend) or float (a {@link Tensor},
 * added to the scores), as PyTorch takes them; attention dropout in training; and the weights averaged over
 * heads or per head. Per head: softmax(q k^T / sqrt(E / H)) v.
 *
 * <p>A float mask of only 0s and 1s is refused: PyTorch would add it (1 raises a score, it does not mask), and
 * such a mask is nearly always a boolean one in float form; wrap it with {@link BoolMask#of(Tensor)}, or pass
 * it with {@link Options#withAttnBias} if adding is meant.
 */
public final class MultiheadAttention extends Module {
    /** Hyperparameters, named as torch.nn.MultiheadAttention's arguments. */
    public record Config(int embedDim, int numHeads, float dropout, boolean bias, boolean batchFirst) {
        public Config {
            if (embedDim <= 0) throw new IllegalArgumentException("embedDim must be > 0, got " + embedDim);
            if (numHeads <= 0) throw new IllegalArgumentException("numHeads must be > 0, got " + numHeads);
            if (embedDim % numHeads != 0) {
                throw new IllegalArgumentException("embedDim must be divisible by numHeads, got " + embedDim + " and "
                        + numHeads);
            }
            if (!(dropout >= 0f && dropout < 1f)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }

        /** PyTorch's defaults: no dropout, biases, sequence-first. */
        public static Config of(int embedDim, int numHeads) {
            return new Config(embedDim, numHeads, 0f, true, false);
        }

        public Config withBatchFirst(boolean b) {
            return new Config(embedDim, numHeads, dropout, bias, b);
        }

        public Config withDropout(float p) {
            return new Config(embedDim, numHeads, p, bias, batchFirst);
        }
    }

    /**
     * Optional arguments of {@link #forward}: masks, and which weights to return. Each mask is boolean or float
     * (added), as PyTorch's {@code key_padding_mask} and {@code attn_mask}; {@code attnBias} is a float
     * attention mask taken as it is, with no check that it is not a boolean one in float form.
     */
    public record Options(BoolMask keyPaddingMask, Tensor keyPaddingFloatMask, BoolMask attnMask, Tensor attnFloatMask,
                          Tensor attnBias, boolean needWeights, boolean averageWeights) {
        public static Options defaults() {
            return new Options(null, null, null, null, null, true, true);
        }

        /** A boolean key padding mask [B, S]: true where a key is padding. Replaces a float one. */
        public Options withKeyPaddingMask(BoolMask m) {
            return new Options(m, null, attnMask, attnFloatMask, attnBias, needWeights, averageWeights);
        }

        /** A float key padding mask [B, S], added to every query's scores for those keys (-inf masks). */
        public Options withKeyPaddingMask(Tensor m) {
            return new Options(null, checkFloatMask("keyPaddingMask", m), attnMask, attnFloatMask, attnBias, needWeights,
                    averageWeights);
        }

        /** A boolean attention mask [L, S] or [B * H, L, S]: true where a query may not attend. Replaces a float one. */
        public Options withAttnMask(BoolMask m) {
            return new Options(keyPaddingMask, keyPaddingFloatMask, m, null, attnBias, needWeights, averageWeights);
        }

        /** A float attention mask [L, S] or [B * H, L, S], added to the scores (-inf masks). */
        public Options withAttnMask(Tensor m) {
            return new Options(keyPaddingMask, keyPaddingFloatMask, null, checkFloatMask("attnMask", m), attnBias,
                    needWeights, averageWeights);
        }

        /** A float [L, S] or [B * H, L, S] added to the scores as it is, beside any attention mask. */
        public Options withAttnBias(Tensor m) {
            return new Options(keyPaddingMask, keyPaddingFloatMask, attnMask, attnFloatMask, m, needWeights,
                    averageWeights);
        }

        public Options withWeights(boolean need, boolean average) {
            return new Options(keyPaddingMask, keyPaddingFloatMask, attnMask, attnFloatMask, attnBias, need, average);
        }

        /** A float mask, unless it holds only 0s and 1s with a 1: that is a boolean mask in float form. */
        private static Tensor checkFloatMask(String what, Tensor m) {
            if (m == null) return null;
            boolean zeroOne = true, anyOne = false;
            float[] d = m.array();
            for (int i = 0; i < m.numel() && zeroOne; i++) {
                float v = d[m.offset() + i];
                zeroOne = v == 0f || v == 1f;
                anyOne |= v == 1f;
            }
            if (zeroOne && anyOne) {
                throw new IllegalArgumentException("ambiguous " + what + ": a float tensor of only 0 and 1. PyTorch adds a"
                        + " float mask to the scores (1 adds 1, it does not mask); for a boolean mask (1 = may not attend)"
                        + " pass BoolMask.of(mask), for adding use withAttnBias or 0/-inf values");
            }
            return m;
        }
    }

    private final Config config;
    private final Tensor inProjWeight, inProjBias;
    private final Linear outProj;
    private final Rng dropoutRng;

    public MultiheadAttention(Config config, Rng rng) {
        this.config = config;
        int e = config.embedDim();
        inProjWeight = registerParameter("in_proj_weight", Tensor.zeros(3 * e, e));
        inProjBias = config.bias() ? registerParameter("in_proj_bias", Tensor.zeros(3 * e)) : null;
        outProj = registerModule("out_proj", new Linear(e, e, config.bias(), rng));
        // torch's _reset_parameters: xavier_uniform_ over the whole [3E, E] matrix, zero biases.
        Init.xavierUniform(inProjWeight, rng, 1.0);
        if (config.bias()) outProj.bias().fill(0f);
        dropoutRng = registerRandomStream("dropout", rng.split());
    }

    public Config config() {
        return config;
    }

    public Attended forward(Tensor query, Tensor key, Tensor value) {
        return forward(query, key, value, Options.defaults());
    }

    /**
     * @param query [B, L, E] when batch-first, else [L, B, E]; key and value [B, S, E] / [S, B, E]
     * @return the output in the query's layout, and the weights [B, L, S] (averaged) or [B, H, L, S], or null
     */
    public Attended forward(Tensor query, Tensor key, Tensor value, Options opt) {
        int e = config.embedDim(), heads = config.numHeads(), hd = e / heads;
        Tensor q = config.batchFirst() ? query : Ops.transpose(query, 0, 1);
        Tensor k = config.batchFirst() ? key : Ops.transpose(key, 0, 1);
        Tensor v = config.batchFirst() ? value : Ops.transpose(value, 0, 1);
        String layout = config.batchFirst() ? "[B, *, " : "[*, B, ";
        if (q.rank() != 3 || q.dim(2) != e) {
            throw new IllegalArgumentException("expected query of shape " + layout + e + "], got " + Shape.str(query.shape()));
        }
        int b = q.dim(0), l = q.dim(1), s = k.dim(1);
        Shape.expect("key", k, b, s, e);
        Shape.expect("value", v, b, s, e);

        Tensor qp = project(q, 0), kp = project(k, 1), vp = project(v, 2);
        // [B, L, E] -> [B * H, L, hd], scaled by 1/sqrt(hd) as PyTorch does before the product.
        Tensor qh = Ops.mulScalar(heads(qp, b, l, heads, hd), (float) (1.0 / Math.sqrt(hd)));
        Tensor kh = heads(kp, b, s, heads, hd), vh = heads(vp, b, s, heads, hd);
        Tensor scores = Ops.reshape(Ops.bmm(qh, kh, true), b, heads, l, s);
        if (opt.attnBias() != null) scores = Ops.add(scores, headShaped("attention bias", opt.attnBias(), b, heads, l, s));
        if (opt.attnFloatMask() != null) {
            scores = Ops.add(scores, headShaped("attention mask", opt.attnFloatMask(), b, heads, l, s));
        }
        if (opt.attnMask() != null) {
            scores = Ops.maskedFill(scores, headShaped("attention mask", opt.attnMask().values(), b, heads, l, s),
                    Float.NEGATIVE_INFINITY);
        }
        if (opt.keyPaddingFloatMask() != null) {
            Shape.expect("key padding mask", opt.keyPaddingFloatMask(), b, s);
            scores = Ops.add(scores, Ops.reshape(opt.keyPaddingFloatMask(), b, 1, 1, s));
        }
        if (opt.keyPaddingMask() != null) scores = Masks.maskKeys(scores, opt.keyPaddingMask().values());
        Tensor weights = Ops.softmax(scores, -1); // [B, H, L, S]
        Tensor attn = isTraining() && config.dropout() > 0f ? Ops.dropout(weights, config.dropout(), dropoutRng) : weights;
        Tensor ctx = Ops.bmm(Ops.reshape(attn, b * heads, l, s), vh, false); // [B * H, L, hd]
        Tensor merged = Ops.reshape(Ops.permute(Ops.reshape(ctx, b, heads, l, hd), 0, 2, 1, 3), b, l, e);
        Tensor out = outProj.forward(merged);
        if (!config.batchFirst()) out = Ops.transpose(out, 0, 1);
        Tensor w = !opt.needWeights() ? null : opt.averageWeights() ? Ops.mean(weights, 1, false) : weights;
        return new Attended(out, w);
    }

    /** x W_i^T + b_i with the i-th [E, E] block (q, k or v) of the packed projection. */
    private Tensor project(Tensor x, int i) {
        int e = config.embedDim();
        Tensor w = Ops.narrow(inProjWeight, 0, i * e, e);
        Tensor bias = inProjBias == null ? null : Ops.narrow(inProjBias, 0, i * e, e);
        return Ops.linear(x, w, bias);
    }

    private static Tensor heads(Tensor x, int b, int n, int heads, int hd) {
        return Ops.reshape(Ops.permute(Ops.reshape(x, b, n, heads, hd), 0, 2, 1, 3), b * heads, n, hd);
    }

    /** A mask or bias of shape [L, S] or [B * H, L, S] as a broadcastable [1 or B, 1 or H, L, S]. */
    private static Tensor headShaped(String what, Tensor m, int b, int heads, int l, int s) {
        if (m.rank() == 2) {
            Shape.expect(what, m, l, s);
            return Ops.reshape(m, 1, 1, l, s);
        }
        Shape.expect(what, m, b * heads, l, s);
        return Ops.reshape(m, b, heads, l, s);
    }
}
