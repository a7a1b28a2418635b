package org.grukit.core;

import org.grukit.core.kernel.Gemm;

/**
 * Packed copies of weight matrices kept on the weight tensor, for products that reuse one matrix many times with
 * few rows each: a decoder step (batch or beam rows) runs the same GRU, attention and output weights at every
 * step, and packing a [V, F] output matrix costs several times the product itself at 64 rows. Each entry holds a
 * fingerprint of the exact values it was packed from and is re-packed when the live values differ (after an
 * optimiser step), so a stale copy is never used. Only leaves (parameters, not results of ops) are cached.
 */
final class PackedWeights {
    private PackedWeights() {}

    /** Products with fewer rows than this use the cache; taller ones amortise their own packing. */
    static final int MAX_ROWS = 512;
    private static final int ENTRIES = 4;

    private record Entry(int offset, boolean trans, int k, int n, long fingerprint, Gemm.Packed packed) {}

    private static final class Holder {
        final Entry[] entries = new Entry[ENTRIES];
        int next;
    }

    /** Whether a product of {@code m} rows by {@code w} should take its right operand from the cache. */
    static boolean worthCaching(Tensor w, int m) {
        return m < MAX_ROWS && w.creator == null;
    }

    /**
     * op(B) [k, n] packed, for B = {@code w}'s storage from its offset: stored [n, k] (contiguous) when
     * {@code trans}, else [k, n].
     */
    static Gemm.Packed of(Tensor w, boolean trans, int k, int n) {
        long fp = Gemm.fingerprint(w.data, w.offset, k * n);
        Object c = w.packCache;
        Holder h = c instanceof Holder hh ? hh : new Holder();
        synchronized (h) {
            for (Entry e : h.entries) {
                if (e != null && e.offset() == w.offset && e.trans() == trans && e.k() == k && e.n() == n && e.fingerprint() == fp) {
                    return e.packed();
                }
            }
            Gemm.Packed p = Gemm.pack(w.data, w.offset, trans ? k : n, trans, k, n);
            h.entries[h.next] = new Entry(w.offset, trans, k, n, fp, p);
            h.next = (h.next + 1) % ENTRIES;
            w.packCache = h;
            return p;
        }
    }
}
