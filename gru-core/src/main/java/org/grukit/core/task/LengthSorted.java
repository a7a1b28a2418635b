package org.grukit.core.task;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;
import java.util.function.ToIntFunction;

/**
 * Batched inference in length order, written once for every task: inputs of similar length share a batch (so
 * little of each batch is padding), and the results come back in input order.
 */
public final class LengthSorted {
    private LengthSorted() {}

    /**
     * {@code run} applied to batches of at most {@code batchSize} items of similar {@code length}; the results
     * in the order of {@code items}. {@code run} must return one result per item of its batch, in its order.
     */
    public static <T, R> List<R> map(List<T> items, ToIntFunction<T> length, int batchSize, Function<List<T>, List<R>> run) {
        return indices(items.size(), i -> length.applyAsInt(items.get(i)), batchSize, idx -> {
            List<T> batch = new ArrayList<>(idx.length);
            for (int i : idx) batch.add(items.get(i));
            return run.apply(batch);
        });
    }

    /**
     * As {@link #map}, for code that batches by index into its own lists: {@code run} gets the indices (into
     * [0, n)) of a batch of similar lengths and returns one result per index, in their order.
     */
    public static <R> List<R> indices(int n, IntUnaryOperator length, int batchSize, Function<int[], List<R>> run) {
        if (batchSize <= 0) throw new IllegalArgumentException("batchSize must be > 0, got " + batchSize);
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) lengths[i] = length.applyAsInt(i);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Integer.compare(lengths[a], lengths[b])); // stable: ties keep input order
        Object[] out = new Object[n];
        for (int start = 0; start < n; start += batchSize) {
            int[] idx = new int[Math.min(n, start + batchSize) - start];
            for (int k = 0; k < idx.length; k++) idx[k] = order[start + k];
            List<R> results = run.apply(idx);
            if (results.size() != idx.length) {
                throw new IllegalStateException("a batch of " + idx.length + " inputs gave " + results.size() + " results");
            }
            for (int k = 0; k < idx.length; k++) out[idx[k]] = results.get(k);
        }
        @SuppressWarnings("unchecked")
        List<R> list = (List<R>) Arrays.asList(out);
        return list;
    }
}
