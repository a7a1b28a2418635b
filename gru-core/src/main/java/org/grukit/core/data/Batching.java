package org.grukit.core.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;

/**
 * The batching every task shares: padding id sequences and feature sequences, length masks, and
 * bucketing by length so a batch wastes little on padding.
 */
public final class Batching {
    private Batching() {}

    /** Pads {@code sequences} (each non-null) to the longest, batch-first. */
    public static PaddedBatch padIds(List<int[]> sequences, int padId) {
        int batch = sequences.size(), max = 0;
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) {
            lengths[b] = sequences.get(b).length;
            max = Math.max(max, lengths[b]);
        }
        int[] ids = new int[batch * max];
        Arrays.fill(ids, padId);
        for (int b = 0; b < batch; b++) System.arraycopy(sequences.get(b), 0, ids, b * max, lengths[b]);
        return new PaddedBatch(ids, batch, max, lengths, padId);
    }

    /**
     * Pads feature sequences, each [T_i][F], into a zero-padded tensor [B, T, F] (batch-first); the lengths
     * are written into {@code lengthsOut} (size B).
     */
    public static Tensor padFeatures(List<float[][]> sequences, int[] lengthsOut) {
        int batch = sequences.size();
        if (lengthsOut.length != batch) {
            throw new IllegalArgumentException("expected a lengths array of size " + batch + ", got " + lengthsOut.length);
        }
        int max = 0, feat = -1;
        for (int b = 0; b < batch; b++) {
            float[][] s = sequences.get(b);
            lengthsOut[b] = s.length;
            max = Math.max(max, s.length);
            for (float[] frame : s) {
                if (feat < 0) feat = frame.length;
                else if (frame.length != feat) {
                    throw new IllegalArgumentException("sequence " + b + " has a frame of " + frame.length
                            + " features, expected " + feat);
                }
            }
        }
        if (feat < 0) feat = 0;
        Tensor out = Tensor.zeros(batch, max, feat);
        float[] d = out.array();
        for (int b = 0; b < batch; b++) {
            float[][] s = sequences.get(b);
            for (int t = 0; t < s.length; t++) System.arraycopy(s[t], 0, d, (b * max + t) * feat, feat);
        }
        return out;
    }

    /** [B, T] with 1 where {@code t < lengths[b]}, else 0. */
    public static Tensor lengthMask(int[] lengths, int maxLength) {
        Tensor m = Tensor.zeros(lengths.length, maxLength);
        float[] d = m.array();
        for (int b = 0; b < lengths.length; b++) {
            if (lengths[b] < 0 || lengths[b] > maxLength) {
                throw new IllegalArgumentException("length " + lengths[b] + " of sequence " + b + " is outside [0, "
                        + maxLength + "]");
            }
            Arrays.fill(d, b * maxLength, b * maxLength + lengths[b], 1f);
        }
        return m;
    }

    /** Batches of consecutive indices 0..n-1, in order (for evaluation). */
    public static List<int[]> sequential(int n, int batchSize) {
        checkBatchSize(batchSize);
        List<int[]> out = new ArrayList<>();
        for (int start = 0; start < n; start += batchSize) {
            int[] idx = new int[Math.min(batchSize, n - start)];
            for (int i = 0; i < idx.length; i++) idx[i] = start + i;
            out.add(idx);
        }
        return out;
    }

    /** Shuffled batches of indices 0..n-1. */
    public static List<int[]> shuffled(int n, int batchSize, Rng rng) {
        checkBatchSize(batchSize);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        rng.shuffle(order);
        List<int[]> out = new ArrayList<>();
        for (int start = 0; start < n; start += batchSize) {
            out.add(Arrays.copyOfRange(order, start, Math.min(n, start + batchSize)));
        }
        return out;
    }

    /**
     * Bucketed batches: indices are shuffled, cut into pools of {@code batchSize * poolBatches}, each pool
     * sorted by length and cut into batches, and the batches shuffled. Batches hold similar lengths (little
     * padding) while every epoch still sees a different order. As torchtext's BucketIterator.
     */
    public static List<int[]> bucketed(int[] lengths, int batchSize, int poolBatches, Rng rng) {
        checkBatchSize(batchSize);
        if (poolBatches <= 0) throw new IllegalArgumentException("poolBatches must be > 0, got " + poolBatches);
        int n = lengths.length;
        Integer[] order = new Integer[n];
        int[] shuffled = new int[n];
        for (int i = 0; i < n; i++) shuffled[i] = i;
        rng.shuffle(shuffled);
        for (int i = 0; i < n; i++) order[i] = shuffled[i];
        int pool = batchSize * poolBatches;
        List<int[]> out = new ArrayList<>();
        for (int start = 0; start < n; start += pool) {
            int end = Math.min(n, start + pool);
            Integer[] chunk = Arrays.copyOfRange(order, start, end);
            Arrays.sort(chunk, (a, b) -> Integer.compare(lengths[a], lengths[b])); // stable: ties keep shuffled order
            for (int s = 0; s < chunk.length; s += batchSize) {
                int[] batch = new int[Math.min(batchSize, chunk.length - s)];
                for (int i = 0; i < batch.length; i++) batch[i] = chunk[s + i];
                out.add(batch);
            }
        }
        int[] perm = new int[out.size()];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        rng.shuffle(perm);
        List<int[]> result = new ArrayList<>(out.size());
        for (int p : perm) result.add(out.get(p));
        return result;
    }

    private static void checkBatchSize(int batchSize) {
        if (batchSize <= 0) throw new IllegalArgumentException("batchSize must be > 0, got " + batchSize);
    }
}
