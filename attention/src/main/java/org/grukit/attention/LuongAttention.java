package org.grukit.attention;

import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Shape;
import org.grukit.core.Tensor;
import org.grukit.core.nn.Linear;
import org.grukit.core.nn.Module;

/**
 * Multiplicative attention (Luong, Pham and Manning 2015, section 3.1, eq. 8), with its three scores:
 * <ul>
 *   <li>dot: score(h_t, h_s) = h_t . h_s</li>
 *   <li>general: score = h_t^T W_a h_s ({@code w.weight}, [Dq, Dk]; computed as h_t . (W_a h_s) so the keys
 *       are projected once)</li>
 *   <li>concat: score = v_a^T tanh(W_a [h_t; h_s]) ({@code w.weight}, [A, Dq + Dk], and {@code v.weight}, [1, A];
 *       W_a [h_t; h_s] is computed as W_q h_t + W_k h_s with W_a = [W_q | W_k])</li>
 * </ul>
 * then a_t(s) = softmax_s(score) and c_t = sum_s a_t(s) h_s.
 */
public final class LuongAttention extends Module {
    /** The score function. */
    public enum Score { DOT, GENERAL, CONCAT }

    private final Score score;
    private final int queryDim, keyDim;
    private final Linear w, v;

    public LuongAttention(Score score, int queryDim, int keyDim, int attentionDim, Rng rng) {
        this.score = score;
        this.queryDim = queryDim;
        this.keyDim = keyDim;
        switch (score) {
            case DOT -> {
                if (queryDim != keyDim) {
                    throw new IllegalArgumentException("dot attention needs queryDim == keyDim, got " + queryDim + " and "
                            + keyDim);
                }
                w = null;
                v = null;
            }
            case GENERAL -> {
                w = registerModule("w", new Linear(keyDim, queryDim, false, rng));
                v = null;
            }
            default -> {
                w = registerModule("w", new Linear(queryDim + keyDim, attentionDim, false, rng));
                v = registerModule("v", new Linear(attentionDim, 1, false, rng));
            }
        }
    }

    public Score score() {
        return score;
    }

    /** The per-source-sentence part of the score, computed once: keys, W_a h_s, or W_k h_s. */
    public Tensor projectKeys(Tensor keys) {
        return switch (score) {
            case DOT -> keys;
            case GENERAL -> w.forward(keys);
            case CONCAT -> Ops.matmulTransposed(keys, Ops.narrow(w.weight(), 1, queryDim, keyDim));
        };
    }

    /** As {@link AdditiveAttention#forward}: query [B, Dq] or [B, T, Dq], keys [B, S, Dk]. */
    public Attended forward(Tensor query, Tensor keys, Tensor values, Tensor keyPaddingMask) {
        return attendProjected(query, projectKeys(keys), values == null ? keys : values, keyPaddingMask);
    }

    public Attended attendProjected(Tensor query, Tensor projectedKeys, Tensor values, Tensor keyPaddingMask) {
        boolean step = query.rank() == 2;
        Tensor q = step ? Ops.reshape(query, query.dim(0), 1, query.dim(1)) : query;
        int b = q.dim(0), t = q.dim(1), s = projectedKeys.dim(1);
        Shape.expect("query", q, b, t, queryDim);
        Shape.expect("values", values, b, s, -1);
        Tensor scores;
        if (score == Score.CONCAT) {
            int a = projectedKeys.dim(2);
            Tensor qp = Ops.reshape(Ops.matmulTransposed(q, Ops.narrow(w.weight(), 1, 0, queryDim)), b, t, 1, a);
            Tensor energy = Ops.tanh(Ops.add(qp, Ops.reshape(projectedKeys, b, 1, s, a)));
            scores = Ops.reshape(v.forward(energy), b, t, s);
        } else {
            scores = Ops.bmm(q, projectedKeys, true); // [B, T, S]
        }
        Tensor weights = Ops.softmax(Masks.maskKeys(scores, keyPaddingMask), -1);
        Tensor context = Ops.bmm(weights, values, false);
        return step ? new Attended(Ops.reshape(context, b, -1), Ops.reshape(weights, b, s)) : new Attended(context, weights);
    }
}
