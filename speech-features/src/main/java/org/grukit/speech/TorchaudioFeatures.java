package org.grukit.speech;

/**
 * torchaudio.transforms.MelSpectrogram and MFCC, with their defaults, on samples in [-1, 1]: a centred STFT
 * (reflect padding of n_fft / 2, periodic Hann window), the power spectrum, triangular mel filters on the HTK
 * or Slaney scale (optionally Slaney-normalized), and for MFCC the mel power in dB (10 log10, floor 1e-10,
 * then no more than top_db below the spectrogram's maximum) and an orthonormal DCT-II. Outputs are
 * [frames][coefficients].
 */
public final class TorchaudioFeatures {
    private TorchaudioFeatures() {}

    /** The mel scale: HTK's 2595 log10(1 + f / 700), or Slaney's (linear to 1 kHz, logarithmic above). */
    public enum MelScale { HTK, SLANEY }

    /** Options with torchaudio's names and defaults; fMax 0 means the Nyquist frequency; topDb NaN means none. */
    public record Options(int sampleRate, int nFft, int winLength, int hopLength, float fMin, float fMax, int nMels,
                          float power, boolean center, MelScale melScale, boolean slaneyNorm, int nMfcc, float topDb) {
        public Options {
            if (sampleRate <= 0 || sampleRate > MAX_SAMPLE_RATE) {
                throw new IllegalArgumentException("sampleRate must be in [1, " + MAX_SAMPLE_RATE + "], got " + sampleRate);
            }
            if (nFft < 2 || nFft > MAX_N_FFT || winLength < 1 || winLength > nFft) {
                throw new IllegalArgumentException("need 2 <= nFft <= " + MAX_N_FFT + " and 1 <= winLength <= nFft, got " + nFft + ", " + winLength);
            }
            if (hopLength < 1 || hopLength > nFft) throw new IllegalArgumentException("hopLength must be in [1, nFft], got " + hopLength);
            if (nMels < 1 || nMels > MAX_N_MELS) throw new IllegalArgumentException("nMels must be in [1, " + MAX_N_MELS + "], got " + nMels);
            if (nMfcc < 1 || nMfcc > nMels) throw new IllegalArgumentException("nMfcc must be in [1, nMels], got " + nMfcc);
            if (melScale == null) throw new IllegalArgumentException("melScale must not be null");
        }

        /** The limits a pipeline read from a file is held to before anything is allocated. */
        public static final int MAX_SAMPLE_RATE = 384_000, MAX_N_FFT = 1 << 16, MAX_N_MELS = 1024;

        /** torchaudio.transforms.MFCC(sample_rate=sr) and MelSpectrogram(sample_rate=sr) defaults. */
        public static Options defaults(int sampleRate) {
            return new Options(sampleRate, 400, 400, 200, 0f, 0f, 128, 2f, true, MelScale.HTK, false, 40, 80f);
        }

        public Options withMels(int nMels, MelScale scale, boolean slaneyNorm) {
            return new Options(sampleRate, nFft, winLength, hopLength, fMin, fMax, nMels, power, center, scale, slaneyNorm,
                    Math.min(nMfcc, nMels), topDb);
        }
    }

    /** Mel spectrogram [frames][nMels] (power by default), computed a frame at a time. */
    public static float[][] melSpectrogram(float[] samples, Options o) {
        double[][] fb = filterbank(o);
        // Each triangular filter covers a short run of bins: keep only that run's weights, contiguous.
        int mels = o.nMels(), bins = fb.length;
        int[] from = new int[mels];
        double[][] weights = new double[mels][];
        for (int m = 0; m < mels; m++) {
            int a = 0;
            while (a < bins && fb[a][m] == 0) a++;
            int b = bins;
            while (b > a && fb[b - 1][m] == 0) b--;
            from[m] = a;
            weights[m] = new double[b - a];
            for (int k = a; k < b; k++) weights[m][k - a] = fb[k][m];
        }
        Stft stft = new Stft(samples, o);
        float[][] out = new float[stft.frames][mels];
        double[] spec = new double[bins];
        for (int f = 0; f < stft.frames; f++) {
            stft.next(spec);
            for (int m = 0; m < mels; m++) {
                double[] w = weights[m];
                double s = 0;
                for (int k = 0, a = from[m]; k < w.length; k++) s += spec[a + k] * w[k];
                out[f][m] = (float) s;
            }
        }
        return out;
    }

    /** MFCC [frames][nMfcc]: DCT-II (orthonormal) of the mel power in dB. */
    public static float[][] mfcc(float[] samples, Options o) {
        float[][] mel = melSpectrogram(samples, o);
        // dB in place (float holds it to about 1e-5 dB), then clamp to top_db below the maximum of the whole input.
        float max = Float.NEGATIVE_INFINITY;
        for (float[] row : mel) {
            for (int m = 0; m < row.length; m++) {
                row[m] = (float) (10 * Math.log10(Math.max(row[m], 1e-10)));
                max = Math.max(max, row[m]);
            }
        }
        float floor = Float.isNaN(o.topDb()) ? Float.NEGATIVE_INFINITY : max - o.topDb();
        int mels = o.nMels();
        return new Dct(mels, o.nMfcc()).transform(mel.length, (f, dst, off) -> {
            for (int m = 0; m < mels; m++) dst[off + m] = Math.max(mel[f][m], floor);
            mel[f] = null; // the mel rows go as the cepstra come, so peak memory is about one copy of the features
        });
    }

    /** |STFT|^power a frame at a time: centred frames with reflect padding, as torch.stft(center=True). */
    private static final class Stft {
        final int frames;
        private final float[] x;
        private final Options o;
        private final int pad;
        private final double[] window, frame, power;
        private final Fft fft;
        private int index;

        Stft(float[] x, Options o) {
            Audio.requireFinite(x);
            this.x = x;
            this.o = o;
            int nFft = o.nFft(), n = x.length;
            pad = o.center() ? nFft / 2 : 0;
            if (o.center() && n <= pad) {
                throw new IllegalArgumentException("a signal of " + n + " samples is too short for reflect padding of " + pad);
            }
            frames = n + 2 * pad < nFft ? 0 : 1 + (n + 2 * pad - nFft) / o.hopLength();
            window = new double[nFft];
            int left = (nFft - o.winLength()) / 2; // torch centres a shorter window inside n_fft
            for (int i = 0; i < o.winLength(); i++) window[left + i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / o.winLength());
            fft = new Fft(nFft);
            frame = new double[nFft];
            power = new double[nFft / 2 + 1];
        }

        void next(double[] out) {
            int nFft = o.nFft(), n = x.length, f = index++;
            int start = f * o.hopLength() - pad;
            if (start >= 0 && start + nFft <= n) {
                for (int i = 0; i < nFft; i++) frame[i] = x[start + i] * window[i];
            } else {
                for (int i = 0; i < nFft; i++) {
                    int src = start + i;
                    if (src < 0) src = -src; // reflect, the edge sample not repeated
                    if (src >= n) src = 2 * (n - 1) - src;
                    frame[i] = x[src] * window[i];
                }
            }
            if (o.power() == 2f) {
                fft.powerSpectrum(out, frame, 0, nFft);
                return;
            }
            fft.powerSpectrum(power, frame, 0, nFft);
            for (int k = 0; k < power.length; k++) out[k] = Math.pow(Math.sqrt(power[k]), o.power());
        }
    }

    static double hzToMel(double f, MelScale s) {
        if (s == MelScale.HTK) return 2595.0 * Math.log10(1.0 + f / 700.0);
        double fsp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fsp, logstep = Math.log(6.4) / 27.0;
        return f >= minLogHz ? minLogMel + Math.log(f / minLogHz) / logstep : f / fsp;
    }

    static double melToHz(double m, MelScale s) {
        if (s == MelScale.HTK) return 700.0 * (Math.pow(10.0, m / 2595.0) - 1.0);
        double fsp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fsp, logstep = Math.log(6.4) / 27.0;
        return m >= minLogMel ? minLogHz * Math.exp(logstep * (m - minLogMel)) : fsp * m;
    }

    /** torchaudio.functional.melscale_fbanks: [nFft / 2 + 1][nMels]. */
    static double[][] filterbank(Options o) {
        int freqs = o.nFft() / 2 + 1, mels = o.nMels();
        double fMax = o.fMax() > 0 ? o.fMax() : o.sampleRate() / 2; // torchaudio: float(sample_rate // 2)
        double mMin = hzToMel(o.fMin(), o.melScale()), mMax = hzToMel(fMax, o.melScale());
        double[] fPts = new double[mels + 2];
        for (int i = 0; i < mels + 2; i++) fPts[i] = melToHz(mMin + (mMax - mMin) * i / (mels + 1), o.melScale());
        double[][] fb = new double[freqs][mels];
        for (int k = 0; k < freqs; k++) {
            double f = (o.sampleRate() / 2) * (double) k / (freqs - 1); // linspace(0, sample_rate // 2, n_freqs)
            for (int m = 0; m < mels; m++) {
                double down = (f - fPts[m]) / (fPts[m + 1] - fPts[m]);
                double up = (fPts[m + 2] - f) / (fPts[m + 2] - fPts[m + 1]);
                double w = Math.max(0, Math.min(down, up));
                if (o.slaneyNorm()) w *= 2.0 / (fPts[m + 2] - fPts[m]);
                fb[k][m] = w;
            }
        }
        return fb;
    }
}
