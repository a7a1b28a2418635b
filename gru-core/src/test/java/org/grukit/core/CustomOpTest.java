package org.grukit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** The README's example of an op of one's own with its own backward: it computes, and its gradient passes GradCheck. */
class CustomOpTest {
    static Tensor square(Tensor x) {
        float[] v = x.toArray();
        for (int i = 0; i < v.length; i++) v[i] *= v[i];
        Tensor y = Tensor.of(v, x.shape());
        if (!Autograd.needsGrad(x)) return y;
        return Autograd.record("square", y, () -> {
            float[] xs = x.toArray(), gx = Autograd.grad(x), gy = Autograd.grad(y);
            int ox = Autograd.gradOffset(x), oy = Autograd.gradOffset(y);
            for (int i = 0; i < xs.length; i++) gx[ox + i] += 2 * xs[i] * gy[oy + i];
        }, x);
    }

    @Test
    void aSquareOpOfOnesOwnComputesAndPassesTheGradientCheck() {
        Tensor x = Tensor.randn(new Rng(4), 3, 5);
        assertArrayEquals(Ops.mul(x, x).toArray(), square(x).toArray(), 0f);
        // Composed with built-in ops, so its backward receives a gradient that is not all ones.
        GradCheck.assertPasses("square", GradCheck.check(in -> Ops.sum(Ops.mul(square(Ops.tanh(in[0])), in[1])), x.requiresGrad(true),
                Tensor.randn(new Rng(5), 3, 5).requiresGrad(true)));
    }
}
