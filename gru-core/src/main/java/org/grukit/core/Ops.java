package org.grukit.core;

import java.util.Arrays;
import java.util.OptionalInt;
import org.grukit.core.kernel.Gemm;
import org.grukit.core.kernel.GruKernels;
import org.grukit.core.kernel.Reductions;
import org.grukit.core.kernel.Softmax;

/**
 * Differentiable tensor operations. Each computes its result with the kernels and, when an input wants a
 * gradient and grad mode is on, records a backward function that accumulates into the inputs' gradients.
 * Names and broadcasting follow PyTorch.
 */
public final class Ops {
    private Ops() {}

    // ---------------------------------------------------------------- element-wise, broadcasting

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

    public static Tensor add(Tensor a, Tensor b) {
        return binary("add", Kind.ADD, a, b, (x, y) -> x + y, (x, y) -> 1f, (x, y) -> 1f);
    }

    public static Tensor sub(Tensor a, Tensor b) {
        return binary("sub", Kind.SUB, a, b, (x, y) -> x - y, (x, y) -> 1f, (x, y) -> -1f);
    }

    public static Tensor mul(Tensor a, Tensor b) {
        return binary("mul", Kind.MUL, a, b, (x, y) -> x * y, (x, y) -> y, (x, y) -> x);
    }

    public static Tensor div(Tensor a, Tensor b) {
        return binary("div", Kind.OTHER, a, b, (x, y) -> x / y, (x, y) -> 1f / y, (x, y) -> -x / (y * y));
    }

    public static Tensor maximum(Tensor a, Tensor b) {
        return binary("maximum", Kind.OTHER, a, b, Math::max, (x, y) -> x >= y ? 1f : 0f, (x, y) -> x >= y ? 0f : 1f);
    }

    // ---------------------------------------------------------------- element-wise, unary

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

    public static Tensor neg(Tensor a) {
        return unary("neg", a, x -> -x, (x, y) -> -1f);
    }

    public static Tensor addScalar(Tensor a, float s) {
        return unary("add_scalar", a, x -> x + s, (x, y) -> 1f);
    }

    public static Tensor mulScalar(Tensor a, float s) {
        return unary("mul_scalar", a, x -> x * s, (x, y) -> s);
    }

    public static Tensor pow(Tensor a, float p) {
        return unary("pow", a, x -> (float) Math.pow(x, p), (x, y) -> p * (float) Math.pow(x, p - 1));
    }

    public static Tensor exp(Tensor a) {
        return unary("exp", a, x -> (float) Math.exp(x), (x, y) -> y);
    }

    public static Tensor log(Tensor a) {
        return unary("log", a, x -> (float) Math.log(x), (x, y) -> 1f / x);
    }

    public static Tensor sqrt(Tensor a) {
        return unary("sqrt", a, x -> (float) Math.sqrt(x), (x, y) -> 0.5f / y);
    }

    public static Tensor abs(Tensor a) {
        return unary("abs", a, Math::abs, (x, y) -> Math.signum(x));
    }

    /** tanh through the gate kernels (vectorised, about 1 ulp), as the GRU layers compute it. */
    public static Tensor tanh(Tensor a) {
        Tensor out = Tensor.zeros(a.shape());
        GruKernels.GATES.tanhOfGated(out.data, 0, a.data, a.offset, null, 0, null, 0, out.numel());
        return activationGrad("tanh", a, out, true);
    }

    public static Tensor sigmoid(Tensor a) {
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

    public static Tensor relu(Tensor a) {
        return unary("relu", a, x -> x > 0f ? x : 0f, (x, y) -> x > 0f ? 1f : 0f);
    }

    /** GELU, exact (erf) form as torch.nn.GELU() default. */
    public static Tensor gelu(Tensor a) {
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

    // ---------------------------------------------------------------- shape

    /** Same values, new shape; one dimension may be -1 (inferred). Copy-free. */
    public static Tensor reshape(Tensor a, int... shape) {
        int[] s = shape.clone();
        int infer = -1, known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("only one dimension can be -1, got " + Shape.str(shape));
                infer = i;
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || a.numel() % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + Shape.str(a.shape()) + " to " + Shape.str(shape));
            }
            s[infer] = a.numel() / known;
        }
        if (Shape.numel(s) != a.numel()) {
            throw new IllegalArgumentException("cannot reshape " + Shape.str(a.shape()) + " (" + a.numel()
                    + " values) to " + Shape.str(shape));
        }
        Tensor out = new Tensor(a.data, a.offset, s, a.version);
        if (!Autograd.needsGrad(a)) return out;
        return Autograd.record("reshape", out, () -> {
            float[] ga = Autograd.grad(a);
            int gao = Autograd.gradOffset(a);
            for (int k = 0; k < a.numel(); k++) ga[gao + k] += out.grad[out.gradOffset + k];
        }, a);
    }

    /** Reorders dimensions (a copy), as torch.permute. */
    public static Tensor permute(Tensor a, int... dims) {
        int rank = a.rank();
        if (dims.length != rank) {
            throw new IllegalArgumentException("permute needs " + rank + " dimensions, got " + Arrays.toString(dims));
        }
        int[] in = a.shape();
        int[] outShape = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            int d = Shape.axis(dims[i], rank);
            if (seen[d]) throw new IllegalArgumentException("repeated dimension in permute " + Arrays.toString(dims));
            seen[d] = true;
            outShape[i] = in[d];
        }
        int[] inStride = strides(in);
        int[] srcStride = new int[rank];
        for (int i = 0; i < rank; i++) srcStride[i] = inStride[Shape.axis(dims[i], rank)];
        // Rows: when the last dimension stays last, whole rows move with one copy each.
        int rowLen = Shape.axis(dims[rank - 1], rank) == rank - 1 ? in[rank - 1] : 1;
        int outerRank = rowLen > 1 ? rank - 1 : rank;
        int rows = a.numel() / Math.max(1, rowLen);
        int[] map = new int[rows]; // source offset of each output row
        int[] idx = new int[outerRank];
        int pos = 0;
        for (int k = 0; k < rows; k++) {
            map[k] = pos;
            for (int i = outerRank - 1; i >= 0; i--) {
                idx[i]++;
                pos += srcStride[i];
                if (idx[i] < outShape[i]) break;
                pos -= srcStride[i] * idx[i];
                idx[i] = 0;
            }
        }
        Tensor out = Tensor.zeros(outShape);
        for (int k = 0; k < rows; k++) System.arraycopy(a.data, a.offset + map[k], out.data, k * rowLen, rowLen);
        if (!Autograd.needsGrad(a)) return out;
        final int len = rowLen;
        return Autograd.record("permute", out, () -> {
            float[] ga = Autograd.grad(a);
            int gao = Autograd.gradOffset(a);
            for (int k = 0; k < rows; k++) {
                int src = out.gradOffset + k * len, dst = gao + map[k];
                for (int j = 0; j < len; j++) ga[dst + j] += out.grad[src + j];
            }
        }, a);
    }

    /** Swaps two dimensions (a copy), as torch.transpose. */
    public static Tensor transpose(Tensor a, int d0, int d1) {
        int rank = a.rank();
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) dims[i] = i;
        int x = Shape.axis(d0, rank), y = Shape.axis(d1, rank);
        dims[x] = y;
        dims[y] = x;
        return permute(a, dims);
    }

    static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int st = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = st;
            st *= shape[i];
        }
        return s;
    }

    /** Joins tensors along {@code dim}; all other dimensions must agree. */
    public static Tensor concat(int dim, Tensor... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("concat needs at least one tensor");
        int rank = parts[0].rank();
        int d = Shape.axis(dim, rank);
        int[] shape = parts[0].shape();
        int total = 0;
        for (Tensor p : parts) {
            int[] s = p.shape();
            boolean ok = s.length == rank;
            for (int i = 0; ok && i < rank; i++) ok = i == d || s[i] == shape[i];
            if (!ok) {
                throw new IllegalArgumentException("concat along dimension " + d + " expected shapes like "
                        + Shape.str(shape) + " (any size at " + d + "), got " + Shape.str(s));
            }
            total += s[d];
        }
        shape[d] = total;
        final int rowWidth = total * Shape.prod(shape, d + 1, rank);
        int outer = Shape.prod(shape, 0, d), inner = Shape.prod(shape, d + 1, rank);
        Tensor out = Tensor.zeros(shape);
        int at = 0;
        for (Tensor p : parts) {
            int w = p.dim(d) * inner;
            for (int o = 0; o < outer; o++) System.arraycopy(p.data, p.offset + o * w, out.data, o * rowWidth + at, w);
            at += w;
        }
        if (!Autograd.needsGrad(parts)) return out;
        return Autograd.record("concat", out, () -> {
            int from = 0;
            for (Tensor p : parts) {
                int w = p.dim(d) * inner;
                if (Autograd.wants(p)) {
                    float[] gp = Autograd.grad(p);
                    int gpo = Autograd.gradOffset(p);
                    for (int o = 0; o < outer; o++) {
                        int src = out.gradOffset + o * rowWidth + from;
                        for (int k = 0; k < w; k++) gp[gpo + o * w + k] += out.grad[src + k];
                    }
                }
                from += w;
            }
        }, parts);
    }

    /** Stacks same-shaped tensors along a new dimension {@code dim}. */
    public static Tensor stack(int dim, Tensor... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("stack needs at least one tensor");
        int rank = parts[0].rank() + 1;
        int d = Shape.axis(dim, rank);
        Tensor[] expanded = new Tensor[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (!Arrays.equals(parts[i].shape(), parts[0].shape())) {
                throw new IllegalArgumentException("stack expected every tensor of shape " + Shape.str(parts[0].shape())
                        + ", got " + Shape.str(parts[i].shape()) + " at position " + i);
            }
            int[] s = new int[rank];
            int[] ps = parts[i].shape();
            for (int j = 0, k = 0; j < rank; j++) s[j] = j == d ? 1 : ps[k++];
            expanded[i] = reshape(parts[i], s);
        }
        return concat(d, expanded);
    }

    /** The slice [start, start + length) of dimension {@code dim} (a copy), as torch.narrow. */
    public static Tensor narrow(Tensor a, int dim, int start, int length) {
        int rank = a.rank();
        int d = Shape.axis(dim, rank);
        int size = a.dim(d);
        if (start < 0 || length < 0 || start + length > size) {
            throw new IllegalArgumentException("narrow [" + start + ", " + (start + length) + ") out of range for"
                    + " dimension " + d + " of size " + size);
        }
        int[] shape = a.shape();
        shape[d] = length;
        int outer = Shape.prod(shape, 0, d), inner = Shape.prod(shape, d + 1, rank);
        int w = length * inner, srcW = size * inner, skip = start * inner;
        Tensor out = Tensor.zeros(shape);
        for (int o = 0; o < outer; o++) System.arraycopy(a.data, a.offset + o * srcW + skip, out.data, o * w, w);
        if (!Autograd.needsGrad(a)) return out;
        return Autograd.record("narrow", out, () -> {
            float[] ga = Autograd.grad(a);
            int gao = Autograd.gradOffset(a);
            for (int o = 0; o < outer; o++) {
                for (int k = 0; k < w; k++) ga[gao + o * srcW + skip + k] += out.grad[out.gradOffset + o * w + k];
            }
        }, a);
    }

    /** Index {@code index} of dimension {@code dim}, that dimension removed, as torch.select. */
    public static Tensor select(Tensor a, int dim, int index) {
        int d = Shape.axis(dim, a.rank());
        Tensor n = narrow(a, d, index, 1);
        int[] s = a.shape();
        int[] out = new int[s.length - 1];
        for (int i = 0, k = 0; i < s.length; i++) if (i != d) out[k++] = s[i];
        return reshape(n, out);
    }

    /**
     * Rows {@code index} of dimension 0 (repeats allowed), as torch.index_select(a, 0, index): how a beam search
     * reorders its states. The gradient of a row used twice is the sum of both.
     */
    public static Tensor indexSelect(Tensor a, int[] index) {
        if (a.rank() == 0) throw new IllegalArgumentException("indexSelect needs a tensor of rank >= 1");
        int n = a.dim(0), row = a.numel() / Math.max(1, n);
        int[] shape = a.shape();
        shape[0] = index.length;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= n) {
                throw new IndexOutOfBoundsException("index " + index[i] + " at position " + i + " is outside [0, " + n + ")");
            }
        }
        Tensor out = Tensor.zeros(shape);
        for (int i = 0; i < index.length; i++) System.arraycopy(a.data, a.offset + index[i] * row, out.data, i * row, row);
        if (!Autograd.needsGrad(a)) return out;
        int[] idx = index.clone();
        return Autograd.record("index_select", out, () -> {
            float[] ga = Autograd.grad(a);
            int gao = Autograd.gradOffset(a);
            for (int i = 0; i < idx.length; i++) {
                int dst = gao + idx[i] * row, src = out.gradOffset + i * row;
                for (int j = 0; j < row; j++) ga[dst + j] += out.grad[src + j];
            }
        }, a);
    }

    // ---------------------------------------------------------------- matrix products

    /**
     * Matrix product as torch.matmul for the cases models need: [M, K] x [K, N]; [..., M, K] x [K, N]
     * (a shared right-hand matrix); and batched [B, M, K] x [B, K, N].
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        if (a.rank() >= 2 && b.rank() == 2) {
            int k = a.dim(-1), n = b.dim(1);
            if (b.dim(0) != k) {
                throw new IllegalArgumentException("matmul expected right operand of shape [" + k + ", *] for left "
                        + Shape.str(a.shape()) + ", got " + Shape.str(b.shape()));
            }
            int m = a.numel() / Math.max(1, k);
            if (k == 0) m = Shape.prod(a.shape(), 0, a.rank() - 1);
            int[] shape = a.shape();
            shape[shape.length - 1] = n;
            return mm("matmul", a, b, null, m, n, k, false, shape);
        }
        if (a.rank() == 3 && b.rank() == 3) return bmm(a, b, false);
        throw new IllegalArgumentException("matmul supports [.., M, K] x [K, N] and [B, M, K] x [B, K, N], got "
                + Shape.str(a.shape()) + " x " + Shape.str(b.shape()));
    }

    /** a [..., M, K] times b^T where b is [N, K]: the product with a stored weight. */
    public static Tensor matmulTransposed(Tensor a, Tensor b) {
        int k = a.dim(-1);
        if (b.rank() != 2 || b.dim(1) != k) {
            throw new IllegalArgumentException("expected right operand of shape [*, " + k + "], got " + Shape.str(b.shape()));
        }
        int n = b.dim(0);
        int m = Shape.prod(a.shape(), 0, a.rank() - 1);
        int[] shape = a.shape();
        shape[shape.length - 1] = n;
        return mm("matmul_t", a, b, null, m, n, k, true, shape);
    }

    /** C = A op(B) (+ bias [n] on every row, when not null). */
    private static Tensor mm(String name, Tensor a, Tensor b, Tensor bias, int m, int n, int k, boolean transB, int[] shape) {
        Tensor out = Tensor.zeros(shape);
        if (bias != null) { // the GEMM accumulates onto the bias rows
            for (int i = 0; i < m; i++) System.arraycopy(bias.data, bias.offset, out.data, i * n, n);
        }
        int ldb = transB ? k : n;
        boolean cached = PackedWeights.worthCaching(b, m);
        if (cached) Gemm.gemm(out.data, 0, n, a.data, a.offset, k, false, PackedWeights.of(b, transB, k, n), m);
        else Gemm.gemm(out.data, 0, n, a.data, a.offset, k, false, b.data, b.offset, ldb, transB, m, n, k);
        if (!Autograd.needsGrad(a, b, bias)) return out;
        return Autograd.record(name, out, () -> {
            if (Autograd.wants(bias)) { // dbias[j] += sum_i dC[i, j]
                float[] gb = Autograd.grad(bias);
                int gbo = Autograd.gradOffset(bias);
                for (int i = 0; i < m; i++) {
                    int row = out.gradOffset + i * n;
                    for (int j = 0; j < n; j++) gb[gbo + j] += out.grad[row + j];
                }
            }
            if (Autograd.wants(a)) { // dA[m,k] += dC[m,n] op(B)^T
                if (cached) {
                    Gemm.gemm(Autograd.grad(a), Autograd.gradOffset(a), k, out.grad, out.gradOffset, n, false,
                            PackedWeights.of(b, !transB, n, k), m);
                } else {
                    Gemm.gemm(Autograd.grad(a), Autograd.gradOffset(a), k, out.grad, out.gradOffset, n, false,
                            b.data, b.offset, ldb, !transB, m, k, n);
                }
            }
            if (Autograd.wants(b)) {
                if (transB) { // dB[n,k] += dC^T A
                    Gemm.gemm(Autograd.grad(b), Autograd.gradOffset(b), k, out.grad, out.gradOffset, n, true,
                            a.data, a.offset, k, false, n, k, m);
                } else { // dB[k,n] += A^T dC
                    Gemm.gemm(Autograd.grad(b), Autograd.gradOffset(b), n, a.data, a.offset, k, true,
                            out.grad, out.gradOffset, n, false, k, n, m);
                }
            }
        }, a, b, bias);
    }

    /** Batched product [B, M, K] x [B, K, N] (or x [B, N, K]^T when transB), as torch.bmm. */
    public static Tensor bmm(Tensor a, Tensor b, boolean transB) {
        if (a.rank() != 3 || b.rank() != 3 || a.dim(0) != b.dim(0)) {
            throw new IllegalArgumentException("bmm expected [B, M, K] and [B, " + (transB ? "N, K" : "K, N")
                    + "], got " + Shape.str(a.shape()) + " and " + Shape.str(b.shape()));
        }
        int batch = a.dim(0), m = a.dim(1), k = a.dim(2);
        int n = transB ? b.dim(1) : b.dim(2);
        int bk = transB ? b.dim(2) : b.dim(1);
        if (bk != k) {
            throw new IllegalArgumentException("bmm inner dimensions differ: " + Shape.str(a.shape()) + " and "
                    + Shape.str(b.shape()) + (transB ? " (transposed)" : ""));
        }
        int ldb = transB ? k : n;
        Tensor out = Tensor.zeros(batch, m, n);
        for (int i = 0; i < batch; i++) {
            Gemm.gemm(out.data, i * m * n, n, a.data, a.offset + i * m * k, k, false,
                    b.data, b.offset + i * k * n, ldb, transB, m, n, k);
        }
        if (!Autograd.needsGrad(a, b)) return out;
        return Autograd.record("bmm", out, () -> {
            for (int i = 0; i < batch; i++) {
                int co = out.gradOffset + i * m * n;
                if (Autograd.wants(a)) {
                    Gemm.gemm(Autograd.grad(a), Autograd.gradOffset(a) + i * m * k, k, out.grad, co, n, false,
                            b.data, b.offset + i * k * n, ldb, !transB, m, k, n);
                }
                if (Autograd.wants(b)) {
                    if (transB) {
                        Gemm.gemm(Autograd.grad(b), Autograd.gradOffset(b) + i * k * n, k, out.grad, co, n, true,
                                a.data, a.offset + i * m * k, k, false, n, k, m);
                    } else {
                        Gemm.gemm(Autograd.grad(b), Autograd.gradOffset(b) + i * k * n, n,
                                a.data, a.offset + i * m * k, k, true, out.grad, co, n, false, k, n, m);
                    }
                }
            }
        }, a, b);
    }

    /** x [..., in] W^T + b, with W [out, in] and b [out] or null: torch.nn.functional.linear. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (bias == null) return matmulTransposed(x, weight);
        int k = x.dim(-1);
        if (weight.rank() != 2 || weight.dim(1) != k) {
            throw new IllegalArgumentException("expected weight of shape [*, " + k + "], got " + Shape.str(weight.shape()));
        }
        int n = weight.dim(0);
        Shape.expect("bias", bias, n);
        int[] shape = x.shape();
        shape[shape.length - 1] = n;
        return mm("linear", x, weight, bias, Shape.prod(x.shape(), 0, x.rank() - 1), n, k, true, shape);
    }

    // ---------------------------------------------------------------- reductions

    public static Tensor sum(Tensor a) {
        Tensor out = Tensor.scalar((float) Reductions.sum(a.data, a.offset, a.numel()));
        if (!Autograd.needsGrad(a)) return out;
        return Autograd.record("sum", out, () -> {
            float g = out.grad[out.gradOffset];
            float[] ga = Autograd.grad(a);
            int gao = Autograd.gradOffset(a);
            for (int k = 0; k < a.numel(); k++) ga[gao + k] += g;
        }, a);
    }

    public static Tensor mean(Tensor a) {
        return mulScalar(sum(a), 1f / a.numel());
    }

    /** Sum over dimension {@code dim}, kept as size 1 when {@code keepDim}. */
    public static Tensor sum(Tensor a, int dim, boolean keepDim) {
        int rank = a.rank();
        int d = Shape.axis(dim, rank);
        int[] in = a.shape();
        int outer = Shape.prod(in, 0, d), size = in[d], inner = Shape.prod(in, d + 1, rank);
        Tensor out = Tensor.zeros(reducedShape(in, d, keepDim));
        for (int o = 0; o < outer; o++) {
            for (int s = 0; s < size; s++) {
                int src = a.offset + (o * size + s) * inner;
                for (int i = 0; i < inner; i++) out.data[o * inner + i] += a.data[src + i];
            }
        }
        if (!Autograd.needsGrad(a)) return out;
        return Autograd.record("sum_dim", out, () -> {
            float[] ga = Autograd.grad(a);
            int gao = Autograd.gradOffset(a);
            for (int o = 0; o < outer; o++) {
                for (int s = 0; s < size; s++) {
                    int dst = gao + (o * size + s) * inner;
                    for (int i = 0; i < inner; i++) ga[dst + i] += out.grad[out.gradOffset + o * inner + i];
                }
            }
        }, a);
    }

    public static Tensor mean(Tensor a, int dim, boolean keepDim) {
        return mulScalar(sum(a, dim, keepDim), 1f / a.dim(dim));
    }

    /** Maximum over {@code dim}; the gradient flows to the first maximal position, as torch.max(dim). */
    public static Tensor max(Tensor a, int dim, boolean keepDim) {
        int rank = a.rank();
        int d = Shape.axis(dim, rank);
        int[] in = a.shape();
        int outer = Shape.prod(in, 0, d), size = in[d], inner = Shape.prod(in, d + 1, rank);
        if (size == 0) throw new IllegalArgumentException("max over an empty dimension " + d + " of " + Shape.str(in));
        Tensor out = Tensor.zeros(reducedShape(in, d, keepDim));
        int[] arg = new int[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int best = 0;
                float bv = a.data[a.offset + o * size * inner + i];
                for (int s = 1; s < size; s++) {
                    float v = a.data[a.offset + (o * size + s) * inner + i];
                    if (v > bv || Float.isNaN(v) && !Float.isNaN(bv)) {
                        bv = v;
                        best = s;
                    }
                }
                out.data[o * inner + i] = bv;
                arg[o * inner + i] = best;
            }
        }
        if (!Autograd.needsGrad(a)) return out;
        return Autograd.record("max_dim", out, () -> {
            float[] ga = Autograd.grad(a);
            int gao = Autograd.gradOffset(a);
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    ga[gao + (o * size + arg[o * inner + i]) * inner + i] += out.grad[out.gradOffset + o * inner + i];
                }
            }
        }, a);
    }

    private static int[] reducedShape(int[] in, int d, boolean keepDim) {
        if (keepDim) {
            int[] s = in.clone();
            s[d] = 1;
            return s;
        }
        int[] s = new int[in.length - 1];
        for (int i = 0, k = 0; i < in.length; i++) if (i != d) s[k++] = in[i];
        return s;
    }

    // ---------------------------------------------------------------- softmax

    public static Tensor softmax(Tensor a, int dim) {
        return softmaxLike(a, dim, false);
    }

    public static Tensor logSoftmax(Tensor a, int dim) {
        return softmaxLike(a, dim, true);
    }

    private static Tensor softmaxLike(Tensor a, int dim, boolean log) {
        int rank = a.rank();
        int d = Shape.axis(dim, rank);
        if (d != rank - 1) {
            // Move the dimension last, reduce there, move it back: the kernels work on contiguous rows.
            Tensor moved = transpose(a, d, rank - 1);
            return transpose(softmaxLike(moved, -1, log), d, rank - 1);
        }
        int n = a.dim(-1), rows = a.numel() / Math.max(1, n);
        Tensor out = Tensor.zeros(a.shape());
        if (log) Softmax.logSoftmax(out.data, 0, a.data, a.offset, rows, n);
        else Softmax.softmax(out.data, 0, a.data, a.offset, rows, n);
        if (!Autograd.needsGrad(a)) return out;
        return Autograd.record(log ? "log_softmax" : "softmax", out, () -> {
            if (log) {
                Softmax.logSoftmaxBackward(Autograd.grad(a), Autograd.gradOffset(a), out.data, 0, out.grad,
                        out.gradOffset, rows, n);
            } else {
                Softmax.softmaxBackward(Autograd.grad(a), Autograd.gradOffset(a), out.data, 0, out.grad,
                        out.gradOffset, rows, n);
            }
        }, a);
    }

    /**
     * Where {@code mask} (broadcastable to a, non-zero = masked) is set, the value {@code value}; elsewhere a.
     * Masked positions get no gradient. With value = -inf before a softmax, masked positions get exactly 0.
     */
    public static Tensor maskedFill(Tensor a, Tensor mask, float value) {
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

    // ---------------------------------------------------------------- embedding, dropout, normalization

    /** Rows of {@code weight} [V, D] for each id; output shape is idsShape + [D], as torch.nn.functional.embedding. */
    public static Tensor embedding(Tensor weight, int[] ids, int[] idsShape) {
        return embedding(weight, ids, idsShape, OptionalInt.empty());
    }

    /**
     * As {@link #embedding(Tensor, int[], int[])}, with the row at {@code paddingIdx} getting no gradient; a
     * negative index counts from the end (-1 is the last row), as torch's {@code padding_idx}.
     */
    public static Tensor embedding(Tensor weight, int[] ids, int[] idsShape, int paddingIdx) {
        return embedding(weight, ids, idsShape, OptionalInt.of(paddingIdx));
    }

    /** As {@link #embedding(Tensor, int[], int[], int)}; an empty {@code paddingIdx} is no padding row. */
    public static Tensor embedding(Tensor weight, int[] ids, int[] idsShape, OptionalInt paddingIdx) {
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("expected embedding weight of shape [V, D], got " + Shape.str(weight.shape()));
        }
        int vocab = weight.dim(0), dimD = weight.dim(1);
        final int padding = paddingIdx.isPresent() ? paddingRow(paddingIdx.getAsInt(), vocab) : -1;
        if (Shape.numel(idsShape) != ids.length) {
            throw new IllegalArgumentException("ids shape " + Shape.str(idsShape) + " needs " + Shape.numel(idsShape)
                    + " ids, got " + ids.length);
        }
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new IndexOutOfBoundsException("token id " + ids[i] + " at position " + i
                        + " is outside the embedding's vocabulary [0, " + vocab + ")");
            }
        }
        int[] shape = Arrays.copyOf(idsShape, idsShape.length + 1);
        shape[idsShape.length] = dimD;
        Tensor out = Tensor.zeros(shape);
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(weight.data, weight.offset + ids[i] * dimD, out.data, i * dimD, dimD);
        }
        if (!Autograd.needsGrad(weight)) return out;
        return Autograd.record("embedding", out, () -> {
            float[] gw = Autograd.grad(weight);
            int gwo = Autograd.gradOffset(weight);
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] == padding) continue;
                int dst = gwo + ids[i] * dimD, src = out.gradOffset + i * dimD;
                for (int j = 0; j < dimD; j++) gw[dst + j] += out.grad[src + j];
            }
        }, weight);
    }

    /**
     * The padding row for {@code paddingIdx} in a table of {@code rows}: itself, or counted from the end when
     * negative, as torch.nn.Embedding normalises {@code padding_idx}.
     */
    public static int paddingRow(int paddingIdx, int rows) {
        if (paddingIdx < -rows || paddingIdx >= rows) {
            throw new IllegalArgumentException("paddingIdx must be in [-" + rows + ", " + rows + ") for " + rows
                    + " embeddings, got " + paddingIdx);
        }
        return paddingIdx < 0 ? paddingIdx + rows : paddingIdx;
    }

    /** Inverted dropout: zeroes each value with probability p and scales the rest by 1/(1-p). */
    public static Tensor dropout(Tensor a, float p, Rng rng) {
        if (p < 0f || p >= 1f) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        if (p == 0f) return a;
        int n = a.numel();
        float scale = 1f / (1f - p);
        float[] keep = new float[n];
        for (int k = 0; k < n; k++) keep[k] = rng.uniform() >= p ? scale : 0f;
        Tensor out = Tensor.zeros(a.shape());
        for (int k = 0; k < n; k++) out.data[k] = a.data[a.offset + k] * keep[k];
        if (!Autograd.needsGrad(a)) return out;
        return Autograd.record("dropout", out, () -> {
            float[] ga = Autograd.grad(a);
            int gao = Autograd.gradOffset(a);
            for (int k = 0; k < n; k++) ga[gao + k] += out.grad[out.gradOffset + k] * keep[k];
        }, a);
    }

    /** Layer normalization over the last dimension, with optional affine gamma and beta [D]. */
    public static Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        int d = x.dim(-1), rows = x.numel() / Math.max(1, d);
        if (gamma != null) Shape.expect("layer norm weight", gamma, d);
        if (beta != null) Shape.expect("layer norm bias", beta, d);
        Tensor out = Tensor.zeros(x.shape());
        float[] xhat = new float[x.numel()];
        float[] invStd = new float[rows];
        for (int r = 0; r < rows; r++) {
            int o = x.offset + r * d;
            double mean = 0;
            for (int j = 0; j < d; j++) mean += x.data[o + j];
            mean /= d;
            double var = 0;
            for (int j = 0; j < d; j++) {
                double c = x.data[o + j] - mean;
                var += c * c;
            }
            var /= d; // biased, as PyTorch
            float is = (float) (1.0 / Math.sqrt(var + eps));
            invStd[r] = is;
            for (int j = 0; j < d; j++) {
                float h = (float) ((x.data[o + j] - mean) * is);
                xhat[r * d + j] = h;
                float y = h;
                if (gamma != null) y *= gamma.data[gamma.offset + j];
                if (beta != null) y += beta.data[beta.offset + j];
                out.data[r * d + j] = y;
            }
        }
        if (!Autograd.needsGrad(x, gamma, beta)) return out;
        Tensor[] inputs = {x, gamma, beta};
        Autograd.record("layer_norm", inputs, new Tensor[] {out}, () -> {
            float[] gy = out.grad;
            int go = out.gradOffset;
            if (Autograd.wants(gamma)) {
                float[] gg = Autograd.grad(gamma);
                int ggo = Autograd.gradOffset(gamma);
                for (int r = 0; r < rows; r++) for (int j = 0; j < d; j++) gg[ggo + j] += gy[go + r * d + j] * xhat[r * d + j];
            }
            if (Autograd.wants(beta)) Reductions.sumRows(Autograd.grad(beta), Autograd.gradOffset(beta), gy, go, rows, d);
            if (Autograd.wants(x)) {
                float[] gx = Autograd.grad(x);
                int gxo = Autograd.gradOffset(x);
                for (int r = 0; r < rows; r++) {
                    double sumG = 0, sumGx = 0;
                    for (int j = 0; j < d; j++) {
                        float g = gy[go + r * d + j] * (gamma == null ? 1f : gamma.data[gamma.offset + j]);
                        sumG += g;
                        sumGx += g * xhat[r * d + j];
                    }
                    for (int j = 0; j < d; j++) {
                        float g = gy[go + r * d + j] * (gamma == null ? 1f : gamma.data[gamma.offset + j]);
                        gx[gxo + r * d + j] += (float) (invStd[r] * (g - sumG / d - xhat[r * d + j] * sumGx / d));
                    }
                }
            }
        });
        return out;
    }
}
