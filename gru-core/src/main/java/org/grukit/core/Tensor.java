package org.grukit.core;

import java.util.Arrays;

/**
 * A dense, row-major float32 tensor over a contiguous stretch of a {@code float[]}, with an optional
 * gradient and the autograd node that produced it.
 *
 * <p>Data and gradient may be views into larger arrays (a model's parameters live in one {@link
 * ParameterArena}); {@link #array()} and {@link #offset()} expose the storage so kernels can work on it
 * directly. Operations live in {@link Ops}; the few instance methods here are conveniences over them.
 */
public final class Tensor {
    // Storage: package-private so ParameterArena can re-point parameters into its flat arrays.
    float[] data;
    int offset;
    float[] grad;
    int gradOffset;
    private final int[] shape;
    private final int size;
    boolean requiresGrad;
    /** The node that produced this tensor; null for leaves and for anything made with grad disabled. */
    Node creator;
    /**
     * The write counter of the storage, shared with every other tensor grukit made over it; re-pointed with
     * the storage by {@link ParameterArena}.
     */
    StorageVersion version;
    /**
     * Kernel data derived from this tensor's values (packed weight slices), each entry keyed to the storage
     * counter and its value at the time it was made, so a write through the API makes it unusable.
     */
    volatile Object kernelCache;
    /** Packed copies of this tensor as a matrix operand ({@link PackedWeights}), keyed to the storage version. */
    volatile Object packCache;

    /** A tensor over new storage, or storage no other grukit tensor views: a counter of its own. */
    Tensor(float[] data, int offset, int[] shape) {
        this(data, offset, shape, new StorageVersion());
    }

    /** A tensor over the storage {@code version} counts writes to (a view of another tensor's storage). */
    Tensor(float[] data, int offset, int[] shape, StorageVersion version) {
        this.version = version;
        this.shape = shape.clone();
        this.size = Shape.numel(this.shape);
        if (offset < 0 || offset + size > data.length) {
            throw new IllegalArgumentException("storage of length " + data.length + " at offset " + offset
                    + " cannot hold shape " + Shape.str(shape) + " (" + size + " values)");
        }
        this.data = data;
        this.offset = offset;
    }

    // ---- construction ----

    /**
     * Wraps {@code values} (no copy) as a tensor of the given shape. The caller hands the array over: a later
     * write into it by any other means than this tensor's methods must be followed by {@link #bumpVersion()}.
     */
    public static Tensor of(float[] values, int... shape) {
        Shape.check(shape);
        if (Shape.numel(shape) != values.length) {
            throw new IllegalArgumentException("shape " + Shape.str(shape) + " needs " + Shape.numel(shape)
                    + " values, got " + values.length);
        }
        return new Tensor(values, 0, shape);
    }

    /**
     * A view of {@code storage[offset, offset + numel(shape))}; no copy. Views made this way count their writes
     * apart: a write into {@code storage} through anything but this tensor (another view of the same array
     * included) must be followed by {@link #bumpVersion()} on this one.
     */
    public static Tensor view(float[] storage, int offset, int... shape) {
        Shape.check(shape);
        return new Tensor(storage, offset, shape);
    }

    public static Tensor zeros(int... shape) {
        Shape.check(shape);
        int n = Shape.numel(shape);
        AllocationBudget.charge(n);
        return new Tensor(new float[n], 0, shape);
    }

    public static Tensor full(float value, int... shape) {
        Tensor t = zeros(shape);
        Arrays.fill(t.data, value);
        return t;
    }

    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    public static Tensor scalar(float value) {
        return new Tensor(new float[] {value}, 0, new int[0]);
    }

    /** Standard normal values from {@code rng}. */
    public static Tensor randn(Rng rng, int... shape) {
        Tensor t = zeros(shape);
        for (int i = 0; i < t.size; i++) t.data[i] = (float) rng.normal();
        return t;
    }

    /** Uniform values in [lo, hi) from {@code rng}. */
    public static Tensor uniform(Rng rng, float lo, float hi, int... shape) {
        Tensor t = zeros(shape);
        for (int i = 0; i < t.size; i++) t.data[i] = (float) rng.uniform(lo, hi);
        return t;
    }

    // ---- shape and storage ----

    public int[] shape() {
        return shape.clone();
    }

    /** Size of dimension {@code d}; negative {@code d} counts from the end. */
    public int dim(int d) {
        return shape[Shape.axis(d, shape.length)];
    }

    public int rank() {
        return shape.length;
    }

    public int numel() {
        return size;
    }

    /**
     * The backing array; this tensor's values are {@code array()[offset() .. offset() + numel())}. Reading is
     * free; a write into it bypasses the version counter, so follow it with {@link #bumpVersion()}, or cached
     * forms of the old values (packed weights) may still be used.
     */
    public float[] array() {
        return data;
    }

    /**
     * The number of writes made to this tensor's storage through the API so far, as PyTorch's
     * {@code tensor._version}: {@link #set}, {@link #copyFrom}, {@link #fill}, optimiser steps and state-dict
     * loads each count. Tensors viewing the same storage share the count.
     */
    public long version() {
        return version.get();
    }

    /**
     * Records a write made directly into {@link #array()} (or into the arena's array): cached forms derived
     * from the old values are dropped on their next use.
     */
    public void bumpVersion() {
        version.bump();
    }

    public int offset() {
        return offset;
    }

    /** A copy of the values. */
    public float[] toArray() {
        return Arrays.copyOfRange(data, offset, offset + size);
    }

    public float get(int... index) {
        return data[offset + Shape.flatIndex(shape, index)];
    }

    /** Sets one value in place. Not recorded by autograd: use on data, not on intermediate results. */
    public void set(float value, int... index) {
        data[offset + Shape.flatIndex(shape, index)] = value;
        version.bump();
    }

    /** Sets every value to {@code value} in place; not recorded by autograd. */
    public void fill(float value) {
        Arrays.fill(data, offset, offset + size, value);
        version.bump();
    }

    /** The single value of a one-element tensor. */
    public float item() {
        if (size != 1) {
            throw new IllegalStateException("item() needs a one-element tensor, got shape " + Shape.str(shape));
        }
        return data[offset];
    }

    /** Copies {@code src}'s values into this tensor (same number of values); not recorded by autograd. */
    public void copyFrom(Tensor src) {
        if (src.size != size) {
            throw new IllegalArgumentException("copyFrom expected " + size + " values (shape " + Shape.str(shape)
                    + "), got " + src.size + " (shape " + Shape.str(src.shape) + ")");
        }
        System.arraycopy(src.data, src.offset, data, offset, size);
        version.bump();
    }

    /** An independent copy of the values, with no gradient history. */
    public Tensor copy() {
        return new Tensor(toArray(), 0, shape);
    }

    // ---- autograd ----

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf tensor as one whose gradient is wanted. */
    public Tensor requiresGrad(boolean on) {
        if (creator != null) {
            throw new IllegalStateException("requiresGrad can only be set on a leaf tensor; this one was made by "
                    + creator.name);
        }
        this.requiresGrad = on;
        return this;
    }

    /** True when this tensor was made by a recorded operation (not a leaf). */
    public boolean hasHistory() {
        return creator != null;
    }

    /** The accumulated gradient, as a tensor viewing the gradient storage; null before any backward. */
    public Tensor grad() {
        return grad == null ? null : new Tensor(grad, gradOffset, shape, StorageVersion.UNTRACKED);
    }

    /** Gradient storage, allocated (zeroed) on first use. Used by op backward functions. */
    float[] gradArray() {
        if (grad == null) {
            grad = new float[size];
            gradOffset = 0;
        }
        return grad;
    }

    public void zeroGrad() {
        if (grad != null) Arrays.fill(grad, gradOffset, gradOffset + size, 0f);
    }

    /** A tensor sharing these values with no history and no gradient. */
    public Tensor detach() {
        return new Tensor(data, offset, shape, version);
    }

    /** Back-propagates from this one-element tensor (its gradient seeded with 1). */
    public void backward() {
        if (size != 1) {
            throw new IllegalStateException("backward() without a gradient needs a one-element tensor, got shape "
                    + Shape.str(shape) + "; pass the output gradient with backward(Tensor)");
        }
        backward(Tensor.scalar(1f));
    }

    /** Back-propagates with {@code gradient} as d(loss)/d(this). */
    public void backward(Tensor gradient) {
        Autograd.backward(this, gradient);
    }

    // ---- conveniences over Ops ----

    public Tensor reshape(int... newShape) {
        return Ops.reshape(this, newShape);
    }

    public Tensor add(Tensor other) {
        return Ops.add(this, other);
    }

    public Tensor sub(Tensor other) {
        return Ops.sub(this, other);
    }

    public Tensor mul(Tensor other) {
        return Ops.mul(this, other);
    }

    public Tensor matmul(Tensor other) {
        return Ops.matmul(this, other);
    }

    public Tensor sum() {
        return Ops.sum(this);
    }

    public Tensor mean() {
        return Ops.mean(this);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Shape.str(shape)).append(" [");
        int n = Math.min(size, 8);
        for (int i = 0; i < n; i++) {
            if (i > 0) sb.append(", ");
            sb.append(data[offset + i]);
        }
        if (size > n) sb.append(", ...");
        sb.append(']');
        if (creator != null) sb.append(" <").append(creator.name).append('>');
        else if (requiresGrad) sb.append(" requiresGrad");
        return sb.toString();
    }
}
