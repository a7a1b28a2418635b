package org.grukit.core.kernel;

/** The scalar activation functions the plain kernels and the vector kernels' tails share. */
public final class Activations {
    private Activations() {}

    public static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    public static float tanh(float x) {
        return (float) Math.tanh(x);
    }
}
