package org.grukit.core;

import org.grukit.core.kernel.Reductions;
import org.grukit.core.kernel.Softmax;

/**
 * Reductions (sum, mean, max) and the softmaxes, each with its backward. Each op is documented where users call
 * it, on {@link Ops}.
 */
final class ReductionOps {
    private ReductionOps() {}

    static Tensor sum(Tensor a) {
        Tensor out = Tensor.scalar((float) Reductions.sum(a.data, a.offset, a.numel()));
        if (!Autograd.needsGrad(a)) return out;
        return Autograd.record("sum", out, () -> {
            float g = out.grad[out.gradOffset];
            float[] ga = Autograd.grad(a);
            int gao = Autograd.gradOffset(a);
            for (int k = 0; k < a.numel(); k++) ga[gao + k] += g;
        }, a);
    }

    static Tensor mean(Tensor a) {
        return Ops.mulScalar(sum(a), 1f / a.numel());
    }

    static Tensor sum(Tensor a, int dim, boolean keepDim) {
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

    static Tensor mean(Tensor a, int dim, boolean keepDim) {
        return Ops.mulScalar(sum(a, dim, keepDim), 1f / a.dim(dim));
    }

    static Tensor max(Tensor a, int dim, boolean keepDim) {
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


    static Tensor softmax(Tensor a, int dim) {
        return softmaxLike(a, dim, false);
    }

    static Tensor logSoftmax(Tensor a, int dim) {
        return softmaxLike(a, dim, true);
    }

    private static Tensor softmaxLike(Tensor a, int dim, boolean log) {
        int rank = a.rank();
        int d = Shape.axis(dim, rank);
        if (d != rank - 1) {
            // Move the dimension last, reduce there, move it back: the kernels work on contiguous rows.
            Tensor moved = Ops.transpose(a, d, rank - 1);
            return Ops.transpose(softmaxLike(moved, -1, log), d, rank - 1);
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

}
