package org.grukit.attention;

import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Shape;
import org.grukit.core.Tensor;
import org.grukit.core.nn.Linear;
import org.grukit.core.nn.Module;

/**
 * Additive attention (Bahdanau, Cho and Bengio 2015, eq. 6 and appendix A.1.2):
 * e_ij = v^T tanh(W q_i + U k_j + b), alpha_ij = softmax_j(e_ij), c_i = sum_j alpha_ij v_j.
 * Parameters: {@code query_proj.weight} (W, [A, Dq]), {@code key_proj.weight}/{@code .bias} (U and b,
 * [A, Dk]) and {@code v.weight} ([1, A]). Keys can be projected once with {@link #projectKeys} and reused
 * at every decoding step.
 *
 * <p>With coverage (Tu et al. 2016; See, Liu and Manning 2017, eq. 11) the score also sees the attention
 * paid so far to each key, c_j = sum of the past steps' alpha_j: e_ij = v^T tanh(W q_i + U k_j + w_c c_j + b),
 * with {@code coverage_proj.weight} (w_c, [A, 1]); a decoder then avoids attending to the same source again.
 */
public final class AdditiveAttention extends Module {
    private final Linear queryProj, keyProj, v, coverageProj;

    public AdditiveAttention(int queryDim, int keyDim, int attentionDim, Rng rng) {
        this(queryDim, keyDim, attentionDim, false, rng);
    }

    /** With {@code coverage}, the scores take the coverage vector ({@link #attendProjected(Tensor, Tensor, Tensor, Tensor, Tensor)}). */
    public AdditiveAttention(int queryDim, int keyDim, int attentionDim, boolean coverage, Rng rng) {
        queryProj = registerModule("query_proj", new Linear(queryDim, attentionDim, false, rng));
        keyProj = registerModule("key_proj", new Linear(keyDim, attentionDim, true, rng));
        v = registerModule("v", new Linear(attentionDim, 1, false, rng));
        coverageProj = coverage ? registerModule("coverage_proj", new Linear(1, attentionDim, false, rng)) : null;
    }

    /** U k + b for keys [B, S, Dk]: [B, S, A]. */
    public Tensor projectKeys(Tensor keys) {
        return keyProj.forward(keys);
    }

    /**
     * @param query          [B, Dq] (one step) or [B, T, Dq]
     * @param keys           [B, S, Dk]
     * @param values         [B, S, Dv]; null means the keys
     * @param keyPaddingMask [B, S], 1 at padding; or null
     * @return context [B, Dv] or [B, T, Dv]; weights [B, S] or [B, T, S]
     */
    public Attended forward(Tensor query, Tensor keys, Tensor values, Tensor keyPaddingMask) {
        return attendProjected(query, projectKeys(keys), values == null ? keys : values, keyPaddingMask);
    }

    /** As {@link #forward}, with keys already projected by {@link #projectKeys}. */
    public Attended attendProjected(Tensor query, Tensor projectedKeys, Tensor values, Tensor keyPaddingMask) {
        return attendProjected(query, projectedKeys, values, keyPaddingMask, null);
    }

    /**
     * As {@link #attendProjected(Tensor, Tensor, Tensor, Tensor)}, one step with coverage: {@code coverage} [B, S]
     * is the sum of the past steps' weights (zeros at the first step). Needs a module built with coverage.
     */
    public Attended attendProjected(Tensor query, Tensor projectedKeys, Tensor values, Tensor keyPaddingMask, Tensor coverage) {
        if (coverage != null && coverageProj == null) throw new IllegalStateException("this attention was built without coverage");
        if (coverage == null && coverageProj != null) throw new IllegalArgumentException("this attention needs the coverage vector");
        if (coverage != null && query.rank() != 2) throw new IllegalArgumentException("coverage is for one step: expected a query [B, Dq]");
        boolean step = query.rank() == 2;
        Tensor q = step ? Ops.reshape(query, query.dim(0), 1, query.dim(1)) : query;
        int b = q.dim(0), t = q.dim(1), s = projectedKeys.dim(1), a = projectedKeys.dim(2);
        Shape.expect("projected keys", projectedKeys, b, -1, a);
        Shape.expect("values", values, b, s, -1);
        Tensor qp = Ops.reshape(queryProj.forward(q), b, t, 1, a);
        Tensor kp = Ops.reshape(projectedKeys, b, 1, s, a);
        if (coverage != null) {
            Shape.expect("coverage", coverage, b, s);
            kp = Ops.add(kp, Ops.reshape(coverageProj.forward(Ops.reshape(coverage, b, s, 1)), b, 1, s, a));
        }
        Tensor energy = Ops.tanh(Ops.add(qp, kp)); // [B, T, S, A]
        Tensor scores = Ops.reshape(v.forward(energy), b, t, s);
        Tensor weights = Ops.softmax(Masks.maskKeys(scores, keyPaddingMask), -1);
        Tensor context = Ops.bmm(weights, values, false); // [B, T, Dv]
        return step ? new Attended(Ops.reshape(context, b, -1), Ops.reshape(weights, b, s)) : new Attended(context, weights);
    }
}
