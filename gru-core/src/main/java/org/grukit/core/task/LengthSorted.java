package org.grukit.core.task;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
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
        if (batchSize <= 0) throw new IllegalArgumentException("batchSize must be > 0, got " + batchSize);
        int n = items.size();
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) lengths[i] = length.applyAsInt(items.get(i));
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Integer.compare(lengths[a], lengths[b])); // stable: ties keep input order
        Object[] out = new Object[n];
        for (int start = 0; start < n; start += batchSize) {
            int end = Math.min(n, start + batchSize);
            List<T> batch = new ArrayList<>(end - start);
            for (int k = start; k < end; k++) batch.add(items.get(order[k]));
            List<R> results = run.apply(batch);
            if (results.size() != batch.size()) {
                throw new IllegalStateException("a batch of " + batch.size() + " inputs gave " + results.size() + " results");
            }
            for (int k = start; k < end; k++) out[order[k]] = results.get(k - start);
        }
        @SuppressWarnings("unchecked")
        List<R> list = (List<R>) Arrays.asList(out);
        return list;
    }
}
