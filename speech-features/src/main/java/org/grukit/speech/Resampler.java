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
}
