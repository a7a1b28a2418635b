package org.grukit.attention;

import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Shape;
import org.grukit.core.Tensor;
import org.grukit.core.nn.Init;
import org.grukit.core.nn.Linear;
import org.grukit.core.nn.Module;

/**
 * Attention pooling of a sequence into a fixed vector for classification: u_t = tanh(W h_t + b),
 * alpha_t = softmax_t(u_t . u_w), s = sum_t alpha_t h_t (Yang et al. 2016, hierarchical attention networks,
 * eq. 5-7, with the learned context vector {@code context} = u_w). With {@code hops} r > 1 there are r
 * context vectors, giving r weightings whose pooled vectors are concatenated: the self-attentive sentence
 * embedding of Lin et al. 2017 (A = softmax(W_s2 tanh(W_s1 H^T)), M = A H), with
 * {@link #redundancyPenalty} its ||A A^T - I||_F^2 term.
 */
public final class AttentionPooling extends Module {
    private final Linear proj;
    private final Tensor context; // [r, A]
    private final int hops;

    public AttentionPooling(int inputDim, int attentionDim, int hops, Rng rng) {
        if (hops <= 0) throw new IllegalArgumentException("hops must be > 0, got " + hops);
        this.hops = hops;
        proj = registerModule("proj", new Linear(inputDim, attentionDim, true, rng));
        context = registerParameter("context", Tensor.zeros(hops, attentionDim));
        Init.uniform(context, rng, 1.0 / Math.sqrt(attentionDim));
    }

    public AttentionPooling(int inputDim, int attentionDim, Rng rng) {
        this(inputDim, attentionDim, 1, rng);
    }

    /**
     * @param h              [B, T, D], e.g. a GRU's outputs (batch-first)
     * @param keyPaddingMask [B, T], 1 at padding; or null
     * @return context [B, D] (or [B, r * D]) and weights [B, T] (or [B, r, T])
     */
    public Attended forward(Tensor h, Tensor keyPaddingMask) {
        if (h.rank() != 3) throw new IllegalArgumentException("expected input of shape [B, T, D], got " + Shape.str(h.shape()));
        int b = h.dim(0), t = h.dim(1), d = h.dim(2);
        Tensor u = Ops.tanh(proj.forward(h)); // [B, T, A]
        Tensor scores = Ops.transpose(Ops.matmulTransposed(u, context), 1, 2); // [B, r, T]
        Tensor weights = Ops.softmax(Masks.maskKeys(scores, keyPaddingMask), -1);
        Tensor pooled = Ops.bmm(weights, h, false); // [B, r, D]
        if (hops == 1) return new Attended(Ops.reshape(pooled, b, d), Ops.reshape(weights, b, t));
        return new Attended(Ops.reshape(pooled, b, hops * d), weights);
    }

    /** ||A A^T - I||_F^2 averaged over the batch, for weights A [B, r, T] (Lin et al. 2017, eq. 8). */
    public static Tensor redundancyPenalty(Tensor weights) {
        int b = weights.dim(0), r = weights.dim(1);
        Tensor aat = Ops.bmm(weights, weights, true); // [B, r, r]
        Tensor eye = Tensor.zeros(r, r);
        for (int i = 0; i < r; i++) eye.set(1f, i, i);
        Tensor diff = Ops.sub(aat, eye);
        return Ops.mulScalar(Ops.sum(Ops.mul(diff, diff)), 1f / b);
    }
}
