package org.grukit.speech;

/**
 * Band-limited resampling by windowed-sinc interpolation, as torchaudio.functional.resample with its defaults
 * (lowpass_filter_width 6, rolloff 0.99, Hann-squared window): both rates are divided by their gcd, and each of
 * the new_freq output phases is a polyphase filter applied every orig_freq input samples.
 */
public final class Resampler {
    private final int orig, target, width, taps;
    private final double[][] kernel; // [phase][tap]

    public Resampler(int origFreq, int newFreq) {
        this(origFreq, newFreq, 6, 0.99);
    }

    public Resampler(int origFreq, int newFreq, int lowpassFilterWidth, double rolloff) {
        if (origFreq <= 0 || newFreq <= 0) {
            throw new IllegalArgumentException("sample rates must be > 0, got " + origFreq + " and " + newFreq);
        }
        if (lowpassFilterWidth <= 0) throw new IllegalArgumentException("lowpassFilterWidth must be > 0");
        int g = gcd(origFreq, newFreq);
        orig = origFreq / g;
        target = newFreq / g;
        double base = Math.min(orig, target) * rolloff;
        width = (int) Math.ceil(lowpassFilterWidth * orig / base);
        taps = 2 * width + orig;
        kernel = new double[target][taps];
        for (int j = 0; j < target; j++) {
            for (int k = 0; k < taps; k++) {
                double t = (-(double) j / target + (double) (k - width) / orig) * base;
                t = Math.max(-lowpassFilterWidth, Math.min(lowpassFilterWidth, t));
                double window = Math.pow(Math.cos(t * Math.PI / lowpassFilterWidth / 2), 2);
                double x = t * Math.PI;
                double sinc = x == 0 ? 1.0 : Math.sin(x) / x;
                kernel[j][k] = sinc * window * base / orig;
            }
        }
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** The resampled signal: ceil(len * new / orig) samples. */
    public float[] apply(float[] x) {
        if (orig == target) return x.clone();
        int len = x.length;
        long outLen = (long) Math.ceil((double) target * len / orig);
        float[] out = new float[(int) outLen];
        for (int i = 0; i < out.length; i++) {
            int n = i / target, j = i % target;
            int start = n * orig - width; // index into x of tap 0 (the signal is zero outside [0, len))
            double s = 0;
            double[] kj = kernel[j];
            int k0 = Math.max(0, -start), k1 = Math.min(taps, len - start);
            for (int k = k0; k < k1; k++) s += x[start + k] * kj[k];
            out[i] = (float) s;
        }
        return out;
    }

    /** A resampler for a signal that arrives in pieces; its output equals {@link #apply} on the whole signal. */
    public Stream stream() {
        return new Stream();
    }

    /**
     * Resampling as samples arrive: each output sample as soon as the input it weighs is in (about
     * {@code lowpassFilterWidth} input periods of look-ahead), the rest at {@link #finish}.
     */
    public final class Stream {
        private float[] buffer = new float[Math.max(64, 2 * taps)];
        private long base; // the input index of buffer[0]
        private int length; // samples held
        private long received, produced;
        private boolean finished;

        private Stream() {}

        /** The output samples that x[from, to) makes ready, in order. */
        public float[] accept(float[] x, int from, int to) {
            if (finished) throw new IllegalStateException("the stream is finished");
            if (orig == target) {
                received += to - from;
                return java.util.Arrays.copyOfRange(x, from, to);
            }
            int n = to - from;
            if (length + n > buffer.length) buffer = java.util.Arrays.copyOf(buffer, Math.max(2 * buffer.length, length + n));
            System.arraycopy(x, from, buffer, length, n);
            length += n;
            received += n;
            return drain(Long.MAX_VALUE);
        }

        /** The last output samples: ceil(total * new / orig) in all, the signal taken as zero past its end. */
        public float[] finish() {
            if (finished) throw new IllegalStateException("the stream is finished");
            finished = true;
            if (orig == target) return new float[0];
            return drain((long) Math.ceil((double) target * received / orig));
        }

        private float[] drain(long limit) {
            float[] out = new float[16];
            int count = 0;
            while (produced < limit) {
                long n = produced / target;
                int j = (int) (produced % target);
                long start = n * orig - width;
                if (!finished && start + taps > received) break;
                int k0 = (int) Math.max(0, -start), k1 = (int) Math.min(taps, received - start);
                double s = 0;
                double[] kj = kernel[j];
                for (int k = k0; k < k1; k++) s += buffer[(int) (start + k - base)] * kj[k];
                if (count == out.length) out = java.util.Arrays.copyOf(out, 2 * count);
                out[count++] = (float) s;
                produced++;
            }
            long keepFrom = Math.max(0, (produced / target) * orig - width); // the next output's first input
            int drop = (int) Math.min(length, Math.max(0, keepFrom - base));
            if (drop > 0) {
                System.arraycopy(buffer, drop, buffer, 0, length - drop);
                length -= drop;
                base += drop;
            }
            return java.util.Arrays.copyOf(out, count);
        }
    }
}
