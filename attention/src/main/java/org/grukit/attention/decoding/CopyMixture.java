package org.grukit.attention.decoding;

import org.grukit.core.Autograd;
import org.grukit.core.Shape;
import org.grukit.core.Tensor;
import org.grukit.core.kernel.Parallel;

/**
 * The pointer-generator output distribution (See, Liu and Manning 2017, eq. 9) over an extended vocabulary:
 * P(w) = g P_vocab(w) + (1 - g) sum_{i : x_i = w} a_i, with g = sigmoid(z) the generation switch, P_vocab =
 * softmax(logits) over the fixed vocabulary [0, V), a the attention weights over the source and x the source
 * tokens' extended ids: an id at or above V is a source word outside the vocabulary (the k-th such word of its
 * document is V + k), so it can be copied though it cannot be generated. A negative source id (padding) is
 * never copied.
 *
 * <p>{@link #nll} is the training loss per row, with its gradient into the logits, the switch and the
 * attention weights (so into everything beneath them); it never forms the [N, V + extra] distribution.
 * {@link #logDistribution} forms it, without gradients, for decoding. The probability is floored at
 * {@value #FLOOR} before the log, as a target that is neither in the vocabulary nor in the source would
 * otherwise cost infinity; at the floor no gradient flows.
 */
public final class CopyMixture {
    /** The least probability the log is taken of. */
    public static final double FLOOR = 1e-12;

    private CopyMixture() {}

    /**
     * -log P(y_r) for each row r.
     *
     * @param logits       [N, V], the generator's scores over the fixed vocabulary
     * @param switchLogits [N] or [N, 1], z with g = sigmoid(z) the probability of generating
     * @param weights      [N, S], attention over the source (rows sum to 1)
     * @param sourceIds    N * S extended ids of the source tokens each row attends over (negative: padding)
     * @param targets      N extended ids
     * @return [N]
     */
    public static Tensor nll(Tensor logits, Tensor switchLogits, Tensor weights, int[] sourceIds, int[] targets) {
        int n = logits.dim(0), v = logits.dim(1), s = weights.dim(1);
        check(logits, switchLogits, weights, sourceIds);
        if (targets.length != n) throw new IllegalArgumentException("expected " + n + " targets, got " + targets.length);
        for (int r = 0; r < n; r++) {
            if (targets[r] < 0) throw new IllegalArgumentException("target " + targets[r] + " at row " + r + " is not an extended id (>= 0)");
        }
        float[] la = logits.array(), za = switchLogits.array(), wa = weights.array();
        int lo = logits.offset(), zo = switchLogits.offset(), wo = weights.offset();
        float[] out = new float[n];
        // Per row: P_vocab(y) (0 for an extended id), the copy mass at y, g, and the floored P: what backward needs.
        double[] pv = new double[n], copy = new double[n], gate = new double[n], prob = new double[n];
        double[] logZ = new double[n];
        int parts = (long) n * v < (1L << 15) ? 1 : Math.min(Parallel.threads(), n);
        Parallel.forEach(parts, part -> {
            for (int r = Parallel.start(n, parts, part), end = Parallel.start(n, parts, part + 1); r < end; r++) {
                int row = lo + r * v;
                logZ[r] = logSumExp(la, row, v);
                int y = targets[r];
                pv[r] = y < v ? Math.exp(la[row + y] - logZ[r]) : 0;
                double c = 0;
                for (int i = 0; i < s; i++) if (sourceIds[r * s + i] == y) c += wa[wo + r * s + i];
                copy[r] = c;
                gate[r] = 1 / (1 + Math.exp(-za[zo + r]));
                prob[r] = gate[r] * pv[r] + (1 - gate[r]) * c;
                out[r] = (float) -Math.log(Math.max(prob[r], FLOOR));
            }
        });
        Tensor result = Tensor.of(out, n);
        if (!Autograd.needsGrad(logits, switchLogits, weights)) return result;
        return Autograd.record("copy_mixture_nll", result, () -> {
            float[] gOut = Autograd.grad(result);
            int gOutOff = Autograd.gradOffset(result);
            boolean wantL = Autograd.wants(logits), wantZ = Autograd.wants(switchLogits), wantW = Autograd.wants(weights);
            float[] gl = wantL ? Autograd.grad(logits) : null, gz = wantZ ? Autograd.grad(switchLogits) : null;
            float[] gw = wantW ? Autograd.grad(weights) : null;
            int glo = wantL ? Autograd.gradOffset(logits) : 0, gzo = wantZ ? Autograd.gradOffset(switchLogits) : 0;
            int gwo = wantW ? Autograd.gradOffset(weights) : 0;
            Parallel.forEach(parts, part -> {
                for (int r = Parallel.start(n, parts, part), end = Parallel.start(n, parts, part + 1); r < end; r++) {
                    if (prob[r] < FLOOR) continue;
                    double scale = gOut[gOutOff + r] / prob[r]; // d(-log P) = -dP / P
                    int y = targets[r];
                    if (wantL && y < v) {
                        // dP/dlogit_k = g P_vocab(y) ([k = y] - p_k)
                        double coef = scale * gate[r] * pv[r];
                        int row = lo + r * v, gRow = glo + r * v;
                        for (int k = 0; k < v; k++) gl[gRow + k] += (float) (coef * Math.exp(la[row + k] - logZ[r]));
                        gl[gRow + y] -= (float) coef;
                    }
                    if (wantZ) gz[gzo + r] -= (float) (scale * (pv[r] - copy[r]) * gate[r] * (1 - gate[r]));
                    if (wantW) {
                        float coef = (float) (scale * (1 - gate[r]));
                        for (int i = 0; i < s; i++) if (sourceIds[r * s + i] == y) gw[gwo + r * s + i] -= coef;
                    }
                }
            });
        }, logits, switchLogits, weights);
    }

    /**
     * log P(w) over the extended vocabulary, [N, V + extra] row-major, without gradients: for decoding. An
     * extended id no source position holds gets log 0 = -infinity.
     */
    public static float[] logDistribution(Tensor logits, Tensor switchLogits, Tensor weights, int[] sourceIds, int extra) {
        int n = logits.dim(0), v = logits.dim(1), s = weights.dim(1), width = v + extra;
        check(logits, switchLogits, weights, sourceIds);
        if (extra < 0) throw new IllegalArgumentException("extra must be >= 0, got " + extra);
        float[] la = logits.array(), za = switchLogits.array(), wa = weights.array();
        int lo = logits.offset(), zo = switchLogits.offset(), wo = weights.offset();
        float[] out = new float[n * width];
        int parts = (long) n * v < (1L << 15) ? 1 : Math.min(Parallel.threads(), n);
        Parallel.forEach(parts, part -> {
            double[] p = new double[width];
            for (int r = Parallel.start(n, parts, part), end = Parallel.start(n, parts, part + 1); r < end; r++) {
                int row = lo + r * v;
                double logZ = logSumExp(la, row, v);
                double g = 1 / (1 + Math.exp(-za[zo + r]));
                java.util.Arrays.fill(p, 0);
                for (int k = 0; k < v; k++) p[k] = g * Math.exp(la[row + k] - logZ);
                for (int i = 0; i < s; i++) {
                    int id = sourceIds[r * s + i];
                    if (id < 0) continue;
                    if (id >= width) throw new IllegalArgumentException("source id " + id + " at row " + r + " is outside the extended vocabulary of " + width);
                    p[id] += (1 - g) * wa[wo + r * s + i];
                }
                for (int k = 0; k < width; k++) out[r * width + k] = (float) Math.log(p[k]);
            }
        });
        return out;
    }

    /** log sum_k exp(x[off + k]) over n values, shifted by their maximum. */
    private static double logSumExp(float[] x, int off, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) max = Math.max(max, x[off + k]);
        double sum = 0;
        for (int k = 0; k < n; k++) sum += Math.exp(x[off + k] - max);
        return max + Math.log(sum);
    }

    private static void check(Tensor logits, Tensor switchLogits, Tensor weights, int[] sourceIds) {
        if (logits.rank() != 2) throw new IllegalArgumentException("expected logits [N, V], got " + Shape.str(logits.shape()));
        int n = logits.dim(0);
        if (switchLogits.numel() != n || switchLogits.dim(0) != n) {
            throw new IllegalArgumentException("expected switch logits [" + n + "] or [" + n + ", 1], got " + Shape.str(switchLogits.shape()));
        }
        Shape.expect("attention weights", weights, n, -1);
        if (sourceIds.length != n * weights.dim(1)) {
            throw new IllegalArgumentException("expected " + n + " x " + weights.dim(1) + " source ids, got " + sourceIds.length);
        }
    }
}
