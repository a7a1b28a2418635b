package org.grukit.core;

import org.grukit.core.kernel.Gemm;

/**
 * Packed copies of weight matrices kept on the weight tensor, for products that reuse one matrix many times with
 * few rows each: a decoder step (batch or beam rows) runs the same GRU, attention and output weights at every
 * step, and packing a [V, F] output matrix costs several times the product itself at 64 rows. Each entry is
 * keyed to the weight's storage version ({@link StorageVersion}) as it was when packed; every write through the
 * API (an optimiser step, {@code copyFrom}, {@code loadStateDict}, {@code set}) bumps it, so a stale copy is
 * never used. Only leaves (parameters, not results of ops) over tracked storage are cached.
 */
final class PackedWeights {
    private PackedWeights() {}

    /** Products with fewer rows than this use the cache; taller ones amortise their own packing. */
    static final int MAX_ROWS = 512;
    private static final int ENTRIES = 4;

    private record Entry(StorageVersion storage, long version, int offset, boolean trans, int k, int n,
                         Gemm.Packed packed) {}

    private static final class Holder {
        final Entry[] entries = new Entry[ENTRIES];
        int next;
    }

    /** Whether a product of {@code m} rows by {@code w} should take its right operand from the cache. */
    static boolean worthCaching(Tensor w, int m) {
        return m < MAX_ROWS && w.creator == null && w.version.tracked;
    }

    /**
     * op(B) [k, n] packed, for B = {@code w}'s storage from its offset: stored [n, k] (contiguous) when
     * {@code trans}, else [k, n].
     */
    static Gemm.Packed of(Tensor w, boolean trans, int k, int n) {
        StorageVersion storage = w.version;
        long version = storage.get(); // read before packing: a write during the packing makes the entry stale
        Object c = w.packCache;
        Holder h = c instanceof Holder hh ? hh : new Holder();
        synchronized (h) {
            for (Entry e : h.entries) {
                if (e != null && e.storage() == storage && e.version() == version && e.offset() == w.offset
                        && e.trans() == trans && e.k() == k && e.n() == n) {
                    return e.packed();
                }
            }
            Gemm.Packed p = Gemm.pack(w.data, w.offset, trans ? k : n, trans, k, n);
            h.entries[h.next] = new Entry(storage, version, w.offset, trans, k, n, p);
            h.next = (h.next + 1) % ENTRIES;
            w.packCache = h;
            return p;
        }
    }
}
