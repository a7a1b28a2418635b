package org.grukit.core;

import static org.grukit.core.GradCheck.assertPasses;
import static org.grukit.core.GradCheck.check;

import org.junit.jupiter.api.Test;

/** Finite-difference gradient checks for every general op, on tiny shapes. */
class OpsGradTest {
    private final Rng rng = new Rng(7);

    private Tensor leaf(int... shape) {
        return Tensor.randn(rng, shape).requiresGrad(true);
    }

    private Tensor positive(int... shape) {
        return Tensor.uniform(rng, 0.5f, 2f, shape).requiresGrad(true);
    }

    @Test
    void elementwiseBinaryWithBroadcasting() {
        Tensor a = leaf(2, 3, 4), b = leaf(3, 1), c = leaf(4), d = positive(2, 1, 4);
        assertPasses("add", check(x -> Ops.add(x[0], x[1]), a, b));
        assertPasses("sub", check(x -> Ops.sub(x[0], x[1]), a, c));
        assertPasses("mul", check(x -> Ops.mul(x[0], x[1]), a, b));
        assertPasses("div", check(x -> Ops.div(x[0], x[1]), a, d));
        assertPasses("maximum", check(x -> Ops.maximum(x[0], x[1]), leaf(3, 4), leaf(3, 4)));
    }

    /** Shape pairs that exercise each way a broadcast run can form: middle, leading, trailing, both sides, rank. */
    private static final int[][][] BROADCAST_PAIRS = {
        {{2, 1, 3, 4}, {2, 5, 1, 4}}, {{3, 1}, {1, 4}}, {{4}, {2, 3, 4}}, {{1}, {2, 3}}, {{2, 3, 1}, {2, 3, 5}},
        {{5, 7}, {7}}, {{2, 1, 1, 6}, {2, 1, 4, 6}}, {{1, 3, 1}, {2, 1, 2}}, {{2, 3}, {2, 3}}, {{3, 1, 1}, {1, 1, 1}},
    };

    @Test
    void broadcastingMatchesElementByElementIndexing() {
        for (int[][] pair : BROADCAST_PAIRS) {
            Tensor a = Tensor.randn(rng, pair[0]), b = Tensor.randn(rng, pair[1]);
            Tensor sum = Ops.add(a, b), diff = Ops.sub(a, b), prod = Ops.mul(a, b), max = Ops.maximum(a, b);
            int[] shape = sum.shape();
            int[] idx = new int[shape.length];
            for (int k = 0; k < sum.numel(); k++) {
                float x = a.array()[a.offset() + broadcastIndex(pair[0], shape, idx)];
                float y = b.array()[b.offset() + broadcastIndex(pair[1], shape, idx)];
                String where = Shape.str(pair[0]) + " and " + Shape.str(pair[1]) + " at " + java.util.Arrays.toString(idx);
                org.junit.jupiter.api.Assertions.assertEquals(x + y, sum.toArray()[k], 0f, "add " + where);
                org.junit.jupiter.api.Assertions.assertEquals(x - y, diff.toArray()[k], 0f, "sub " + where);
                org.junit.jupiter.api.Assertions.assertEquals(x * y, prod.toArray()[k], 0f, "mul " + where);
                org.junit.jupiter.api.Assertions.assertEquals(Math.max(x, y), max.toArray()[k], 0f, "maximum " + where);
                for (int i = shape.length - 1; i >= 0 && ++idx[i] == shape[i]; i--) idx[i] = 0;
            }
        }
    }

    /** The row-major position in an operand of shape {@code src} of output index {@code idx} (right-aligned). */
    private static int broadcastIndex(int[] src, int[] out, int[] idx) {
        int pos = 0, off = out.length - src.length;
        for (int i = 0; i < src.length; i++) pos = pos * src[i] + (src[i] == 1 ? 0 : idx[i + off]);
        return pos;
    }

    @Test
    void broadcastingGradients() {
        for (int[][] pair : BROADCAST_PAIRS) {
            String shapes = Shape.str(pair[0]) + " and " + Shape.str(pair[1]);
            assertPasses("add " + shapes, check(x -> Ops.add(x[0], x[1]), leaf(pair[0]), leaf(pair[1])));
            assertPasses("sub " + shapes, check(x -> Ops.sub(x[0], x[1]), leaf(pair[0]), leaf(pair[1])));
            assertPasses("mul " + shapes, check(x -> Ops.mul(x[0], x[1]), leaf(pair[0]), leaf(pair[1])));
            assertPasses("div " + shapes, check(x -> Ops.div(x[0], x[1]), leaf(pair[0]), positive(pair[1])));
        }
        Tensor same = leaf(2, 3);
        assertPasses("mul of a tensor by itself", check(x -> Ops.mul(x[0], x[0]), same));
    }

    @Test
    void linearWithBiasAndMaskedFill() {
        assertPasses("linear", check(x -> Ops.linear(x[0], x[1], x[2]), leaf(2, 3, 4), leaf(5, 4), leaf(5)));
        assertPasses("linear without bias", check(x -> Ops.linear(x[0], x[1], null), leaf(3, 4), leaf(5, 4)));
        Tensor mask = Tensor.of(new float[] {0, 1, 0, 0, 0, 1}, 2, 1, 3);
        assertPasses("masked_fill", check(x -> Ops.maskedFill(x[0], mask, 0f), leaf(2, 4, 3)));
        Tensor filled = Ops.maskedFill(Tensor.zeros(2, 4, 3), mask, -1f);
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 4; t++) {
                for (int s = 0; s < 3; s++) {
                    org.junit.jupiter.api.Assertions.assertEquals(mask.toArray()[b * 3 + s] != 0 ? -1f : 0f,
                            filled.toArray()[(b * 4 + t) * 3 + s], "masked_fill at " + b + "," + t + "," + s);
                }
            }
        }
    }

    @Test
    void elementwiseUnary() {
        assertPasses("neg", check(x -> Ops.neg(x[0]), leaf(3, 4)));
        assertPasses("add_scalar", check(x -> Ops.addScalar(x[0], 2.5f), leaf(3, 4)));
        assertPasses("mul_scalar", check(x -> Ops.mulScalar(x[0], -1.5f), leaf(3, 4)));
        assertPasses("pow", check(x -> Ops.pow(x[0], 3f), leaf(3, 4)));
        assertPasses("exp", check(x -> Ops.exp(x[0]), leaf(3, 4)));
        assertPasses("log", check(x -> Ops.log(x[0]), positive(3, 4)));
        assertPasses("sqrt", check(x -> Ops.sqrt(x[0]), positive(3, 4)));
        assertPasses("tanh", check(x -> Ops.tanh(x[0]), leaf(3, 4)));
        assertPasses("sigmoid", check(x -> Ops.sigmoid(x[0]), leaf(3, 4)));
        assertPasses("gelu", check(x -> Ops.gelu(x[0]), leaf(3, 4)));
        // relu and abs are checked away from their kink, where the difference quotient is meaningful.
        assertPasses("relu", check(x -> Ops.relu(x[0]), Ops.mul(positive(3, 4), Tensor.of(
                new float[] {1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1}, 3, 4)).detach().requiresGrad(true)));
        assertPasses("abs", check(x -> Ops.abs(x[0]), positive(3, 4)));
    }

    @Test
    void shapeOps() {
        assertPasses("reshape", check(x -> Ops.reshape(x[0], 4, -1), leaf(2, 3, 4)));
        assertPasses("permute", check(x -> Ops.permute(x[0], 2, 0, 1), leaf(2, 3, 4)));
        assertPasses("transpose", check(x -> Ops.transpose(x[0], 0, 2), leaf(2, 3, 4)));
        assertPasses("transpose keeping rows", check(x -> Ops.transpose(x[0], 0, 1), leaf(2, 3, 4)));
        assertPasses("permute keeping rows", check(x -> Ops.permute(x[0], 2, 1, 0, 3), leaf(2, 3, 2, 3)));
        assertPasses("concat", check(x -> Ops.concat(1, x[0], x[1]), leaf(2, 3, 4), leaf(2, 2, 4)));
        assertPasses("stack", check(x -> Ops.stack(1, x[0], x[1]), leaf(2, 3), leaf(2, 3)));
        assertPasses("narrow", check(x -> Ops.narrow(x[0], 1, 1, 2), leaf(2, 4, 3)));
        assertPasses("select", check(x -> Ops.select(x[0], 0, 1), leaf(3, 4)));
        assertPasses("index_select", check(x -> Ops.indexSelect(x[0], new int[] {2, 0, 2, 1}), leaf(3, 2, 2)));
    }

    @Test
    void products() {
        assertPasses("matmul", check(x -> Ops.matmul(x[0], x[1]), leaf(3, 4), leaf(4, 5)));
        assertPasses("matmul 3d x 2d", check(x -> Ops.matmul(x[0], x[1]), leaf(2, 3, 4), leaf(4, 5)));
        assertPasses("matmul_t", check(x -> Ops.matmulTransposed(x[0], x[1]), leaf(2, 3, 4), leaf(5, 4)));
        assertPasses("bmm", check(x -> Ops.bmm(x[0], x[1], false), leaf(2, 3, 4), leaf(2, 4, 5)));
        assertPasses("bmm transposed", check(x -> Ops.bmm(x[0], x[1], true), leaf(2, 3, 4), leaf(2, 5, 4)));
        assertPasses("linear", check(x -> Ops.linear(x[0], x[1], x[2]), leaf(2, 3, 4), leaf(5, 4), leaf(5)));
    }

    @Test
    void reductions() {
        assertPasses("sum", check(x -> Ops.sum(x[0]), leaf(3, 4)));
        assertPasses("mean", check(x -> Ops.mean(x[0]), leaf(3, 4)));
        assertPasses("sum dim", check(x -> Ops.sum(x[0], 1, false), leaf(2, 3, 4)));
        assertPasses("mean dim keep", check(x -> Ops.mean(x[0], 0, true), leaf(2, 3, 4)));
        assertPasses("max dim", check(x -> Ops.max(x[0], 1, false), leaf(2, 5, 3)));
    }

    @Test
    void softmaxFamilyOnEveryDimension() {
        for (int dim = 0; dim < 3; dim++) {
            final int d = dim;
            assertPasses("softmax dim " + d, check(x -> Ops.softmax(x[0], d), leaf(2, 3, 4)));
            assertPasses("log_softmax dim " + d, check(x -> Ops.logSoftmax(x[0], d), leaf(2, 3, 4)));
        }
        Tensor mask = Tensor.of(new float[] {0, 0, 1, 0, 1, 0}, 2, 1, 3);
        assertPasses("masked softmax", check(x -> Ops.softmax(Ops.maskedFill(x[0], mask, Float.NEGATIVE_INFINITY), -1),
                leaf(2, 4, 3)));
    }

    @Test
    void embeddingDropoutLayerNorm() {
        int[] ids = {1, 0, 3, 1, 2, 0};
        assertPasses("embedding", check(x -> Ops.embedding(x[0], ids, new int[] {2, 3}), leaf(4, 3)));
        // With padding index 0, row 0 gets no gradient though it was looked up twice; the others do.
        Tensor w = leaf(4, 3);
        Ops.sum(Ops.embedding(w, ids, new int[] {2, 3}, 0)).backward();
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {0, 0, 0, 2, 2, 2, 1, 1, 1, 1, 1, 1},
                w.grad().toArray());
        // A fresh generator with the same seed per call: the same mask for every evaluation.
        assertPasses("dropout", check(x -> Ops.dropout(x[0], 0.3f, new Rng(5)), leaf(4, 5)));
        assertPasses("layer_norm", check(x -> Ops.layerNorm(x[0], x[1], x[2], 1e-5f), leaf(3, 6), leaf(6), leaf(6)));
    }

    @Test
    void losses() {
        int[] targets = {2, 0, -100, 1};
        org.grukit.core.nn.Losses.CrossEntropyOptions opt = org.grukit.core.nn.Losses.CrossEntropyOptions.defaults()
                .withWeight(new float[] {0.5f, 2f, 1f}).withLabelSmoothing(0.2f);
        assertPasses("cross_entropy", check(x -> org.grukit.core.nn.Losses.crossEntropy(x[0], targets, opt), leaf(4, 3)));
        assertPasses("cross_entropy none", check(x -> org.grukit.core.nn.Losses.crossEntropy(x[0], targets,
                opt.withReduction(org.grukit.core.nn.Reduction.NONE)), leaf(4, 3)));
        Tensor y = Tensor.of(new float[] {1, 0, 1, 0, 0, 1}, 2, 3);
        assertPasses("bce_with_logits", check(x -> org.grukit.core.nn.Losses.bceWithLogits(x[0], y,
                Tensor.of(new float[] {1f, 2f, 0.5f}, 3), org.grukit.core.nn.Reduction.MEAN), leaf(2, 3)));
        assertPasses("mse", check(x -> org.grukit.core.nn.Losses.mse(x[0], x[1], org.grukit.core.nn.Reduction.SUM),
                leaf(2, 3), leaf(2, 3)));
    }
}
