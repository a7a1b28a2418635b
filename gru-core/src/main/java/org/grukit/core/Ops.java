package org.grukit.core;

import java.util.OptionalInt;

/**
 * Differentiable tensor operations, the one public facade over the op families ({@code ElementwiseOps},
 * {@code ShapeOps}, {@code MatmulOps}, {@code ReductionOps}, {@code NnOps}). Each op computes its result with the
 * kernels and, when an input wants a gradient and grad mode is on, records its backward function through
 * {@link Autograd#record}, which is also how an op of your own gets a backward (see {@link Autograd}). Names and
 * broadcasting follow PyTorch.
 */
public final class Ops {
    private Ops() {}

    public static Tensor add(Tensor a, Tensor b) {
        return ElementwiseOps.add(a, b);
    }

    public static Tensor sub(Tensor a, Tensor b) {
        return ElementwiseOps.sub(a, b);
    }

    public static Tensor mul(Tensor a, Tensor b) {
        return ElementwiseOps.mul(a, b);
    }

    public static Tensor div(Tensor a, Tensor b) {
        return ElementwiseOps.div(a, b);
    }

    public static Tensor maximum(Tensor a, Tensor b) {
        return ElementwiseOps.maximum(a, b);
    }

    public static Tensor neg(Tensor a) {
        return ElementwiseOps.neg(a);
    }

    public static Tensor addScalar(Tensor a, float s) {
        return ElementwiseOps.addScalar(a, s);
    }

    public static Tensor mulScalar(Tensor a, float s) {
        return ElementwiseOps.mulScalar(a, s);
    }

    public static Tensor pow(Tensor a, float p) {
        return ElementwiseOps.pow(a, p);
    }

    public static Tensor exp(Tensor a) {
        return ElementwiseOps.exp(a);
    }

    public static Tensor log(Tensor a) {
        return ElementwiseOps.log(a);
    }

    public static Tensor sqrt(Tensor a) {
        return ElementwiseOps.sqrt(a);
    }

    public static Tensor abs(Tensor a) {
        return ElementwiseOps.abs(a);
    }

    /** tanh through the gate kernels (vectorised, about 1 ulp), as the GRU layers compute it. */
    public static Tensor tanh(Tensor a) {
        return ElementwiseOps.tanh(a);
    }

    public static Tensor sigmoid(Tensor a) {
        return ElementwiseOps.sigmoid(a);
    }

    public static Tensor relu(Tensor a) {
        return ElementwiseOps.relu(a);
    }

    /** GELU, exact (erf) form as torch.nn.GELU() default. */
    public static Tensor gelu(Tensor a) {
        return ElementwiseOps.gelu(a);
    }

    /** Same values, new shape; one dimension may be -1 (inferred). Copy-free. */
    public static Tensor reshape(Tensor a, int... shape) {
        return ShapeOps.reshape(a, shape);
    }

    /** Reorders dimensions (a copy), as torch.permute. */
    public static Tensor permute(Tensor a, int... dims) {
        return ShapeOps.permute(a, dims);
    }

    /** Swaps two dimensions (a copy), as torch.transpose. */
    public static Tensor transpose(Tensor a, int d0, int d1) {
        return ShapeOps.transpose(a, d0, d1);
    }

    /** Joins tensors along {@code dim}; all other dimensions must agree. */
    public static Tensor concat(int dim, Tensor... parts) {
        return ShapeOps.concat(dim, parts);
    }

    /** Stacks same-shaped tensors along a new dimension {@code dim}. */
    public static Tensor stack(int dim, Tensor... parts) {
        return ShapeOps.stack(dim, parts);
    }

    /** The slice [start, start + length) of dimension {@code dim} (a copy), as torch.narrow. */
    public static Tensor narrow(Tensor a, int dim, int start, int length) {
        return ShapeOps.narrow(a, dim, start, length);
    }

    /** Index {@code index} of dimension {@code dim}, that dimension removed, as torch.select. */
    public static Tensor select(Tensor a, int dim, int index) {
        return ShapeOps.select(a, dim, index);
    }

    /**
     * Rows {@code index} of dimension 0 (repeats allowed), as torch.index_select(a, 0, index): how a beam search
     * reorders its states. The gradient of a row used twice is the sum of both.
     */
    public static Tensor indexSelect(Tensor a, int[] index) {
        return ShapeOps.indexSelect(a, index);
    }

    /**
     * Matrix product as torch.matmul for the cases models need: [M, K] x [K, N]; [..., M, K] x [K, N]
     * (a shared right-hand matrix); and batched [B, M, K] x [B, K, N].
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        return MatmulOps.matmul(a, b);
    }

    /** a [..., M, K] times b^T where b is [N, K]: the product with a stored weight. */
    public static Tensor matmulTransposed(Tensor a, Tensor b) {
        return MatmulOps.matmulTransposed(a, b);
    }

    /** Batched product [B, M, K] x [B, K, N] (or x [B, N, K]^T when transB), as torch.bmm. */
    public static Tensor bmm(Tensor a, Tensor b, boolean transB) {
        return MatmulOps.bmm(a, b, transB);
    }

    /** x [..., in] W^T + b, with W [out, in] and b [out] or null: torch.nn.functional.linear. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return MatmulOps.linear(x, weight, bias);
    }

    public static Tensor sum(Tensor a) {
        return ReductionOps.sum(a);
    }

    public static Tensor mean(Tensor a) {
        return ReductionOps.mean(a);
    }

    /** Sum over dimension {@code dim}, kept as size 1 when {@code keepDim}. */
    public static Tensor sum(Tensor a, int dim, boolean keepDim) {
        return ReductionOps.sum(a, dim, keepDim);
    }

    public static Tensor mean(Tensor a, int dim, boolean keepDim) {
        return ReductionOps.mean(a, dim, keepDim);
    }

    /** Maximum over {@code dim}; the gradient flows to the first maximal position, as torch.max(dim). */
    public static Tensor max(Tensor a, int dim, boolean keepDim) {
        return ReductionOps.max(a, dim, keepDim);
    }

    public static Tensor softmax(Tensor a, int dim) {
        return ReductionOps.softmax(a, dim);
    }

    public static Tensor logSoftmax(Tensor a, int dim) {
        return ReductionOps.logSoftmax(a, dim);
    }

    /**
     * Where {@code mask} (broadcastable to a, non-zero = masked) is set, the value {@code value}; elsewhere a.
     * Masked positions get no gradient. With value = -inf before a softmax, masked positions get exactly 0.
     */
    public static Tensor maskedFill(Tensor a, Tensor mask, float value) {
        return ElementwiseOps.maskedFill(a, mask, value);
    }

    /** Rows of {@code weight} [V, D] for each id; output shape is idsShape + [D], as torch.nn.functional.embedding. */
    public static Tensor embedding(Tensor weight, int[] ids, int[] idsShape) {
        return NnOps.embedding(weight, ids, idsShape);
    }

    /**
     * As {@link #embedding(Tensor, int[], int[])}, with the row at {@code paddingIdx} getting no gradient; a
     * negative index counts from the end (-1 is the last row), as torch's {@code padding_idx}.
     */
    public static Tensor embedding(Tensor weight, int[] ids, int[] idsShape, int paddingIdx) {
        return NnOps.embedding(weight, ids, idsShape, paddingIdx);
    }

    /** As {@link #embedding(Tensor, int[], int[], int)}; an empty {@code paddingIdx} is no padding row. */
    public static Tensor embedding(Tensor weight, int[] ids, int[] idsShape, OptionalInt paddingIdx) {
        return NnOps.embedding(weight, ids, idsShape, paddingIdx);
    }

    /**
     * The padding row for {@code paddingIdx} in a table of {@code rows}: itself, or counted from the end when
     * negative, as torch.nn.Embedding normalises {@code padding_idx}.
     */
    public static int paddingRow(int paddingIdx, int rows) {
        return NnOps.paddingRow(paddingIdx, rows);
    }

    /** Inverted dropout: zeroes each value with probability p and scales the rest by 1/(1-p). */
    public static Tensor dropout(Tensor a, float p, Rng rng) {
        return NnOps.dropout(a, p, rng);
    }

    /** Layer normalization over the last dimension, with optional affine gamma and beta [D]. */
    public static Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        return NnOps.layerNorm(x, gamma, beta, eps);
    }
}
