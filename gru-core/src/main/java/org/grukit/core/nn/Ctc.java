package org.grukit.core.nn;

import java.util.Arrays;
import org.grukit.core.Autograd;
import org.grukit.core.Shape;
import org.grukit.core.Tensor;
import org.grukit.core.kernel.Parallel;

/**
 * Connectionist temporal classification loss (Graves et al. 2006), as torch.nn.functional.ctc_loss: log-probabilities
 * [T, N, C] (time first, from a log-softmax), targets concatenated with their lengths, a blank index, reduction
 * NONE (per sequence), SUM, or MEAN (each loss divided by its target length, at least 1, then averaged over the
 * batch), and zero_infinity (an impossible alignment, a target that cannot fit its input, gives 0 and no gradient
 * instead of infinity).
 *
 * <p>The forward-backward recursions run in log space in double precision, so inputs of thousands of frames do not
 * underflow. The gradient with respect to the log-probabilities is the true derivative, -exp(log sum over the
 * positions s of label c of alpha_t(s) beta_t(s) - log p(c at t) + nll); PyTorch's own adds exp(log_probs), which
 * assumes the input is normalized. Through a log-softmax both give the same gradient for the logits.
 */
public final class Ctc {
    private Ctc() {}

    /** The blank's index, the reduction, and whether infinite losses become zero. */
    public record Options(int blank, Reduction reduction, boolean zeroInfinity) {
        public Options {
            if (blank < 0) throw new IllegalArgumentException("blank must be >= 0, got " + blank);
            if (reduction == null) throw new IllegalArgumentException("reduction must not be null");
        }

        /** PyTorch's defaults: blank 0, MEAN, zero_infinity false. */
        public static Options defaults() {
            return new Options(0, Reduction.MEAN, false);
        }

        public Options withBlank(int b) {
            return new Options(b, reduction, zeroInfinity);
        }

        public Options withReduction(Reduction r) {
            return new Options(blank, r, zeroInfinity);
        }

        public Options withZeroInfinity(boolean z) {
            return new Options(blank, reduction, z);
        }
    }

    /**
     * @param logProbs      [T, N, C] log-probabilities
     * @param targets       the N target sequences one after another (labels in [0, C), never the blank)
     * @param inputLengths  frames of each sequence, in [0, T]
     * @param targetLengths labels of each sequence, summing to targets.length
     */
    public static Tensor loss(Tensor logProbs, int[] targets, int[] inputLengths, int[] targetLengths, Options opt) {
        if (logProbs.rank() != 3) {
            throw new IllegalArgumentException("expected log-probabilities of shape [T, N, C], got " + Shape.str(logProbs.shape()));
        }
        final int tMax = logProbs.dim(0), n = logProbs.dim(1), c = logProbs.dim(2);
        if (opt.blank() >= c) throw new IllegalArgumentException("blank " + opt.blank() + " is not a class of " + c);
        if (inputLengths.length != n || targetLengths.length != n) {
            throw new IllegalArgumentException("expected " + n + " input and target lengths, got " + inputLengths.length + " and "
                    + targetLengths.length);
        }
        final int[] start = new int[n + 1];
        for (int b = 0; b < n; b++) {
            if (inputLengths[b] < 0 || inputLengths[b] > tMax) {
                throw new IllegalArgumentException("input length " + inputLengths[b] + " of sequence " + b + " is not in [0, " + tMax + "]");
            }
            if (targetLengths[b] < 0) throw new IllegalArgumentException("target length of sequence " + b + " is negative: " + targetLengths[b]);
            start[b + 1] = start[b] + targetLengths[b];
        }
        if (start[n] != targets.length) {
            throw new IllegalArgumentException("target lengths sum to " + start[n] + " but " + targets.length + " targets were given");
        }
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] < 0 || targets[i] >= c || targets[i] == opt.blank()) {
                throw new IllegalArgumentException("target " + targets[i] + " at position " + i + " must be a class in [0, " + c
                        + ") other than the blank " + opt.blank());
            }
        }
        final boolean grad = Autograd.needsGrad(logProbs);
        final float[] lp = logProbs.array();
        final int off = logProbs.offset();
        final double[] nll = new double[n];
        final float[] dlp = grad ? new float[tMax * n * c] : null; // d nll_b / d logProbs, per sequence's own column
        final int parts = Math.max(1, Math.min(n, Parallel.threads())); // sequences are independent
        Parallel.forEach(parts, part -> {
            for (int b = Parallel.start(n, parts, part), end = Parallel.start(n, parts, part + 1); b < end; b++) {
                nll[b] = sequence(lp, off, n, c, b, inputLengths[b], Arrays.copyOfRange(targets, start[b], start[b + 1]), opt.blank(), dlp);
                if (Double.isInfinite(nll[b]) && opt.zeroInfinity()) {
                    nll[b] = 0;
                    if (dlp != null) for (int t = 0; t < tMax; t++) Arrays.fill(dlp, (t * n + b) * c, (t * n + b + 1) * c, 0f);
                }
            }
        });
        final double[] scale = new double[n]; // d loss / d nll_b for a unit output gradient
        Tensor out;
        switch (opt.reduction()) {
            case NONE -> {
                float[] v = new float[n];
                for (int b = 0; b < n; b++) {
                    v[b] = (float) nll[b];
                    scale[b] = 1;
                }
                out = Tensor.of(v, n);
            }
            case SUM -> {
                double s = 0;
                for (int b = 0; b < n; b++) {
                    s += nll[b];
                    scale[b] = 1;
                }
                out = Tensor.scalar((float) s);
            }
            default -> {
                double s = 0;
                for (int b = 0; b < n; b++) {
                    double per = 1.0 / Math.max(1, targetLengths[b]) / n;
                    s += nll[b] * per;
                    scale[b] = per;
                }
                out = Tensor.scalar((float) s);
            }
        }
        if (!grad) return out;
        final Tensor result = out;
        return Autograd.record("ctc_loss", out, () -> {
            float[] g = Autograd.grad(logProbs), gout = Autograd.grad(result);
            int go = Autograd.gradOffset(logProbs), goo = Autograd.gradOffset(result);
            for (int t = 0; t < tMax; t++) {
                for (int b = 0; b < n; b++) {
                    float k = (float) (scale[b] * (opt.reduction() == Reduction.NONE ? gout[goo + b] : gout[goo]));
                    int row = (t * n + b) * c;
                    for (int j = 0; j < c; j++) g[go + row + j] += k * dlp[row + j];
                }
            }
        }, logProbs);
    }

    private static final double NEG_INF = Double.NEGATIVE_INFINITY;

    /** log(exp(a) + exp(b)) without overflow; -infinity is the log of zero. */
    public static double logAddExp(double a, double b) {
        if (a == NEG_INF) return b;
        if (b == NEG_INF) return a;
        return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
    }

    /**
     * The negative log-likelihood of one sequence's labels, and, when {@code dlp} is not null, its derivative with
     * respect to that sequence's log-probabilities written into {@code dlp} (its column b of [T, N, C]).
     */
    private static double sequence(float[] lp, int off, int n, int c, int b, int frames, int[] labels, int blank, float[] dlp) {
        int len = labels.length, states = 2 * len + 1;
        if (frames == 0) return len == 0 ? 0 : Double.POSITIVE_INFINITY;
        int[] ext = new int[states]; // the labels with blanks around and between them
        for (int s = 0; s < states; s++) ext[s] = (s & 1) == 0 ? blank : labels[s >> 1];
        double[] alpha = new double[frames * states];
        Arrays.fill(alpha, NEG_INF);
        alpha[0] = lp(lp, off, n, c, 0, b, blank);
        if (len > 0) alpha[1] = lp(lp, off, n, c, 0, b, ext[1]);
        for (int t = 1; t < frames; t++) {
            int prev = (t - 1) * states, cur = t * states;
            for (int s = 0; s < states; s++) {
                double a = alpha[prev + s];
                if (s >= 1) a = logAddExp(a, alpha[prev + s - 1]);
                if (s >= 2 && ext[s] != blank && ext[s] != ext[s - 2]) a = logAddExp(a, alpha[prev + s - 2]);
                alpha[cur + s] = a == NEG_INF ? NEG_INF : a + lp(lp, off, n, c, t, b, ext[s]);
            }
        }
        int last = (frames - 1) * states;
        double logLik = len > 0 ? logAddExp(alpha[last + states - 1], alpha[last + states - 2]) : alpha[last + states - 1];
        if (logLik == NEG_INF) return Double.POSITIVE_INFINITY;
        if (dlp == null) return -logLik;

        double[] beta = new double[frames * states];
        Arrays.fill(beta, NEG_INF);
        beta[last + states - 1] = lp(lp, off, n, c, frames - 1, b, blank);
        if (len > 0) beta[last + states - 2] = lp(lp, off, n, c, frames - 1, b, ext[states - 2]);
        for (int t = frames - 2; t >= 0; t--) {
            int next = (t + 1) * states, cur = t * states;
            for (int s = 0; s < states; s++) {
                double v = beta[next + s];
                if (s + 1 < states) v = logAddExp(v, beta[next + s + 1]);
                if (s + 2 < states && ext[s] != blank && ext[s] != ext[s + 2]) v = logAddExp(v, beta[next + s + 2]);
                beta[cur + s] = v == NEG_INF ? NEG_INF : v + lp(lp, off, n, c, t, b, ext[s]);
            }
        }
        double[] occupancy = new double[c]; // log sum over the states of each class of alpha * beta, at one frame
        for (int t = 0; t < frames; t++) {
            Arrays.fill(occupancy, NEG_INF);
            int cur = t * states;
            for (int s = 0; s < states; s++) occupancy[ext[s]] = logAddExp(occupancy[ext[s]], alpha[cur + s] + beta[cur + s]);
            int row = (t * n + b) * c;
            for (int j = 0; j < c; j++) {
                // alpha and beta both include this frame's emission: divide it out once.
                dlp[row + j] = occupancy[j] == NEG_INF ? 0f : (float) -Math.exp(occupancy[j] - lp(lp, off, n, c, t, b, j) - logLik);
            }
        }
        return -logLik;
    }

    private static double lp(float[] lp, int off, int n, int c, int t, int b, int j) {
        return lp[off + (t * n + b) * c + j];
    }
}
