package org.grukit.attention;

import org.grukit.core.Ops;
import org.grukit.core.Shape;
import org.grukit.core.Tensor;
import org.grukit.core.data.Batching;

/**
 * Key padding masks for grukit's attention layers and decoders: [B, S], 1 where a key is padding (to be
 * ignored) and 0 where it is real, as a boolean mask in torch.nn.MultiheadAttention. Masked scores become
 * -inf before the softmax, so masked positions get exactly zero weight; a query whose every key is masked
 * gets all-zero weights (PyTorch gives NaN there). {@link MultiheadAttention} takes masks as {@link BoolMask}
 * or as PyTorch's additive float masks.
 */
public final class Masks {
    private Masks() {}

    /** [B, S]: 1 at positions at or past each sequence's length. */
    public static Tensor keyPadding(int[] lengths, int maxLength) {
        Tensor valid = Batching.lengthMask(lengths, maxLength);
        float[] d = valid.array();
        for (int i = 0; i < d.length; i++) d[i] = 1f - d[i];
        return valid;
    }

    /**
     * scores [B, ..., S] with the keys of each batch row that {@code keyPaddingMask} [B, S] marks set to -inf;
     * the mask is broadcast over the middle dimensions. Null mask: scores unchanged.
     */
    static Tensor maskKeys(Tensor scores, Tensor keyPaddingMask) {
        if (keyPaddingMask == null) return scores;
        int b = scores.dim(0), s = scores.dim(-1);
        Shape.expect("key padding mask", keyPaddingMask, b, s);
        int[] shape = new int[scores.rank()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = b;
        shape[shape.length - 1] = s;
        return Ops.maskedFill(scores, Ops.reshape(keyPaddingMask, shape), Float.NEGATIVE_INFINITY);
    }
}
