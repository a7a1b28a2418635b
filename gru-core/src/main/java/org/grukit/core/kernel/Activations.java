package org.grukit.core.kernel;

/** Element-wise activation functions over float[] ranges, and their scalar forms. */
public final class Activations {
    private Activations() {}

    public static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    public static float tanh(float x) {
        return (float) Math.tanh(x);
    }

    public static void sigmoid(float[] out, int outOff, float[] x, int xOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = sigmoid(x[xOff + i]);
    }

    public static void tanh(float[] out, int outOff, float[] x, int xOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = tanh(x[xOff + i]);
    }
}
