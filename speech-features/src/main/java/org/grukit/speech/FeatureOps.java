package org.grukit.speech;

import org.grukit.core.Rng;

/**
 * Operations on feature matrices [frames][coefficients]: deltas (torchaudio.functional.compute_deltas, Kaldi's
 * add-deltas), cepstral mean and variance normalization (per utterance, over a sliding window, or with statistics
 * saved with a model),
 * and SpecAugment masking (seeded) for training.
 */
public final class FeatureOps {
    private FeatureOps() {}

    /**
     * d_t = sum_{k=1..N} k (c_{t+k} - c_{t-k}) / (2 sum k^2), N = (window - 1) / 2, edges replicated, as
     * compute_deltas(win_length=window).
     */
    public static float[][] deltas(float[][] c, int window) {
        if (window < 3) throw new IllegalArgumentException("delta window must be >= 3, got " + window);
        int n = (window - 1) / 2, frames = c.length;
        double denom = n * (n + 1) * (2.0 * n + 1) / 3.0;
        float[][] d = new float[frames][];
        for (int t = 0; t < frames; t++) {
            d[t] = new float[c[t].length];
            for (int j = 0; j < c[t].length; j++) {
                double s = 0;
                for (int k = -n; k <= n; k++) s += k * c[Math.min(frames - 1, Math.max(0, t + k))][j];
                d[t][j] = (float) (s / denom);
            }
        }
        return d;
    }

    /** Features with their deltas and delta-deltas appended: [frames][3 * coefficients]. */
    public static float[][] withDeltas(float[][] c, int window) {
        float[][] d1 = deltas(c, window), d2 = deltas(d1, window);
        float[][] out = new float[c.length][];
        for (int t = 0; t < c.length; t++) {
            int w = c[t].length;
            out[t] = new float[3 * w];
            System.arraycopy(c[t], 0, out[t], 0, w);
            System.arraycopy(d1[t], 0, out[t], w, w);
            System.arraycopy(d2[t], 0, out[t], 2 * w, w);
        }
        return out;
    }

    /** Normalization statistics: subtract mean, and divide by std when normVars; saved with a model. */
    public record Cmvn(float[] mean, float[] std, boolean normVars) {
        /** The statistics of {@code utterances} (all frames pooled). */
        public static Cmvn fit(Iterable<float[][]> utterances, boolean normVars) {
            double[] sum = null, sq = null;
            long count = 0;
            for (float[][] u : utterances) {
                for (float[] frame : u) {
                    if (sum == null) {
                        sum = new double[frame.length];
                        sq = new double[frame.length];
                    }
                    for (int j = 0; j < frame.length; j++) {
                        sum[j] += frame[j];
                        sq[j] += (double) frame[j] * frame[j];
                    }
                    count++;
                }
            }
            if (count == 0) throw new IllegalArgumentException("no frames to fit normalization statistics on");
            float[] mean = new float[sum.length], std = new float[sum.length];
            for (int j = 0; j < sum.length; j++) {
                double m = sum[j] / count;
                mean[j] = (float) m;
                std[j] = (float) Math.sqrt(Math.max(sq[j] / count - m * m, 1e-10));
            }
            return new Cmvn(mean, std, normVars);
        }

        public float[][] apply(float[][] c) {
            float[][] out = new float[c.length][];
            for (int t = 0; t < c.length; t++) {
                if (c[t].length != mean.length) {
                    throw new IllegalArgumentException("expected frames of " + mean.length + " coefficients, got " + c[t].length);
                }
                out[t] = new float[c[t].length];
                for (int j = 0; j < c[t].length; j++) {
                    float v = c[t][j] - mean[j];
                    out[t][j] = normVars ? v / std[j] : v;
                }
            }
            return out;
        }
    }

    /** Per-utterance CMVN: each coefficient's mean over the utterance removed (and variance scaled to 1). */
    public static float[][] cmvn(float[][] c, boolean normVars) {
        if (c.length == 0) return c;
        return Cmvn.fit(java.util.List.<float[][]>of(c), normVars).apply(c);
    }

    /**
     * Sliding-window CMVN, Kaldi's apply-cmvn-sliding (and torchaudio's sliding_window_cmn): each frame minus the
     * mean (and divided by the standard deviation when normVars) of a window of {@code window} frames, either
     * ending at the frame (center false; at the start at least {@code minWindow} frames, reaching ahead) or
     * centred on it, shifted to stay inside the utterance. Sums are kept in double and updated as the window
     * slides, as Kaldi does; a window of one frame gives zeros when normVars.
     */
    public static float[][] slidingCmvn(float[][] c, int window, int minWindow, boolean center, boolean normVars) {
        if (window < 1 || minWindow < 1) {
            throw new IllegalArgumentException("window and minWindow must be >= 1, got " + window + " and " + minWindow);
        }
        int frames = c.length, dims = frames == 0 ? 0 : c[0].length;
        double[] sum = new double[dims], sq = new double[dims];
        float[][] out = new float[frames][dims];
        int lastStart = -1, lastEnd = -1;
        for (int t = 0; t < frames; t++) {
            if (c[t].length != dims) throw new IllegalArgumentException("frame " + t + " has " + c[t].length + " coefficients, expected " + dims);
            int start = center ? t - window / 2 : t - window;
            int end = center ? start + window : t + 1;
            if (start < 0) {
                end -= start;
                start = 0;
            }
            if (!center && end > t) end = Math.max(t + 1, minWindow);
            if (end > frames) {
                start = Math.max(0, start - (end - frames));
                end = frames;
            }
            if (lastStart < 0) {
                for (int u = start; u < end; u++) add(sum, sq, c[u], 1);
            } else { // the window moves by at most one frame at each end
                if (start > lastStart) add(sum, sq, c[lastStart], -1);
                if (end > lastEnd) add(sum, sq, c[lastEnd], 1);
            }
            lastStart = start;
            lastEnd = end;
            int n = end - start;
            for (int j = 0; j < dims; j++) {
                double mean = sum[j] / n, v = c[t][j] - mean;
                if (normVars) v = n == 1 ? 0 : v / Math.sqrt(sq[j] / n - mean * mean);
                out[t][j] = (float) v;
            }
        }
        return out;
    }

    /**
     * Causal CMVN, as Kaldi's online decoding does it (OnlineCmvn, cmn_window 600, global_frames 200): each frame minus
     * the mean of the last {@code window} frames up to and including it, where a window not yet full is topped up with
     * up to {@code priorFrames} frames' worth of a prior mean (the training data's), so the first frames are
     * normalized by the prior rather than by themselves. The same numbers whether the frames come one at a time or
     * as a matrix.
     */
    public static final class OnlineCmvn {
        private final float[] prior;
        private final int window, priorFrames;
        private final float[][] ring;
        private final double[] sum;
        private long seen;

        public OnlineCmvn(float[] prior, int window, int priorFrames) {
            if (prior == null || prior.length == 0) throw new IllegalArgumentException("online CMVN needs a prior mean");
            if (window < 1 || priorFrames < 0) throw new IllegalArgumentException("need window >= 1 and priorFrames >= 0, got " + window + ", " + priorFrames);
            this.prior = prior.clone();
            this.window = window;
            this.priorFrames = priorFrames;
            ring = new float[window][];
            sum = new double[prior.length];
        }

        /** Kaldi's online defaults: 600 frames, topped up with 200 frames of the prior. */
        public static OnlineCmvn kaldi(float[] prior) {
            return new OnlineCmvn(prior, 600, 200);
        }

        /** The next frame, normalized. */
        public float[] next(float[] frame) {
            if (frame.length != prior.length) {
                throw new IllegalArgumentException("expected frames of " + prior.length + " coefficients, got " + frame.length);
            }
            int slot = (int) (seen % window);
            if (ring[slot] != null) add(sum, null, ring[slot], -1);
            ring[slot] = frame.clone();
            add(sum, null, frame, 1);
            seen++;
            int n = (int) Math.min(seen, window), k = Math.min(priorFrames, window - n);
            float[] out = new float[frame.length];
            for (int j = 0; j < out.length; j++) out[j] = (float) (frame[j] - (sum[j] + (double) k * prior[j]) / (n + k));
            return out;
        }
    }

    /** {@link OnlineCmvn} with Kaldi's online defaults over a whole utterance. */
    public static float[][] onlineCmvn(float[][] c, float[] prior) {
        OnlineCmvn n = OnlineCmvn.kaldi(prior);
        float[][] out = new float[c.length][];
        for (int t = 0; t < c.length; t++) out[t] = n.next(c[t]);
        return out;
    }

    /**
     * {@link #deltas} of frames that arrive one at a time: each delta once the {@code (window - 1) / 2} frames after
     * it are in, and the last ones, with the final frame repeated past the end, at {@link #finish}. Equal to
     * {@link #deltas} of the whole matrix.
     */
    public static final class DeltaStream {
        /** A frame and its delta, t-th in the stream. */
        public record Pair(float[] frame, float[] delta) {}

        private final int n;
        private final double denom;
        private final java.util.ArrayList<float[]> frames = new java.util.ArrayList<>();
        private long base, next; // the index of frames.get(0); the next delta to produce
        private boolean finished;

        public DeltaStream(int window) {
            if (window < 3) throw new IllegalArgumentException("delta window must be >= 3, got " + window);
            n = (window - 1) / 2;
            denom = n * (n + 1) * (2.0 * n + 1) / 3.0;
        }

        /** Frames ahead of the newest delta. */
        public int lookahead() {
            return n;
        }

        public java.util.List<Pair> push(float[] frame) {
            if (finished) throw new IllegalStateException("the stream is finished");
            frames.add(frame);
            return drain();
        }

        public java.util.List<Pair> finish() {
            finished = true;
            return drain();
        }

        private java.util.List<Pair> drain() {
            java.util.List<Pair> out = new java.util.ArrayList<>();
            long total = base + frames.size();
            while (next < total && (finished || next + n < total)) {
                float[] c = frame(next, total);
                float[] d = new float[c.length];
                for (int j = 0; j < d.length; j++) {
                    double s = 0;
                    for (int k = -n; k <= n; k++) s += k * frame(next + k, total)[j];
                    d[j] = (float) (s / denom);
                }
                out.add(new Pair(c, d));
                next++;
            }
            while (base < next - n && !frames.isEmpty()) { // older frames are no delta's neighbours any more
                frames.remove(0);
                base++;
            }
            return out;
        }

        private float[] frame(long t, long total) {
            return frames.get((int) (Math.min(total - 1, Math.max(0, t)) - base));
        }
    }

    private static void add(double[] sum, double[] sq, float[] frame, int sign) {
        for (int j = 0; j < sum.length; j++) {
            sum[j] += sign * (double) frame[j];
            if (sq != null) sq[j] += sign * (double) frame[j] * frame[j];
        }
    }

    /**
     * SpecAugment (Park et al. 2019) masking, seeded: {@code freqMasks} bands of up to {@code maxFreq}
     * coefficients and {@code timeMasks} spans of up to {@code maxTime} frames set to zero.
     */
    public static float[][] specAugment(float[][] c, int freqMasks, int maxFreq, int timeMasks, int maxTime, Rng rng) {
        float[][] out = new float[c.length][];
        for (int t = 0; t < c.length; t++) out[t] = c[t].clone();
        if (c.length == 0) return out;
        int coeffs = c[0].length;
        for (int i = 0; i < freqMasks; i++) {
            int w = rng.nextInt(Math.min(maxFreq, coeffs) + 1), f0 = rng.nextInt(coeffs - w + 1);
            for (float[] frame : out) java.util.Arrays.fill(frame, f0, f0 + w, 0f);
        }
        for (int i = 0; i < timeMasks; i++) {
            int w = rng.nextInt(Math.min(maxTime, c.length) + 1), t0 = rng.nextInt(c.length - w + 1);
            for (int t = t0; t < t0 + w; t++) java.util.Arrays.fill(out[t], 0f);
        }
        return out;
    }
}
