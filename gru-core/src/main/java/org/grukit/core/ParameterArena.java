package org.grukit.core;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model's parameters packed into one flat array, with their gradients in a second one of the same
 * layout: each parameter tensor becomes a view at its offset. Zeroing gradients, clipping, optimiser
 * steps and saving are then single passes over contiguous memory.
 *
 * <p>The parameters share one storage version ({@link Tensor#version()}): an optimiser step, a {@link #load}
 * or a write through any parameter bumps it. Code that writes into {@link #data()} itself calls
 * {@link #bumpVersion()} after, as the optimisers here do.
 */
public final class ParameterArena {
    private final float[] data;
    private final float[] grad;
    private final Map<String, Tensor> params;
    private final Map<String, Integer> offsets;
    private final StorageVersion version = new StorageVersion();

    /** Packs {@code named} (in order) and re-points each tensor's data and gradient into the arena. */
    public ParameterArena(Map<String, Tensor> named) {
        long total = 0;
        for (Tensor t : named.values()) total += t.numel();
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a model of " + total + " parameters does not fit one array");
        }
        data = new float[(int) total];
        grad = new float[(int) total];
        LinkedHashMap<String, Integer> offs = new LinkedHashMap<>();
        int at = 0;
        for (Map.Entry<String, Tensor> e : named.entrySet()) {
            Tensor t = e.getValue();
            System.arraycopy(t.data, t.offset, data, at, t.numel());
            if (t.grad != null) System.arraycopy(t.grad, t.gradOffset, grad, at, t.numel());
            t.data = data;
            t.offset = at;
            t.version = version;
            t.grad = grad;
            t.gradOffset = at;
            offs.put(e.getKey(), at);
            at += t.numel();
        }
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(named));
        this.offsets = Collections.unmodifiableMap(offs);
    }

    /**
     * All parameter values, flat. A write into this array must be followed by {@link #bumpVersion()}, or
     * cached forms of the old values (packed weights) may still be used.
     */
    public float[] data() {
        return data;
    }

    /** Replaces every parameter value with {@code values} (the arena's layout, as {@link #data()}). */
    public void load(float[] values) {
        if (values.length != data.length) {
            throw new IllegalArgumentException("expected " + data.length + " parameter values, got " + values.length);
        }
        System.arraycopy(values, 0, data, 0, data.length);
        version.bump();
    }

    /** The number of writes to the parameters so far; see {@link Tensor#version()}. */
    public long version() {
        return version.get();
    }

    /** Records a write made directly into {@link #data()}. */
    public void bumpVersion() {
        version.bump();
    }

    /** All gradients, flat, in the same layout as {@link #data()}. */
    public float[] grad() {
        return grad;
    }

    public int size() {
        return data.length;
    }

    public Map<String, Tensor> parameters() {
        return params;
    }

    public int offsetOf(String name) {
        Integer o = offsets.get(name);
        if (o == null) throw new IllegalArgumentException("no parameter named " + name);
        return o;
    }

    /** True while {@code t}'s storage is this arena's (a parameter packed here, not re-packed since). */
    public boolean holds(Tensor t) {
        return t.data == data;
    }

    public void zeroGrad() {
        Arrays.fill(grad, 0f);
    }

    /** The L2 norm of all gradients together. */
    public double gradNorm() {
        double s = 0;
        for (float g : grad) s += (double) g * g;
        return Math.sqrt(s);
    }

    /**
     * Scales all gradients so their global L2 norm is at most {@code maxNorm}, as
     * torch.nn.utils.clip_grad_norm_; returns the norm before clipping.
     */
    public double clipGradNorm(double maxNorm) {
        double norm = gradNorm();
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1.0) {
            float c = (float) coef;
            for (int i = 0; i < grad.length; i++) grad[i] *= c;
        }
        return norm;
    }

    /** True when every value and gradient is finite. */
    public boolean allFinite() {
        for (float v : data) if (!Float.isFinite(v)) return false;
        for (float g : grad) if (!Float.isFinite(g)) return false;
        return true;
    }
}
