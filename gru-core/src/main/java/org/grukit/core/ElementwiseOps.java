package org.grukit.core;

import java.util.Arrays;
import org.grukit.core.kernel.GruKernels;

/**
 * Element-wise operations with PyTorch broadcasting: binary (add, sub, mul, div, maximum) and unary (neg, scalar
 * ops, pow, exp, log, sqrt, abs, tanh, sigmoid, relu, gelu), and masked fill, each with its backward. Each op is
 * documented where users call it, on {@link Ops}.
 */
final class ElementwiseOps {
    private ElementwiseOps() {}

    private interface Binary {
        float apply(float a, float b);
    }

    /**
     * Two operands broadcast to one output shape, walked as {@code outer} runs of {@code inner} output elements.
     * The run is the longest suffix of dimensions over which each operand is either contiguous (stride 1) or
     * one repeated element (stride 0), so the element loops are plain array loops with no per-element index
     * arithmetic; {@link #aBase}/{@link #bBase} give each run's starting position in the operands.
     */
    private static final class Broadcast {
        final int[] shape;
        final int outer, inner, aStride, bStride;
        private final int[] aBases, bBases; // null when run o starts at o * inner (the operand has the output's shape)

        Broadcast(int[] as, int[] bs) {
            int rank = Math.max(as.length, bs.length);
            shape = new int[rank];
            int[] pa = new int[rank], pb = new int[rank];
            for (int i = 0; i < rank; i++) {
                pa[i] = i - (rank - as.length) >= 0 ? as[i - (rank - as.length)] : 1;
                pb[i] = i - (rank - bs.length) >= 0 ? bs[i - (rank - bs.length)] : 1;
                if (pa[i] != pb[i] && pa[i] != 1 && pb[i] != 1) {
                    throw new IllegalArgumentException("shapes " + Shape.str(as) + " and " + Shape.str(bs)
                            + " cannot be broadcast together (dimension " + i + ": " + pa[i] + " vs " + pb[i] + ")");
                }
                shape[i] = Math.max(pa[i], pb[i]);
            }
            // The run: trailing dimensions where each operand keeps one status (full or broadcast). Output
            // dimensions of size 1 fit either status.
            int split = rank, aFull = -1, bFull = -1; // -1: not decided yet
            while (split > 0) {
                int d = split - 1;
                if (shape[d] != 1) {
                    int fa = pa[d] == 1 ? 0 : 1, fb = pb[d] == 1 ? 0 : 1;
                    if ((aFull >= 0 && fa != aFull) || (bFull >= 0 && fb != bFull)) break;
                    aFull = fa;
                    bFull = fb;
                }
                split--;
            }
            inner = Shape.prod(shape, split, rank);
            outer = Shape.prod(shape, 0, split);
            aStride = aFull == 0 ? 0 : 1;
            bStride = bFull == 0 ? 0 : 1;
            aBases = Arrays.equals(pa, shape) ? null : bases(pa, split, aStride == 1 ? inner : 1);
            bBases = Arrays.equals(pb, shape) ? null : bases(pb, split, bStride == 1 ? inner : 1);
        }

        /** The start of each run in an operand of (padded) shape {@code src}, whose run covers {@code runSize}. */
        private int[] bases(int[] src, int split, int runSize) {
            int[] base = new int[outer];
            int[] stride = new int[split];
            int st = runSize;
            for (int i = split - 1; i >= 0; i--) {
                stride[i] = src[i] == 1 ? 0 : st;
                st *= src[i];
            }
            int[] idx = new int[split];
            int pos = 0;
            for (int o = 0; o < outer; o++) {
                base[o] = pos;
                for (int i = split - 1; i >= 0; i--) {
                    idx[i]++;
                    pos += stride[i];
                    if (idx[i] < shape[i]) break;
                    pos -= stride[i] * idx[i];
                    idx[i] = 0;
                }
            }
            return base;
        }

        int aBase(int o) {
            return aBases == null ? o * inner : aBases[o];
        }

        int bBase(int o) {
            return bBases == null ? o * inner : bBases[o];
        }
    }

    /** The element-wise operations with their own loops; OTHER goes through the lambdas. */
    private enum Kind { ADD, SUB, MUL, OTHER }

    /** x[off .. off + n) when stride is 1, else x[off] repeated n times into {@code scratch}; returns the array to read. */
    private static float[] run(float[] x, int off, int stride, int n, float[] scratch) {
        if (stride == 1) return x;
        Arrays.fill(scratch, 0, n, x[off]);
        return scratch;
    }

    private static Tensor binary(String name, Kind kind, Tensor a, Tensor b, Binary f, Binary dfa, Binary dfb) {
        Broadcast bc = new Broadcast(a.shape(), b.shape());
        Tensor out = Tensor.zeros(bc.shape);
        int inner = bc.inner;
        float[] ad = a.data, bd = b.data, od = out.data;
        float[] sa = bc.aStride == 0 ? new float[inner] : null, sb = bc.bStride == 0 ? new float[inner] : null;
        for (int o = 0; o < bc.outer; o++) {
            int ab = a.offset + bc.aBase(o), bb = b.offset + bc.bBase(o), ob = o * inner;
            float[] x = run(ad, ab, bc.aStride, inner, sa), y = run(bd, bb, bc.bStride, inner, sb);
            int xo = bc.aStride == 1 ? ab : 0, yo = bc.bStride == 1 ? bb : 0;
            switch (kind) {
                case ADD -> { for (int i = 0; i < inner; i++) od[ob + i] = x[xo + i] + y[yo + i]; }
                case SUB -> { for (int i = 0; i < inner; i++) od[ob + i] = x[xo + i] - y[yo + i]; }
                case MUL -> { for (int i = 0; i < inner; i++) od[ob + i] = x[xo + i] * y[yo + i]; }
                default -> { for (int i = 0; i < inner; i++) od[ob + i] = f.apply(x[xo + i], y[yo + i]); }
            }
        }
        if (!Autograd.needsGrad(a, b)) return out;
        return Autograd.record(name, out, () -> {
            float[] g = out.grad;
            boolean wa = Autograd.wants(a), wb = Autograd.wants(b);
            float[] ga = wa ? Autograd.grad(a) : null, gb = wb ? Autograd.grad(b) : null;
            int gao = wa ? Autograd.gradOffset(a) : 0, gbo = wb ? Autograd.gradOffset(b) : 0;
            float[] t = new float[inner];
            for (int o = 0; o < bc.outer; o++) {
                int ab = a.offset + bc.aBase(o), bb = b.offset + bc.bBase(o), go = out.gradOffset + o * inner;
                float[] x = run(ad, ab, bc.aStride, inner, sa), y = run(bd, bb, bc.bStride, inner, sb);
                int xo = bc.aStride == 1 ? ab : 0, yo = bc.bStride == 1 ? bb : 0;
                if (wa) {
                    switch (kind) { // t = g * d(out)/da
                        case ADD, SUB -> System.arraycopy(g, go, t, 0, inner);
                        case MUL -> { for (int i = 0; i < inner; i++) t[i] = g[go + i] * y[yo + i]; }
                        default -> { for (int i = 0; i < inner; i++) t[i] = g[go + i] * dfa.apply(x[xo + i], y[yo + i]); }
                    }
                    accumulate(ga, gao + bc.aBase(o), bc.aStride, t, inner);
                }
                if (wb) {
                    switch (kind) {
                        case ADD -> System.arraycopy(g, go, t, 0, inner);
                        case SUB -> { for (int i = 0; i < inner; i++) t[i] = -g[go + i]; }
                        case MUL -> { for (int i = 0; i < inner; i++) t[i] = g[go + i] * x[xo + i]; }
                        default -> { for (int i = 0; i < inner; i++) t[i] = g[go + i] * dfb.apply(x[xo + i], y[yo + i]); }
                    }
                    accumulate(gb, gbo + bc.bBase(o), bc.bStride, t, inner);
                }
            }
        }, a, b);
    }

    /** grad[at .. at + n) += t when stride is 1; grad[at] += sum(t) when the operand was broadcast along the run. */
    private static void accumulate(float[] grad, int at, int stride, float[] t, int n) {
        if (stride == 1) {
            for (int i = 0; i < n; i++) grad[at + i] += t[i];
        } else {
            float s = 0f;
            for (int i = 0; i < n; i++) s += t[i];
            grad[at] += s;
        }
    }

    static Tensor add(Tensor a, Tensor b) {
        return binary("add", Kind.ADD, a, b, (x, y) -> x + y, (x, y) -> 1f, (x, y) -> 1f);
    }

    static Tensor sub(Tensor a, Tensor b) {
        return binary("sub", Kind.SUB, a, b, (x, y) -> x - y, (x, y) -> 1f, (x, y) -> -1f);
    }

    static Tensor mul(Tensor a, Tensor b) {
        return binary("mul", Kind.MUL, a, b, (x, y) -> x * y, (x, y) -> y, (x, y) -> x);
    }

    static Tensor div(Tensor a, Tensor b) {
        return binary("div", Kind.OTHER, a, b, (x, y) -> x / y, (x, y) -> 1f / y, (x, y) -> -x / (y * y));
    }

    static Tensor maximum(Tensor a, Tensor b) {
        return binary("maximum", Kind.OTHER, a, b, Math::max, (x, y) -> x >= y ? 1f : 0f, (x, y) -> x >= y ? 0f : 1f);
    }


    private interface Unary {
        float apply(float x);
    }

    /** Derivative from input x and output y. */
    private interface UnaryGrad {
        float apply(float x, float y);
    }

    private static Tensor unary(String name, Tensor a, Unary f, UnaryGrad df) {
        Tensor out = Tensor.zeros(a.shape());
        int n = out.numel();
        for (int k = 0; k < n; k++) out.data[k] = f.apply(a.data[a.offset + k]);
        if (!Autograd.needsGrad(a)) return out;
        return Autograd.record(name, out, () -> {
            float[] ga = Autograd.grad(a);
            int gao = Autograd.gradOffset(a);
            for (int k = 0; k < n; k++) {
                ga[gao + k] += out.grad[out.gradOffset + k] * df.apply(a.data[a.offset + k], out.data[k]);
            }
        }, a);
    }

    static Tensor neg(Tensor a) {
        return unary("neg", a, x -> -x, (x, y) -> -1f);
    }

    static Tensor addScalar(Tensor a, float s) {
        return unary("add_scalar", a, x -> x + s, (x, y) -> 1f);
    }

    static Tensor mulScalar(Tensor a, float s) {
        return unary("mul_scalar", a, x -> x * s, (x, y) -> s);
    }

    static Tensor pow(Tensor a, float p) {
        return unary("pow", a, x -> (float) Math.pow(x, p), (x, y) -> p * (float) Math.pow(x, p - 1));
    }

    static Tensor exp(Tensor a) {
        return unary("exp", a, x -> (float) Math.exp(x), (x, y) -> y);
    }

    static Tensor log(Tensor a) {
        return unary("log", a, x -> (float) Math.log(x), (x, y) -> 1f / x);
    }

    static Tensor sqrt(Tensor a) {
        return unary("sqrt", a, x -> (float) Math.sqrt(x), (x, y) -> 0.5f / y);
    }

    static Tensor abs(Tensor a) {
        return unary("abs", a, Math::abs, (x, y) -> Math.signum(x));
    }

    static Tensor tanh(Tensor a) {
        Tensor out = Tensor.zeros(a.shape());
        GruKernels.GATES.tanhOfGated(out.data, 0, a.data, a.offset, null, 0, null, 0, out.numel());
        return activationGrad("tanh", a, out, true);
    }

    static Tensor sigmoid(Tensor a) {
        Tensor out = Tensor.zeros(a.shape());
        GruKernels.GATES.sigmoidOfSum(out.data, 0, a.data, a.offset, null, 0, out.numel());
        return activationGrad("sigmoid", a, out, false);
    }

    /** The backward of tanh (1 - y^2) or sigmoid (y (1 - y)), from the output y alone. */
    private static Tensor activationGrad(String name, Tensor a, Tensor out, boolean tanh) {
        if (!Autograd.needsGrad(a)) return out;
        int n = out.numel();
        return Autograd.record(name, out, () -> {
            float[] ga = Autograd.grad(a), g = out.grad, y = out.data;
            int gao = Autograd.gradOffset(a), go = out.gradOffset;
            if (tanh) {
                for (int k = 0; k < n; k++) ga[gao + k] += g[go + k] * (1f - y[k] * y[k]);
            } else {
                for (int k = 0; k < n; k++) ga[gao + k] += g[go + k] * (y[k] * (1f - y[k]));
            }
        }, a);
    }

    static Tensor relu(Tensor a) {
        return unary("relu", a, x -> x > 0f ? x : 0f, (x, y) -> x > 0f ? 1f : 0f);
    }

    static Tensor gelu(Tensor a) {
        final double invSqrt2 = 1.0 / Math.sqrt(2.0);
        final double invSqrt2Pi = 1.0 / Math.sqrt(2.0 * Math.PI);
        return unary("gelu", a, x -> (float) (0.5 * x * (1.0 + erf(x * invSqrt2))),
                (x, y) -> (float) (0.5 * (1.0 + erf(x * invSqrt2)) + x * invSqrt2Pi * Math.exp(-0.5 * x * x)));
    }

    /** erf to about 1e-7 absolute (Abramowitz-Stegun 7.1.26 is too coarse; this is a Chebyshev fit). */
    static double erf(double x) {
        double t = 1.0 / (1.0 + 0.5 * Math.abs(x));
        double y = 1 - t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? y : -y;
    }

    static Tensor maskedFill(Tensor a, Tensor mask, float value) {
        Broadcast bc = new Broadcast(a.shape(), mask.shape());
        if (!Arrays.equals(bc.shape, a.shape())) {
            throw new IllegalArgumentException("mask of shape " + Shape.str(mask.shape()) + " must broadcast to "
                    + Shape.str(a.shape()));
        }
        int inner = bc.inner, ms = bc.bStride;
        Tensor out = Tensor.zeros(a.shape());
        for (int o = 0; o < bc.outer; o++) {
            int ab = a.offset + o * inner, mb = mask.offset + bc.bBase(o), ob = o * inner;
            for (int i = 0; i < inner; i++) out.data[ob + i] = mask.data[mb + i * ms] != 0f ? value : a.data[ab + i];
        }
        if (!Autograd.needsGrad(a)) return out;
        return Autograd.record("masked_fill", out, () -> {
            float[] ga = Autograd.grad(a);
            int gao = Autograd.gradOffset(a);
            for (int o = 0; o < bc.outer; o++) {
                int mb = mask.offset + bc.bBase(o), go = out.gradOffset + o * inner, gb = gao + o * inner;
                for (int i = 0; i < inner; i++) {
                    if (mask.data[mb + i * ms] == 0f) ga[gb + i] += out.grad[go + i];
                }
            }
        }, a);
    }
}
