package org.grukit.core.nn;

import org.grukit.core.Autograd;
import org.grukit.core.Ops;
import org.grukit.core.Shape;
import org.grukit.core.Tensor;
import org.grukit.core.kernel.Parallel;
import org.grukit.core.kernel.Softmax;

/**
 * Fused losses with PyTorch's formulas and reductions: cross-entropy (class weights, ignore index,
 * label smoothing), binary cross-entropy with logits (pos_weight), and mean squared error. Each is one
 * autograd node with an analytic backward.
 */
public final class Losses {
    private Losses() {}

    /** PyTorch's default ignore_index. */
    public static final int IGNORE_INDEX = -100;

    /** The options of {@link #crossEntropy}; {@code weight} may be null. */
    public record CrossEntropyOptions(float[] weight, int ignoreIndex, float labelSmoothing, Reduction reduction) {
        public CrossEntropyOptions {
            if (!(labelSmoothing >= 0f && labelSmoothing <= 1f)) {
                throw new IllegalArgumentException("labelSmoothing must be in [0, 1], got " + labelSmoothing);
            }
            if (reduction == null) throw new IllegalArgumentException("reduction must not be null");
            weight = weight == null ? null : weight.clone();
        }

        public static CrossEntropyOptions defaults() {
            return new CrossEntropyOptions(null, IGNORE_INDEX, 0f, Reduction.MEAN);
        }

        public CrossEntropyOptions withWeight(float[] w) {
            return new CrossEntropyOptions(w, ignoreIndex, labelSmoothing, reduction);
        }

        public CrossEntropyOptions withIgnoreIndex(int i) {
            return new CrossEntropyOptions(weight, i, labelSmoothing, reduction);
        }

        public CrossEntropyOptions withLabelSmoothing(float s) {
            return new CrossEntropyOptions(weight, ignoreIndex, s, reduction);
        }

        public CrossEntropyOptions withReduction(Reduction r) {
            return new CrossEntropyOptions(weight, ignoreIndex, labelSmoothing, r);
        }
    }

    public static Tensor crossEntropy(Tensor logits, int[] targets) {
        return crossEntropy(logits, targets, CrossEntropyOptions.defaults());
    }

    /**
     * torch.nn.functional.cross_entropy for logits [N, C] and class targets [N]. With reduction MEAN the
     * sum is divided by the total weight of the non-ignored targets (NaN when every target is ignored,
     * as in PyTorch).
     */
    public static Tensor crossEntropy(Tensor logits, int[] targets, CrossEntropyOptions opt) {
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("expected logits of shape [N, C], got " + Shape.str(logits.shape()));
        }
        final int n = logits.dim(0), c = logits.dim(1);
        if (targets.length != n) {
            throw new IllegalArgumentException("expected " + n + " targets for logits " + Shape.str(logits.shape())
                    + ", got " + targets.length);
        }
        final float[] w = opt.weight();
        if (w != null && w.length != c) {
            throw new IllegalArgumentException("expected a class weight per class (" + c + "), got " + w.length);
        }
        for (int i = 0; i < n; i++) {
            if (targets[i] != opt.ignoreIndex() && (targets[i] < 0 || targets[i] >= c)) {
                throw new IndexOutOfBoundsException("target " + targets[i] + " at position " + i + " is not a class in [0, "
                        + c + ") nor the ignore index " + opt.ignoreIndex());
            }
        }
        final float eps = opt.labelSmoothing();
        final float[] logp = new float[n * c];
        final int parts = rowParts(n, c);
        Parallel.forEach(parts, part -> {
            int r0 = Parallel.start(n, parts, part), r1 = Parallel.start(n, parts, part + 1);
            Softmax.logSoftmax(logp, r0 * c, logits.array(), logits.offset() + r0 * c, r1 - r0, c);
        });
        double wSum = 0;
        if (w != null) for (float v : w) wSum += v;
        else wSum = c;
        final float[] perSample = new float[n];
        Parallel.forEach(parts, part -> {
            for (int i = Parallel.start(n, parts, part), end = Parallel.start(n, parts, part + 1); i < end; i++) {
                int y = targets[i];
                if (y == opt.ignoreIndex()) continue;
                float wy = w == null ? 1f : w[y];
                double nll = -wy * logp[i * c + y];
                double smooth = 0;
                if (eps > 0f) {
                    for (int k = 0; k < c; k++) smooth -= (w == null ? 1f : w[k]) * logp[i * c + k];
                }
                perSample[i] = (float) ((1 - eps) * nll + eps / c * smooth);
            }
        });
        double denom = 0;
        for (int i = 0; i < n; i++) {
            if (targets[i] != opt.ignoreIndex()) denom += w == null ? 1f : w[targets[i]];
        }
        Tensor out;
        final double scale;
        if (opt.reduction() == Reduction.NONE) {
            out = Tensor.of(perSample, n);
            scale = 1;
        } else {
            double total = 0;
            for (float v : perSample) total += v;
            scale = opt.reduction() == Reduction.MEAN ? 1.0 / denom : 1.0;
            out = Tensor.scalar((float) (total * scale));
        }
        if (!Autograd.needsGrad(logits)) return out;
        final double weightTotal = wSum;
        final Tensor result = out;
        return Autograd.record("cross_entropy", out, () -> {
            float[] g = Autograd.grad(logits);
            int go = Autograd.gradOffset(logits);
            float[] gout = Autograd.grad(result);
            int goo = Autograd.gradOffset(result);
            // d/dlogit_k = gi ((1 - eps) wy (p_k - [k = y]) + eps / C (p_k W - w_k)), W the total class weight:
            // per row, a coefficient of p_k and a weight term, then a correction at the target.
            Parallel.forEach(parts, part -> {
                for (int i = Parallel.start(n, parts, part), end = Parallel.start(n, parts, part + 1); i < end; i++) {
                    int y = targets[i];
                    if (y == opt.ignoreIndex()) continue;
                    double gi = (opt.reduction() == Reduction.NONE ? gout[goo + i] : gout[goo]) * scale;
                    float wy = w == null ? 1f : w[y];
                    float pCoef = (float) (gi * ((1 - eps) * wy + eps / c * weightTotal));
                    float wCoef = (float) (gi * eps / c);
                    int row = i * c, gRow = go + i * c;
                    if (w == null) {
                        for (int k = 0; k < c; k++) g[gRow + k] += pCoef * (float) Math.exp(logp[row + k]) - wCoef;
                    } else {
                        for (int k = 0; k < c; k++) g[gRow + k] += pCoef * (float) Math.exp(logp[row + k]) - wCoef * w[k];
                    }
                    g[gRow + y] -= (float) (gi * (1 - eps) * wy);
                }
            });
        }, logits);
    }

    /** Row blocks for the loss over [n, c] logits: one per thread once the work is worth a fork. */
    private static int rowParts(int n, int c) {
        return (long) n * c < (1L << 15) ? 1 : Math.min(Parallel.threads(), n);
    }

    /**
     * torch.nn.functional.binary_cross_entropy_with_logits: targets in [0, 1] of the logits' shape;
     * {@code posWeight} (null for none) has the size of the last dimension.
     */
    public static Tensor bceWithLogits(Tensor logits, Tensor targets, Tensor posWeight, Reduction reduction) {
        if (!java.util.Arrays.equals(logits.shape(), targets.shape())) {
            throw new IllegalArgumentException("expected targets of the logits' shape " + Shape.str(logits.shape())
                    + ", got " + Shape.str(targets.shape()));
        }
        final int n = logits.numel();
        final int last = logits.rank() == 0 ? 1 : logits.dim(-1);
        if (posWeight != null) Shape.expect("pos_weight", posWeight, last);
        final float[] x = logits.array(), y = targets.array();
        final int xo = logits.offset(), yo = targets.offset();
        final float[] per = new float[n];
        for (int i = 0; i < n; i++) {
            float xi = x[xo + i], yi = y[yo + i];
            float lw = posWeight == null ? 1f : 1f + (posWeight.array()[posWeight.offset() + i % last] - 1f) * yi;
            per[i] = (float) ((1 - yi) * xi + lw * (Math.log1p(Math.exp(-Math.abs(xi))) + Math.max(-xi, 0f)));
        }
        Tensor out = reduce(per, logits.shape(), reduction);
        if (!Autograd.needsGrad(logits)) return out;
        final double scale = reduction == Reduction.MEAN ? 1.0 / n : 1.0;
        return Autograd.record("bce_with_logits", out, () -> {
            float[] g = Autograd.grad(logits);
            int go = Autograd.gradOffset(logits);
            float[] gout = Autograd.grad(out);
            int goo = Autograd.gradOffset(out);
            for (int i = 0; i < n; i++) {
                float xi = x[xo + i], yi = y[yo + i];
                float lw = posWeight == null ? 1f : 1f + (posWeight.array()[posWeight.offset() + i % last] - 1f) * yi;
                double sigNeg = 1.0 / (1.0 + Math.exp(xi)); // sigmoid(-x)
                double d = (1 - yi) - lw * sigNeg;
                double gi = reduction == Reduction.NONE ? gout[goo + i] : gout[goo] * scale;
                g[go + i] += (float) (gi * d);
            }
        }, logits);
    }

    /** torch.nn.functional.l1_loss (mean absolute error), composed of differentiable ops. */
    public static Tensor l1(Tensor input, Tensor target, Reduction reduction) {
        if (!java.util.Arrays.equals(input.shape(), target.shape())) {
            throw new IllegalArgumentException("expected target of the input's shape " + Shape.str(input.shape()) + ", got " + Shape.str(target.shape()));
        }
        return reduceTensor(Ops.abs(Ops.sub(input, target)), reduction);
    }

    /**
     * The pinball (quantile) loss of Koenker and Bassett (1978), as quantile regression forecasters use it:
     * for predictions {@code input} [..., Q] of the quantiles {@code quantiles} (Q of them) and {@code target} [...],
     * max(q e, (q - 1) e) with e = target - prediction, per element, reduced over all of them.
     */
    public static Tensor pinball(Tensor input, Tensor target, double[] quantiles, Reduction reduction) {
        int q = quantiles.length;
        int[] shape = input.shape();
        if (q == 0 || shape[shape.length - 1] != q) {
            throw new IllegalArgumentException("expected predictions [..., " + q + "] for " + q + " quantiles, got " + Shape.str(shape));
        }
        int[] tShape = java.util.Arrays.copyOf(shape, shape.length);
        tShape[tShape.length - 1] = 1;
        if (target.numel() * q != input.numel()) {
            throw new IllegalArgumentException("expected a target of shape " + Shape.str(java.util.Arrays.copyOf(shape, shape.length - 1)) + ", got "
                    + Shape.str(target.shape()));
        }
        float[] qs = new float[q];
        for (int i = 0; i < q; i++) {
            if (!(quantiles[i] > 0 && quantiles[i] < 1)) throw new IllegalArgumentException("quantiles must be in (0, 1), got " + quantiles[i]);
            qs[i] = (float) quantiles[i];
        }
        Tensor e = Ops.sub(Ops.reshape(target, tShape), input); // broadcast over the quantiles
        // max(q e, (q - 1) e) = q e + max(0, -e)
        return reduceTensor(Ops.add(Ops.mul(e, Tensor.of(qs, q)), Ops.relu(Ops.neg(e))), reduction);
    }

    private static Tensor reduceTensor(Tensor per, Reduction reduction) {
        return switch (reduction) {
            case NONE -> per;
            case SUM -> Ops.sum(per);
            case MEAN -> Ops.mean(per);
        };
    }

    /** torch.nn.functional.mse_loss; the target gets a gradient too when it requires one. */
    public static Tensor mse(Tensor input, Tensor target, Reduction reduction) {
        if (!java.util.Arrays.equals(input.shape(), target.shape())) {
            throw new IllegalArgumentException("expected target of the input's shape " + Shape.str(input.shape())
                    + ", got " + Shape.str(target.shape()));
        }
        final int n = input.numel();
        final float[] a = input.array(), b = target.array();
        final int ao = input.offset(), bo = target.offset();
        final float[] per = new float[n];
        for (int i = 0; i < n; i++) {
            float d = a[ao + i] - b[bo + i];
            per[i] = d * d;
        }
        Tensor out = reduce(per, input.shape(), reduction);
        if (!Autograd.needsGrad(input, target)) return out;
        final double scale = reduction == Reduction.MEAN ? 1.0 / n : 1.0;
        return Autograd.record("mse", out, () -> {
            float[] gout = Autograd.grad(out);
            int goo = Autograd.gradOffset(out);
            for (int i = 0; i < n; i++) {
                double gi = (reduction == Reduction.NONE ? gout[goo + i] : gout[goo] * scale) * 2 * (a[ao + i] - b[bo + i]);
                if (Autograd.wants(input)) Autograd.grad(input)[Autograd.gradOffset(input) + i] += (float) gi;
                if (Autograd.wants(target)) Autograd.grad(target)[Autograd.gradOffset(target) + i] -= (float) gi;
            }
        }, input, target);
    }

    private static Tensor reduce(float[] per, int[] shape, Reduction reduction) {
        if (reduction == Reduction.NONE) return Tensor.of(per, shape);
        double s = 0;
        for (float v : per) s += v;
        if (reduction == Reduction.MEAN) s /= per.length;
        return Tensor.scalar((float) s);
    }
}
