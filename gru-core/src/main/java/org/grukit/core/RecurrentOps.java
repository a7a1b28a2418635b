package org.grukit.core;

import org.grukit.core.kernel.Gemm;
import org.grukit.core.kernel.GruGates;
import org.grukit.core.kernel.GruKernels;
import org.grukit.core.kernel.Parallel;
import org.grukit.core.kernel.PhasedWork;
import org.grukit.core.kernel.Reductions;

/**
 * Fused recurrent ops: a whole GRU layer (one direction) over a sequence is one autograd node with a
 * hand-written backward through time. The input projection for all steps is one GEMM before the loop,
 * and the weight gradients are one GEMM each after it; the recurrent weights are packed once per call.
 * Sequences are independent, so each thread runs every time step for its own block of the batch, with no
 * synchronisation between steps and no allocation inside the loop.
 */
public final class RecurrentOps {
    private RecurrentOps() {}

    /** Single-sequence layers run with their hidden units split over two threads, for tests and diagnostics. */
    static final java.util.concurrent.atomic.AtomicLong SPLIT_RUNS = new java.util.concurrent.atomic.AtomicLong();

    /** The outputs of a GRU layer: output [T, B, H] (zero past each sequence's length) and h_n [B, H]. */
    public record GruResult(Tensor output, Tensor hN) {}

    /**
     * One GRU layer, one direction, time-major.
     *
     * @param x       input [T, B, I]
     * @param h0      initial state [B, H], or null for zeros
     * @param wIh     weight_ih [3H, I], rows r|z|n
     * @param wHh     weight_hh [3H, H]
     * @param bIh     bias_ih [3H] or null
     * @param bHh     bias_hh [3H] or null
     * @param lengths per-sequence lengths (0..T, any order), or null when all are T
     * @param reverse run from each sequence's last valid step back to its first
     * @param resetAfter PyTorch's form (true) or the reset-before form of Cho et al. (false)
     */
    public static GruResult gruLayer(Tensor x, Tensor h0, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh,
                                     int[] lengths, boolean reverse, boolean resetAfter) {
        if (x.rank() != 3) {
            throw new IllegalArgumentException("expected GRU input of shape [T, B, I], got " + Shape.str(x.shape()));
        }
        final int steps = x.dim(0), batch = x.dim(1), in = x.dim(2);
        if (wHh.rank() != 2 || wHh.dim(0) % 3 != 0) {
            throw new IllegalArgumentException("expected weight_hh of shape [3H, H], got " + Shape.str(wHh.shape()));
        }
        final int hidden = wHh.dim(1);
        final int g3 = 3 * hidden;
        Shape.expect("weight_hh", wHh, g3, hidden);
        Shape.expect("weight_ih", wIh, g3, in);
        if (bIh != null) Shape.expect("bias_ih", bIh, g3);
        if (bHh != null) Shape.expect("bias_hh", bHh, g3);
        if (h0 != null) Shape.expect("h0", h0, batch, hidden);
        if (lengths != null) checkLengths(lengths, batch, steps);

        final boolean train = Autograd.needsGrad(x, h0, wIh, wHh, bIh, bHh);
        final int bh = batch * hidden, g4 = 4 * hidden;
        final GruGates gates = GruKernels.GATES;

        // A single sequence in inference: two threads split the hidden units, each with its slices packed.
        if (!train && batch == 1 && resetAfter) {
            GruResult split = forwardSplitHidden(x, h0, wIh, bIh, wHh, bHh, lengths, reverse, steps, hidden);
            if (split != null) return split;
        }

        // gi [T*B, 3H] = x W_ih^T + b_ih for all steps in one (threaded) GEMM.
        final float[] gi = new float[steps * batch * g3];
        if (bIh != null) fillRows(gi, bIh, steps * batch, g3);
        // A decoder's cell runs one step at a time: its weights come packed from the cache instead of at every
        // call. W_hh serves every step of every call, so its packed copy is always kept; W_ih only when the call
        // has few rows.
        final boolean cache = resetAfter && PackedWeights.worthCaching(wIh, steps * batch);
        final boolean cacheHh = resetAfter && PackedWeights.worthCaching(wHh, 0);
        if (cache) Gemm.gemm(gi, 0, g3, x.data, x.offset, in, false, PackedWeights.of(wIh, true, in, g3), steps * batch);
        else Gemm.gemm(gi, 0, g3, x.data, x.offset, in, false, wIh.data, wIh.offset, in, true, steps * batch, g3, in);

        // Sequences are independent: each block of rows runs all its steps on one thread, no barrier per step.
        final int parts = parts(batch, (long) steps * batch * g3 * hidden);
        // W_hh^T packed once for every step (the r|z and n blocks apart for the reset-before form). Blocks
        // of fewer than MR rows use dot products on W_hh as stored instead, where packing would not pay.
        final boolean pack = (batch + parts - 1) / parts >= Gemm.MR;
        final Gemm.Packed whhT = !pack ? null : cacheHh ? PackedWeights.of(wHh, true, hidden, g3)
                : resetAfter ? Gemm.pack(wHh.data, wHh.offset, hidden, true, hidden, g3)
                : Gemm.pack(wHh.data, wHh.offset, hidden, true, hidden, 2 * hidden);
        final Gemm.Packed whnT = !pack || resetAfter ? null
                : Gemm.pack(wHh.data, wHh.offset + 2 * hidden * hidden, hidden, true, hidden, hidden);

        // hs: states by processing step s; block s is the state before step s. Training keeps all T + 1
        // for backward; inference ping-pongs between two blocks.
        final float[] hs = new float[(train ? steps + 1 : 2) * bh];
        if (h0 != null) System.arraycopy(h0.data, h0.offset, hs, 0, bh);
        final float[] saved = train ? new float[steps * batch * g4] : null; // [T, B, 4H]
        final float[] out = new float[steps * bh]; // [T, B, H]

        {
            Parallel.forEach(parts, part -> {
                int b0 = Parallel.start(batch, parts, part), rows = Parallel.start(batch, parts, part + 1) - b0;
                float[] gh = new float[rows * g3]; // [rows, 3H]
                float[] rh = resetAfter ? null : new float[rows * hidden];
                float[] ghn = resetAfter ? null : new float[rows * hidden];
                for (int s = 0; s < steps; s++) {
                    int t = reverse ? steps - 1 - s : s;
                    int prev = (train ? s * bh : (s & 1) * bh) + b0 * hidden;
                    int next = (train ? (s + 1) * bh : ((s + 1) & 1) * bh) + b0 * hidden;
                    int sOff = (s * batch + b0) * g4, giOff = (t * batch + b0) * g3;
                    fillRowsOrZero(gh, bHh, 0, rows, g3, g3);
                    if (resetAfter) {
                        recurrentProduct(gh, g3, hs, prev, whhT, wHh, 0, g3, rows, hidden);
                        gates.forwardResetAfter(hs, next, saved, sOff, gi, giOff, gh, 0, hs, prev, lengths, b0, t, rows,
                                hidden);
                    } else {
                        recurrentProduct(gh, g3, hs, prev, whhT, wHh, 0, 2 * hidden, rows, hidden);
                        gates.forwardResetBeforeGates(rh, 0, saved, sOff, gi, giOff, gh, 0, hs, prev, lengths, b0, t,
                                rows, hidden);
                        fillRowsOrZero(ghn, bHh, 2 * hidden, rows, hidden, hidden);
                        recurrentProduct(ghn, hidden, rh, 0, whnT, wHh, 2 * hidden, hidden, rows, hidden);
                        gates.forwardResetBeforeFinish(hs, next, saved, sOff, gi, giOff, gh, 0, ghn, 0, hs, prev,
                                lengths, b0, t, rows, hidden);
                    }
                    for (int b = 0; b < rows; b++) {
                        if (lengths == null || t < lengths[b0 + b]) {
                            System.arraycopy(hs, next + b * hidden, out, (t * batch + b0 + b) * hidden, hidden);
                        }
                    }
                }
            });
        }
        int last = train ? steps * bh : (steps & 1) * bh;
        float[] hn = java.util.Arrays.copyOfRange(hs, last, last + bh);
        Tensor output = Tensor.of(out, steps, batch, hidden);
        Tensor hN = Tensor.of(hn, batch, hidden);
        if (!train) return new GruResult(output, hN);

        Autograd.record(reverse ? "gru_layer_reverse" : "gru_layer", new Tensor[] {x, h0, wIh, wHh, bIh, bHh},
                new Tensor[] {output, hN}, () -> {
                    float[] dOut = output.grad;
                    float[] dHn = hN.grad;
                    float[] dgi = new float[steps * batch * g3]; // by time t, like gi
                    float[] dgh = new float[steps * batch * g3]; // by step s, like hs
                    float[] dh0 = Autograd.wants(h0) ? new float[bh] : null;
                    // W_hh packed untransposed: dh_prev += dgh W_hh (r|z rows and n rows apart for reset-before).
                    Gemm.Packed whh = cacheHh ? PackedWeights.of(wHh, false, g3, hidden)
                            : resetAfter ? Gemm.pack(wHh.data, wHh.offset, hidden, false, g3, hidden)
                            : Gemm.pack(wHh.data, wHh.offset, hidden, false, 2 * hidden, hidden);
                    Gemm.Packed whn = resetAfter ? null
                            : Gemm.pack(wHh.data, wHh.offset + 2 * hidden * hidden, hidden, false, hidden, hidden);
                    Parallel.forEach(parts, part -> {
                        int b0 = Parallel.start(batch, parts, part), rows = Parallel.start(batch, parts, part + 1) - b0;
                        int rh = rows * hidden;
                        float[] dh = new float[rh];
                        float[] dhPrev = new float[rh];
                        float[] drh = resetAfter ? null : new float[rh];
                        if (dHn != null) System.arraycopy(dHn, hN.gradOffset + b0 * hidden, dh, 0, rh);
                        for (int s = steps - 1; s >= 0; s--) {
                            int t = reverse ? steps - 1 - s : s;
                            if (dOut != null) {
                                int o = output.gradOffset + (t * batch + b0) * hidden;
                                for (int b = 0; b < rows; b++) {
                                    if (lengths != null && t >= lengths[b0 + b]) continue;
                                    for (int j = 0; j < hidden; j++) dh[b * hidden + j] += dOut[o + b * hidden + j];
                                }
                            }
                            int sOff = (s * batch + b0) * g4, giOff = (t * batch + b0) * g3, ghOff = (s * batch + b0) * g3;
                            int hp = s * bh + b0 * hidden;
                            if (resetAfter) {
                                gates.backwardResetAfter(dgi, giOff, dgh, ghOff, dhPrev, 0, dh, 0, saved, sOff, hs, hp,
                                        lengths, b0, t, rows, hidden);
                                Gemm.gemmSerial(dhPrev, 0, hidden, dgh, ghOff, g3, false, whh, rows);
                            } else {
                                gates.backwardResetBeforeUpdate(dgi, giOff, dgh, ghOff, dhPrev, 0, dh, 0, saved, sOff,
                                        hs, hp, lengths, b0, t, rows, hidden);
                                java.util.Arrays.fill(drh, 0f);
                                Gemm.gemmSerial(drh, 0, hidden, dgh, ghOff + 2 * hidden, g3, false, whn, rows);
                                gates.backwardResetBeforeReset(dgi, giOff, dgh, ghOff, dhPrev, 0, drh, 0, saved, sOff,
                                        hs, hp, lengths, b0, t, rows, hidden);
                                Gemm.gemmSerial(dhPrev, 0, hidden, dgh, ghOff, g3, false, whh, rows);
                            }
                            float[] swap = dh;
                            dh = dhPrev;
                            dhPrev = swap;
                        }
                        if (dh0 != null) System.arraycopy(dh, 0, dh0, b0 * hidden, rh);
                    });
                    int rows = steps * batch;
                    if (dh0 != null) {
                        float[] g = Autograd.grad(h0);
                        int go = Autograd.gradOffset(h0);
                        for (int i = 0; i < bh; i++) g[go + i] += dh0[i];
                    }
                    if (Autograd.wants(x)) {
                        if (cache) {
                            Gemm.gemm(Autograd.grad(x), Autograd.gradOffset(x), in, dgi, 0, g3, false,
                                    PackedWeights.of(wIh, false, g3, in), rows);
                        } else {
                            Gemm.gemm(Autograd.grad(x), Autograd.gradOffset(x), in, dgi, 0, g3, false,
                                    wIh.data, wIh.offset, in, false, rows, in, g3);
                        }
                    }
                    if (Autograd.wants(wIh)) {
                        Gemm.gemm(Autograd.grad(wIh), Autograd.gradOffset(wIh), in, dgi, 0, g3, true,
                                x.data, x.offset, in, false, g3, in, rows);
                    }
                    if (Autograd.wants(bIh)) Reductions.sumRows(Autograd.grad(bIh), Autograd.gradOffset(bIh), dgi, 0, rows, g3);
                    if (Autograd.wants(wHh)) {
                        float[] g = Autograd.grad(wHh);
                        int go = Autograd.gradOffset(wHh);
                        if (resetAfter) {
                            Gemm.gemm(g, go, hidden, dgh, 0, g3, true, hs, 0, hidden, false, g3, hidden, rows);
                        } else {
                            // r|z rows see h; n rows see r*h, saved in the fourth quarter of each row.
                            Gemm.gemm(g, go, hidden, dgh, 0, g3, true, hs, 0, hidden, false, 2 * hidden, hidden, rows);
                            Gemm.gemm(g, go + 2 * hidden * hidden, hidden, dgh, 2 * hidden, g3, true,
                                    saved, 3 * hidden, g4, false, hidden, hidden, rows);
                        }
                    }
                    if (Autograd.wants(bHh)) Reductions.sumRows(Autograd.grad(bHh), Autograd.gradOffset(bHh), dgh, 0, rows, g3);
                });
        return new GruResult(output, hN);
    }

    /**
     * c[rows, cols] += h[rows, H] W^T for the weight rows [wRow0, wRow0 + cols) of W_hh: the packed panels when
     * there are any, else dot products on W_hh as stored (a few rows, where packing would not pay).
     */
    private static void recurrentProduct(float[] c, int ldc, float[] h, int hOff, Gemm.Packed packed, Tensor wHh,
                                         int wRow0, int cols, int rows, int hidden) {
        if (packed != null && rows >= Gemm.MR) {
            Gemm.gemmSerial(c, 0, ldc, h, hOff, hidden, false, packed, rows);
        } else {
            for (int b = 0; b < rows; b++) {
                Gemm.gemv(c, b * ldc, wHh.data, wHh.offset + wRow0 * hidden, hidden, cols, h, hOff + b * hidden, hidden);
            }
        }
    }

    /** One thread's packed slices of W_ih and W_hh for the hidden-split path, and what they were packed from. */
    private record SplitSlices(int hidden, int in, int j0, int w, WeightKey ih, WeightKey hh,
                               Gemm.Packed[] packedIh, Gemm.Packed[] packedHh) {}

    /** Which values a packed copy was made from: the storage, its version then, and the tensor's place in it. */
    private record WeightKey(StorageVersion storage, long version, int offset) {
        static WeightKey of(Tensor w) {
            return new WeightKey(w.version, w.version.get(), w.offset);
        }
    }

    /**
     * Inference of a single sequence (reset-after form) on two threads that split the hidden units. Each part
     * of the units has its rows of W_ih and W_hh packed into panels (kept on the weight tensor between calls,
     * keyed to both weights' storage versions), its input projection for all steps done in one GEMM, then its
     * r, z, n and h at every step. The parts are {@link PhasedWork} units: phase 0 is the packing and the
     * projection, phase s + 1 is step s. The caller finishes every unit a helper has not started or is late
     * with, so a helper that loses its core (other processes on the machine) costs a few microseconds, not a
     * time slice at every step; on an idle machine both threads run their part of every step. Every phase
     * writes its own slots (the states of all steps are kept), so a unit run twice changes nothing. When the pool
     * cannot offer a helper the caller runs all units alone, so the answer never depends on the load. Returns
     * null, having done nothing, when there is one thread or the layer is too small to gain.
     */
    private static GruResult forwardSplitHidden(Tensor x, Tensor h0, Tensor wIh, Tensor bIh, Tensor wHh, Tensor bHh,
                                                int[] lengths, boolean reverse, int steps, int hidden) {
        final int parts = 2;
        if (Parallel.threads() < parts || hidden < 128) return null;
        final int in = x.dim(2);
        final GruGates gates = GruKernels.GATES;
        final int len = lengths == null ? steps : lengths[0];
        // Both weights are keyed here, before any thread packs: a write later in this call is seen by the next.
        final WeightKey keyIh = WeightKey.of(wIh), keyHh = WeightKey.of(wHh);
        final boolean cacheable = wIh.version.tracked && wHh.version.tracked;
        Object cached = wHh.kernelCache;
        final SplitSlices[] cache = !cacheable ? new SplitSlices[parts]
                : cached instanceof SplitSlices[] c && c.length == parts ? c : new SplitSlices[parts];
        if (cacheable) wHh.kernelCache = cache;
        // Unit ranges on 16-float boundaries, so both halves run whole vectors.
        final int half = (hidden / parts) & ~15;
        final SplitSlices[] slices = new SplitSlices[parts];
        final float[][] gis = new float[parts][]; // per part: [T, 3 gates x the part's units]
        final float[] hs = new float[(steps + 1) * hidden]; // the state before each step, and the last
        final float[] out = new float[steps * hidden]; // [T, H]
        if (h0 != null) System.arraycopy(h0.data, h0.offset, hs, 0, hidden);
        final PhasedWork work = new PhasedWork(steps + 1, parts);
        java.util.function.IntConsumer body = thread -> {
            float[] gh = new float[3 * (hidden - half)], buf = new float[3 * (hidden - half)]; // this thread's
            work.runAll(thread, (phase, part) -> {
                int j0 = part == 0 ? 0 : half, w = part == 0 ? half : hidden - half, w3 = 3 * w;
                if (phase == 0) {
                    SplitSlices sl = slices(cache, part, wIh, wHh, keyIh, keyHh, in, hidden, j0, w);
                    float[] gi = new float[steps * w3];
                    for (int t = 0; t < steps; t++) {
                        for (int g = 0; g < 3; g++) fillOrZero(gi, t * w3 + g * w, bIh, g * hidden + j0, w);
                    }
                    for (int g = 0; g < 3; g++) {
                        Gemm.gemmSerial(gi, g * w, w3, x.data, x.offset, in, false, sl.packedIh()[g], steps);
                    }
                    slices[part] = sl;
                    gis[part] = gi;
                    return;
                }
                int s = phase - 1, t = reverse ? steps - 1 - s : s;
                int prev = s * hidden, next = (s + 1) * hidden;
                if (t >= len) {
                    System.arraycopy(hs, prev + j0, hs, next + j0, w);
                    return;
                }
                SplitSlices sl = slices[part];
                for (int g = 0; g < 3; g++) {
                    fillOrZero(gh, g * w, bHh, g * hidden + j0, w);
                    Gemm.gemmSerial(gh, g * w, w3, hs, prev, hidden, false, sl.packedHh()[g], 1);
                }
                int ib = t * w3;
                gates.sigmoidOfSum(buf, 0, gis[part], ib, gh, 0, 2 * w);
                gates.tanhOfGated(buf, 2 * w, gis[part], ib + 2 * w, buf, 0, gh, 2 * w, w);
                gates.update(hs, next + j0, buf, w, buf, 2 * w, hs, prev + j0, w);
                System.arraycopy(hs, next + j0, out, t * hidden + j0, w);
            });
        };
        // Without a helper (the pool busy, or other processes on the cores) the caller runs every unit itself: the
        // same slices and the same arithmetic, so the result does not depend on the machine's load.
        if (Parallel.withHelpers(parts - 1, body)) SPLIT_RUNS.incrementAndGet();
        else body.accept(0);
        // Copies: a helper that lost its core may still write (the same values) into these buffers.
        return new GruResult(Tensor.of(out.clone(), steps, 1, hidden),
                Tensor.of(java.util.Arrays.copyOfRange(hs, steps * hidden, (steps + 1) * hidden), 1, hidden));
    }

    /** This part's packed slices: the cached ones if neither weight was written since, else freshly packed. */
    private static SplitSlices slices(SplitSlices[] cache, int part, Tensor wIh, Tensor wHh, WeightKey keyIh,
                                      WeightKey keyHh, int in, int hidden, int j0, int w) {
        SplitSlices sl = cache[part];
        if (sl != null && sl.hidden() == hidden && sl.in() == in && sl.j0() == j0 && sl.w() == w
                && sl.ih().equals(keyIh) && sl.hh().equals(keyHh)) {
            return sl;
        }
        Gemm.Packed[] ih = new Gemm.Packed[3], hh = new Gemm.Packed[3];
        for (int g = 0; g < 3; g++) {
            ih[g] = Gemm.pack(wIh.data, wIh.offset + (g * hidden + j0) * in, in, true, in, w);
            hh[g] = Gemm.pack(wHh.data, wHh.offset + (g * hidden + j0) * hidden, hidden, true, hidden, w);
        }
        sl = new SplitSlices(hidden, in, j0, w, keyIh, keyHh, ih, hh);
        cache[part] = sl;
        return sl;
    }

    /** dst[at .. at + w) = bias[from .. from + w), or zeros without a bias. */
    private static void fillOrZero(float[] dst, int at, Tensor bias, int from, int w) {
        if (bias == null) java.util.Arrays.fill(dst, at, at + w, 0f);
        else System.arraycopy(bias.data, bias.offset + from, dst, at, w);
    }


    /** How many row blocks to run the recurrence in: one per thread, when the work is worth a fork. */
    private static int parts(int batch, long macs) {
        int threads = Parallel.threads();
        if (threads == 1 || batch < 2 || macs < (1L << 18)) return 1;
        return Math.min(threads, batch);
    }

    /**
     * One GRU step: h' from x [B, I] and h [B, H] (null for zeros), with the same weights and gate forms
     * as {@link #gruLayer}.
     */
    public static Tensor gruCell(Tensor x, Tensor h, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh,
                                 boolean resetAfter) {
        if (x.rank() != 2) {
            throw new IllegalArgumentException("expected GRUCell input of shape [B, I], got " + Shape.str(x.shape()));
        }
        Tensor seq = Ops.reshape(x, 1, x.dim(0), x.dim(1));
        return gruLayer(seq, h, wIh, wHh, bIh, bHh, null, false, resetAfter).hN();
    }

    static void checkLengths(int[] lengths, int batch, int steps) {
        if (lengths.length != batch) {
            throw new IllegalArgumentException("expected " + batch + " lengths (one per sequence), got " + lengths.length);
        }
        for (int b = 0; b < batch; b++) {
            if (lengths[b] < 0 || lengths[b] > steps) {
                throw new IllegalArgumentException("length of sequence " + b + " must be in [0, " + steps + "], got "
                        + lengths[b]);
            }
        }
    }

    /** dst[r, :] = v for each of rows rows of width n. */
    private static void fillRows(float[] dst, Tensor v, int rows, int n) {
        for (int r = 0; r < rows; r++) System.arraycopy(v.data, v.offset, dst, r * n, n);
    }

    /** dst[r, 0:width] = v[from : from + width] (or zeros when v is null), rows of stride ld. */
    private static void fillRowsOrZero(float[] dst, Tensor v, int from, int rows, int width, int ld) {
        for (int r = 0; r < rows; r++) {
            if (v == null) java.util.Arrays.fill(dst, r * ld, r * ld + width, 0f);
            else System.arraycopy(v.data, v.offset + from, dst, r * ld, width);
        }
    }
}
