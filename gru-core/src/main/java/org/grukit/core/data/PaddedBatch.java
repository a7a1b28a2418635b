package org.grukit.core.data;

import org.grukit.core.Tensor;

/**
 * A batch of variable-length id sequences padded to the longest: {@code ids} is [B, T] row-major, batch-first,
 * with {@code padId} past each sequence's length. {@link #mask()} marks valid positions with 1.
 */
public record PaddedBatch(int[] ids, int batch, int maxLength, int[] lengths, int padId) {

    public PaddedBatch {
        if (ids.length != batch * maxLength) {
            throw new IllegalArgumentException("expected " + batch + " x " + maxLength + " ids, got " + ids.length);
        }
        if (lengths.length != batch) {
            throw new IllegalArgumentException("expected " + batch + " lengths, got " + lengths.length);
        }
    }

    /** [B, T]: 1 at valid positions, 0 at padding. */
    public Tensor mask() {
        return Batching.lengthMask(lengths, maxLength);
    }

    /** [B, T]: 1 at padding (the key_padding_mask convention of torch.nn.MultiheadAttention). */
    public Tensor paddingMask() {
        Tensor m = mask();
        float[] d = m.array();
        for (int i = 0; i < d.length; i++) d[i] = 1f - d[i];
        return m;
    }

    /** The ids time-first, [T, B], for time-major models. */
    public int[] idsTimeMajor() {
        int[] out = new int[ids.length];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < maxLength; t++) out[t * batch + b] = ids[b * maxLength + t];
        }
        return out;
    }

    public int id(int b, int t) {
        return ids[b * maxLength + t];
    }
}
