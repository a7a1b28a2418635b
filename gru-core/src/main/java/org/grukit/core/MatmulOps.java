package org.grukit.core;

import org.grukit.core.kernel.Gemm;

/**
 * Matrix products (matmul, the transposed form, batched, linear) on the GEMM kernels, each with its backward. Each
 * op is documented where users call it, on {@link Ops}.
 */
final class MatmulOps {
    private MatmulOps() {}

    static Tensor matmul(Tensor a, Tensor b) {
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

    static Tensor matmulTransposed(Tensor a, Tensor b) {
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

    static Tensor bmm(Tensor a, Tensor b, boolean transB) {
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

    static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
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
}
