package org.grukit.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.junit.jupiter.api.Test;

class BatchingTest {

    @Test
    void padsIdsAndBuildsMasks() {
        PaddedBatch b = Batching.padIds(List.of(new int[] {5, 6, 7}, new int[] {8}, new int[] {}), 0);
        assertArrayEquals(new int[] {5, 6, 7, 8, 0, 0, 0, 0, 0}, b.ids());
        assertArrayEquals(new int[] {3, 1, 0}, b.lengths());
        assertArrayEquals(new float[] {1, 1, 1, 1, 0, 0, 0, 0, 0}, b.mask().toArray());
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 1, 1, 1, 1}, b.paddingMask().toArray());
        assertArrayEquals(new int[] {5, 8, 0, 6, 0, 0, 7, 0, 0}, b.idsTimeMajor());
    }

    @Test
    void padsFeatureSequencesAndRejectsRaggedFrames() {
        int[] lengths = new int[2];
        Tensor t = Batching.padFeatures(List.of(new float[][] {{1, 2}, {3, 4}}, new float[][] {{5, 6}}), lengths);
        assertArrayEquals(new int[] {2, 2, 2}, t.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 0, 0}, t.toArray());
        assertArrayEquals(new int[] {2, 1}, lengths);
        var e = assertThrows(IllegalArgumentException.class,
                () -> Batching.padFeatures(List.<float[][]>of(new float[][] {{1, 2}, {3}}), new int[1]));
        assertTrue(e.getMessage().contains("expected 2"), e.getMessage());
    }

    @Test
    void bucketedBatchesCoverEveryIndexOnceWithLittlePadding() {
        Rng rng = new Rng(3);
        int n = 1000;
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) lengths[i] = 1 + rng.nextInt(100);
        List<int[]> batches = Batching.bucketed(lengths, 32, 50, new Rng(9));
        int[] seen = new int[n];
        long padBucketed = 0, padRandom = 0;
        for (int[] batch : batches) {
            int max = 0;
            for (int i : batch) {
                seen[i]++;
                max = Math.max(max, lengths[i]);
            }
            for (int i : batch) padBucketed += max - lengths[i];
        }
        for (int[] batch : Batching.shuffled(n, 32, new Rng(9))) {
            int max = Arrays.stream(batch).map(i -> lengths[i]).max().orElse(0);
            for (int i : batch) padRandom += max - lengths[i];
        }
        for (int c : seen) assertEquals(1, c);
        assertTrue(padBucketed * 5 < padRandom, "bucketing should cut padding: " + padBucketed + " vs " + padRandom);
        // Same seed, same batches: runs are reproducible.
        List<int[]> again = Batching.bucketed(lengths, 32, 50, new Rng(9));
        for (int i = 0; i < batches.size(); i++) assertArrayEquals(batches.get(i), again.get(i));
    }
}
