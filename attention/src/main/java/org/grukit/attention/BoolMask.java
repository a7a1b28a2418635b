package org.grukit.attention;

import org.grukit.core.Shape;
import org.grukit.core.Tensor;

/**
 * A boolean attention mask, as a {@code torch.bool} tensor in {@link MultiheadAttention}: true (stored as 1)
 * where attention is not allowed. grukit's tensors are all float, so the kind of a mask is said by its type:
 * a plain {@link Tensor} given as a mask is PyTorch's float mask, added to the scores; this one masks.
 */
public final class BoolMask {
    private final Tensor values; // 0 or 1, a copy owned here

    private BoolMask(Tensor values) {
        this.values = values;
    }

    /**
     * The mask of a 0/1 tensor (1 = may not attend), as {@code m.bool()} in PyTorch. Any other value is refused,
     * naming it, since it means the tensor was not meant as a boolean mask.
     */
    public static BoolMask of(Tensor m) {
        float[] d = m.array();
        for (int i = 0; i < m.numel(); i++) {
            float v = d[m.offset() + i];
            if (v != 0f && v != 1f) {
                throw new IllegalArgumentException("a boolean mask holds 0 (may attend) and 1 (may not), got " + v
                        + " at flat index " + i + " of shape " + Shape.str(m.shape())
                        + "; a mask of other values is a float mask, added to the scores: pass the tensor itself");
            }
        }
        return new BoolMask(m.copy());
    }

    /** The mask of {@code masked} (true = may not attend) laid out with {@code shape}. */
    public static BoolMask of(boolean[] masked, int... shape) {
        float[] d = new float[masked.length];
        for (int i = 0; i < d.length; i++) d[i] = masked[i] ? 1f : 0f;
        return new BoolMask(Tensor.of(d, shape));
    }

    /** [B, S]: true at positions at or past each sequence's length, a key padding mask. */
    public static BoolMask keyPadding(int[] lengths, int maxLength) {
        return new BoolMask(Masks.keyPadding(lengths, maxLength));
    }

    /** [T, T]: true above the diagonal, so a position may not attend to later ones. */
    public static BoolMask causal(int steps) {
        Tensor m = Tensor.zeros(steps, steps);
        for (int i = 0; i < steps; i++) for (int j = i + 1; j < steps; j++) m.set(1f, i, j);
        return new BoolMask(m);
    }

    public int[] shape() {
        return values.shape();
    }

    /** The mask as a 0/1 float tensor (a copy). */
    public Tensor toTensor() {
        return values.copy();
    }

    /** The 0/1 values, shared: for the ops that apply the mask. */
    Tensor values() {
        return values;
    }

    /** Whether entry {@code index} is masked. */
    public boolean get(int... index) {
        return values.get(index) != 0f;
    }
}
