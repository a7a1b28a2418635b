package org.grukit.attention.recurrent;

import org.grukit.core.Autograd;
import org.grukit.core.Shape;
import org.grukit.core.Tensor;
import org.grukit.core.kernel.Parallel;

/**
 * The linear recurrence h_t = a_t * h_{t-1} + b_t (element-wise) over [B, T, H] as one op, computed as a
 * parallel scan over time: the steps are cut into chunks, each chunk is scanned from zero while the running
 * product of its a is kept, the chunks' true starting states are then carried across (one step per chunk),
 * and each chunk adds carry * product. Backward is the same scan run backwards: g_t = dh_t + a_{t+1} g_{t+1},
 * da_t = g_t h_{t-1}, db_t = g_t. This is what lets minGRU (whose gates do not depend on h) train without
 * stepping through time one step at a time.
 */
public final class LinearScan {
    private LinearScan() {}

    /** Chunks per scan when there is enough work for the pool; one otherwise. */
    private static int chunks(int steps, long work) {
        int threads = Parallel.threads();
        return threads > 1 && steps >= 2 * threads && work >= (1 << 15) ? threads : 1;
    }

    /** h [B, T, H] from a and b [B, T, H] and h0 [B, H] (null for zeros). */
    public static Tensor scan(Tensor a, Tensor b, Tensor h0) {
        if (a.rank() != 3) throw new IllegalArgumentException("expected a of shape [B, T, H], got " + Shape.str(a.shape()));
        final int batch = a.dim(0), steps = a.dim(1), hidden = a.dim(2);
        Shape.expect("b", b, batch, steps, hidden);
        if (h0 != null) Shape.expect("h0", h0, batch, hidden);
        final float[] av = a.toArray(), bv = b.toArray();
        final float[] init = h0 == null ? new float[batch * hidden] : h0.toArray();
        final float[] h = new float[batch * steps * hidden];
        run(av, bv, init, h, batch, steps, hidden, false);
        Tensor out = Tensor.of(h, batch, steps, hidden);
        if (!Autograd.needsGrad(a, b, h0)) return out;
        Autograd.record("linear_scan", new Tensor[] {a, b, h0}, new Tensor[] {out}, () -> {
            float[] g = new float[batch * steps * hidden];
            float[] dOut = Autograd.grad(out);
            int go = Autograd.gradOffset(out);
            // g_t = dOut_t + a_{t+1} g_{t+1}: the scan backwards, with coefficients shifted by one step.
            float[] shifted = new float[av.length];
            for (int bi = 0; bi < batch; bi++) {
                for (int t = 0; t + 1 < steps; t++) {
                    System.arraycopy(av, (bi * steps + t + 1) * hidden, shifted, (bi * steps + t) * hidden, hidden);
                }
            }
            float[] d = java.util.Arrays.copyOfRange(dOut, go, go + g.length);
            run(shifted, d, new float[batch * hidden], g, batch, steps, hidden, true);
            for (int bi = 0; bi < batch; bi++) {
                for (int t = 0; t < steps; t++) {
                    int o = (bi * steps + t) * hidden;
                    for (int j = 0; j < hidden; j++) {
                        float prev = t == 0 ? init[bi * hidden + j] : h[o - hidden + j];
                        if (Autograd.wants(a)) Autograd.grad(a)[Autograd.gradOffset(a) + o + j] += g[o + j] * prev;
                        if (Autograd.wants(b)) Autograd.grad(b)[Autograd.gradOffset(b) + o + j] += g[o + j];
                    }
                }
                if (Autograd.wants(h0)) {
                    float[] gh = Autograd.grad(h0);
                    int gho = Autograd.gradOffset(h0);
                    int o = bi * steps * hidden;
                    for (int j = 0; j < hidden; j++) gh[gho + bi * hidden + j] += g[o + j] * av[o + j];
                }
            }
        });
        return out;
    }

    /**
     * h_t = a_t h_{t-1} + b_t for each sequence (reverse: from the last step, h_t = a_t h_{t+1} + b_t), with
     * init the state before the first step taken. Chunked over time when the pool has threads.
     */
    static void run(float[] a, float[] b, float[] init, float[] h, int batch, int steps, int hidden, boolean reverse) {
        int chunks = chunks(steps, (long) batch * steps * hidden);
        float[] prod = chunks > 1 ? new float[h.length] : null; // running product of a within each chunk
        Parallel.forEach(chunks, c -> {
            int s0 = Parallel.start(steps, chunks, c), s1 = Parallel.start(steps, chunks, c + 1);
            for (int bi = 0; bi < batch; bi++) {
                for (int i = s0; i < s1; i++) {
                    int t = reverse ? steps - 1 - i : i;
                    int o = (bi * steps + t) * hidden;
                    boolean first = i == s0;
                    int po = o + (reverse ? hidden : -hidden);
                    for (int j = 0; j < hidden; j++) {
                        // The first chunk starts from the true initial state; the others from zero, fixed up below.
                        float prev = first ? (c == 0 ? init[bi * hidden + j] : 0f) : h[po + j];
                        h[o + j] = a[o + j] * prev + b[o + j];
                        if (prod != null) prod[o + j] = first ? a[o + j] : a[o + j] * prod[po + j];
                    }
                }
            }
        });
        if (chunks == 1) return;
        // Carry each chunk's true final state into the next (sequential over chunks, parallel within).
        float[] carry = new float[batch * hidden * chunks];
        for (int c = 1; c < chunks; c++) {
            int lastI = Parallel.start(steps, chunks, c) - 1;
            int last = reverse ? steps - 1 - lastI : lastI;
            for (int bi = 0; bi < batch; bi++) {
                int o = (bi * steps + last) * hidden;
                for (int j = 0; j < hidden; j++) {
                    float before = c - 1 == 0 ? 0f : carry[((c - 1) * batch + bi) * hidden + j];
                    // Chunk c-1's true final state = its zero-start scan + product * its true start state.
                    float fin = h[o + j] + (c - 1 == 0 ? 0f : prod[o + j] * before);
                    carry[(c * batch + bi) * hidden + j] = fin;
                }
            }
        }
        Parallel.forEach(chunks - 1, k -> {
            int c = k + 1;
            int s0 = Parallel.start(steps, chunks, c), s1 = Parallel.start(steps, chunks, c + 1);
            for (int bi = 0; bi < batch; bi++) {
                for (int i = s0; i < s1; i++) {
                    int t = reverse ? steps - 1 - i : i;
                    int o = (bi * steps + t) * hidden;
                    for (int j = 0; j < hidden; j++) h[o + j] += prod[o + j] * carry[(c * batch + bi) * hidden + j];
                }
            }
        });
    }
}
