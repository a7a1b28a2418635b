package org.grukit.speech;

/**
 * Kaldi's filterbank and MFCC features ({@code compute-fbank-feats}, {@code compute-mfcc-feats}), computed as
 * torchaudio.compliance.kaldi.fbank and .mfcc compute them, from samples at 16-bit integer scale (a signal in
 * [-1, 1] times 32768). The options are a record with Kaldi's names and torchaudio's defaults, so a model can
 * save the exact pipeline it was trained with.
 */
public final class KaldiFeatures {
    private KaldiFeatures() {}

    /** The window applied to each frame. */
    public enum Window { POVEY, HAMMING, HANNING, RECTANGULAR, BLACKMAN }

    /** Options, named as Kaldi's; defaults as torchaudio.compliance.kaldi's (dither 0). */
    public record Options(float sampleFrequency, float frameLength, float frameShift, float dither,
                          float preemphasisCoefficient, boolean removeDcOffset, Window windowType, float blackmanCoeff,
                          boolean roundToPowerOfTwo, boolean snipEdges, int numMelBins, float lowFreq, float highFreq,
                          boolean useEnergy, boolean rawEnergy, float energyFloor, int numCeps, float cepstralLifter,
                          boolean htkCompat) {
        public Options {
            if (!(sampleFrequency > 0)) throw new IllegalArgumentException("sampleFrequency must be > 0, got " + sampleFrequency);
            if (!(frameLength > 0) || !(frameShift > 0)) {
                throw new IllegalArgumentException("frameLength and frameShift must be > 0 ms, got " + frameLength + ", " + frameShift);
            }
            if (numMelBins < 3) throw new IllegalArgumentException("numMelBins must be >= 3, got " + numMelBins);
            if (numCeps < 1 || numCeps > numMelBins) {
                throw new IllegalArgumentException("numCeps must be in [1, numMelBins=" + numMelBins + "], got " + numCeps);
            }
            if (!(lowFreq >= 0) || lowFreq >= (highFreq > 0 ? highFreq : sampleFrequency / 2 + highFreq)) {
                throw new IllegalArgumentException("need 0 <= lowFreq < highFreq (highFreq <= 0 counts back from Nyquist), got "
                        + lowFreq + " and " + highFreq);
            }
            if (dither != 0f) throw new IllegalArgumentException("dither is not supported yet; use 0");
            if (windowType == null) throw new IllegalArgumentException("windowType must not be null");
        }

        /** Kaldi's (and torchaudio's) defaults at the given sample rate. */
        public static Options defaults(float sampleFrequency) {
            return new Options(sampleFrequency, 25f, 10f, 0f, 0.97f, true, Window.POVEY, 0.42f, true, true, 23, 20f, 0f,
                    false, true, 1f, 13, 22f, false);
        }

        public Options withNumMelBins(int n) {
            return new Options(sampleFrequency, frameLength, frameShift, dither, preemphasisCoefficient, removeDcOffset,
                    windowType, blackmanCoeff, roundToPowerOfTwo, snipEdges, n, lowFreq, highFreq, useEnergy, rawEnergy,
                    energyFloor, numCeps, cepstralLifter, htkCompat);
        }

        public Options withUseEnergy(boolean e) {
            return new Options(sampleFrequency, frameLength, frameShift, dither, preemphasisCoefficient, removeDcOffset,
                    windowType, blackmanCoeff, roundToPowerOfTwo, snipEdges, numMelBins, lowFreq, highFreq, e, rawEnergy,
                    energyFloor, numCeps, cepstralLifter, htkCompat);
        }

        public Options withSnipEdges(boolean s) {
            return new Options(sampleFrequency, frameLength, frameShift, dither, preemphasisCoefficient, removeDcOffset,
                    windowType, blackmanCoeff, roundToPowerOfTwo, s, numMelBins, lowFreq, highFreq, useEnergy, rawEnergy,
                    energyFloor, numCeps, cepstralLifter, htkCompat);
        }

        public Options withWindow(Window w) {
            return new Options(sampleFrequency, frameLength, frameShift, dither, preemphasisCoefficient, removeDcOffset,
                    w, blackmanCoeff, roundToPowerOfTwo, snipEdges, numMelBins, lowFreq, highFreq, useEnergy, rawEnergy,
                    energyFloor, numCeps, cepstralLifter, htkCompat);
        }

        // In double precision, as torchaudio computes int(sample_frequency * frame_length * 0.001) in Python floats.
        int windowSize() {
            return (int) ((double) sampleFrequency * frameLength * 0.001);
        }

        int windowShift() {
            return (int) ((double) sampleFrequency * frameShift * 0.001);
        }

        int paddedSize() {
            int w = windowSize();
            return roundToPowerOfTwo ? Integer.highestOneBit(Math.max(1, w - 1)) << 1 : w;
        }
    }

    private static final double EPSILON = Math.ulp(1.0f); // torch.finfo(torch.float).eps

    /** Log mel filterbank energies [frames][numMelBins] (with log energy first when useEnergy). */
    public static float[][] fbank(float[] samples, Options o) {
        double[][] frames = frames(samples, o);
        double[] logEnergy = new double[frames.length];
        double[][] spec = spectra(frames, o, logEnergy);
        double[][] banks = melBanks(o);
        int bins = o.numMelBins(), off = o.useEnergy() && !o.htkCompat() ? 1 : 0;
        int[] from = new int[bins], to = new int[bins]; // each filter's nonzero run of FFT bins
        for (int m = 0; m < bins; m++) {
            double[] bank = banks[m];
            int a = 0, b = bank.length;
            while (a < b && bank[a] == 0) a++;
            while (b > a && bank[b - 1] == 0) b--;
            from[m] = a;
            to[m] = b;
        }
        float[][] out = new float[spec.length][bins + (o.useEnergy() ? 1 : 0)];
        for (int f = 0; f < spec.length; f++) {
            for (int m = 0; m < bins; m++) {
                double e = 0;
                double[] bank = banks[m];
                for (int k = from[m]; k < to[m]; k++) e += spec[f][k] * bank[k];
                out[f][off + m] = (float) Math.log(Math.max(e, EPSILON));
            }
            if (o.useEnergy()) out[f][o.htkCompat() ? bins : 0] = (float) logEnergy[f];
        }
        return out;
    }

    /** MFCCs [frames][numCeps]: DCT of the log mel energies, liftered; C0 replaced by log energy when useEnergy. */
    public static float[][] mfcc(float[] samples, Options o) {
        Options fb = o.withUseEnergy(false);
        float[][] logMel = fbank(samples, fb);
        double[] logEnergy = o.useEnergy() ? energies(samples, o) : null;
        int bins = o.numMelBins(), ceps = o.numCeps();
        double[][] dct = new double[ceps][bins];
        for (int k = 0; k < ceps; k++) {
            for (int n = 0; n < bins; n++) {
                // Orthonormal DCT-II; Kaldi weights C0 by sqrt(1/N) (torchaudio's _get_dct_matrix).
                dct[k][n] = k == 0 ? Math.sqrt(1.0 / bins) : Math.sqrt(2.0 / bins) * Math.cos(Math.PI / bins * (n + 0.5) * k);
            }
        }
        float[][] out = new float[logMel.length][ceps];
        for (int f = 0; f < logMel.length; f++) {
            for (int k = 0; k < ceps; k++) {
                double s = 0;
                for (int n = 0; n < bins; n++) s += dct[k][n] * logMel[f][n];
                double lifter = o.cepstralLifter() == 0f ? 1 : 1 + 0.5 * o.cepstralLifter() * Math.sin(Math.PI * k / o.cepstralLifter());
                out[f][k] = (float) (s * lifter);
            }
            if (o.useEnergy()) out[f][0] = (float) logEnergy[f];
            if (o.htkCompat()) { // C0 (or energy) moves last; without energy it loses DCT-II's sqrt(2) scale
                float c0 = out[f][0] * (o.useEnergy() ? 1f : (float) Math.sqrt(2));
                System.arraycopy(out[f], 1, out[f], 0, ceps - 1);
                out[f][ceps - 1] = c0;
            }
        }
        return out;
    }

    private static double[] energies(float[] samples, Options o) {
        double[][] frames = frames(samples, o);
        double[] logEnergy = new double[frames.length];
        spectra(frames, o, logEnergy);
        return logEnergy;
    }

    /** Framing as Kaldi: snip_edges keeps whole windows; otherwise frames are centred with reflected edges. */
    static double[][] frames(float[] samples, Options o) {
        int size = o.windowSize(), shift = o.windowShift(), n = samples.length;
        if (size <= 0 || shift <= 0) {
            throw new IllegalArgumentException("frames of " + size + " samples every " + shift + " are impossible at "
                    + o.sampleFrequency() + " Hz");
        }
        boolean snip = o.snipEdges();
        int count = snip ? (n < size ? 0 : 1 + (n - size) / shift) : (n + shift / 2) / shift;
        double[][] out = new double[count][size];
        int pad = size / 2 - shift / 2;
        for (int f = 0; f < count; f++) {
            for (int i = 0; i < size; i++) {
                int src = snip ? f * shift + i : reflect(f * shift + i - pad, n);
                out[f][i] = samples[src];
            }
        }
        return out;
    }

    /** Kaldi's edge handling without snip_edges: indices outside [0, n) mirror back in (x[-1] = x[0]). */
    private static int reflect(int i, int n) {
        while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - 1 - i;
        return i;
    }

    /** Power spectra [frames][padded/2 + 1] after DC removal, pre-emphasis and windowing; fills log energies. */
    private static double[][] spectra(double[][] frames, Options o, double[] logEnergy) {
        int size = o.windowSize(), padded = o.paddedSize();
        double[] window = window(o.windowType(), size, o.blackmanCoeff());
        Fft fft = new Fft(padded);
        double[][] out = new double[frames.length][padded / 2 + 1];
        double floor = o.energyFloor() > 0 ? Math.log(o.energyFloor()) : Double.NEGATIVE_INFINITY;
        for (int f = 0; f < frames.length; f++) {
            double[] x = frames[f];
            if (o.removeDcOffset()) {
                double mean = 0;
                for (double v : x) mean += v;
                mean /= size;
                for (int i = 0; i < size; i++) x[i] -= mean;
            }
            if (o.rawEnergy()) logEnergy[f] = logEnergy(x, floor);
            float pre = o.preemphasisCoefficient();
            if (pre != 0f) {
                for (int i = size - 1; i > 0; i--) x[i] -= pre * x[i - 1];
                x[0] -= pre * x[0];
            }
            for (int i = 0; i < size; i++) x[i] *= window[i];
            if (!o.rawEnergy()) logEnergy[f] = logEnergy(x, floor);
            fft.powerSpectrum(out[f], x, 0, size);
        }
        return out;
    }

    private static double logEnergy(double[] x, double floor) {
        double e = 0;
        for (double v : x) e += v * v;
        return Math.max(Math.log(Math.max(e, EPSILON)), floor);
    }

    static double[] window(Window type, int n, float blackmanCoeff) {
        double[] w = new double[n];
        double a = 2 * Math.PI / (n - 1);
        for (int i = 0; i < n; i++) {
            double hann = 0.5 - 0.5 * Math.cos(a * i);
            w[i] = switch (type) {
                case HANNING -> hann;
                case POVEY -> Math.pow(hann, 0.85);
                case HAMMING -> 0.54 - 0.46 * Math.cos(a * i);
                case RECTANGULAR -> 1.0;
                case BLACKMAN -> blackmanCoeff - 0.5 * Math.cos(a * i) + (0.5 - blackmanCoeff) * Math.cos(2 * a * i);
            };
        }
        return w;
    }

    static double mel(double hz) {
        return 1127.0 * Math.log(1.0 + hz / 700.0);
    }

    /** Kaldi's triangular mel filters over the FFT bins [0, padded/2] (the Nyquist bin gets weight 0). */
    static double[][] melBanks(Options o) {
        int padded = o.paddedSize(), bins = o.numMelBins();
        double nyquist = 0.5 * o.sampleFrequency();
        double high = o.highFreq() <= 0 ? nyquist + o.highFreq() : o.highFreq();
        double width = o.sampleFrequency() / (double) padded;
        double lowMel = mel(o.lowFreq()), highMel = mel(high), delta = (highMel - lowMel) / (bins + 1);
        double[][] banks = new double[bins][padded / 2 + 1];
        for (int m = 0; m < bins; m++) {
            double left = lowMel + m * delta, centre = lowMel + (m + 1) * delta, right = lowMel + (m + 2) * delta;
            for (int k = 0; k < padded / 2; k++) {
                double fm = mel(width * k);
                double up = (fm - left) / (centre - left), down = (right - fm) / (right - centre);
                banks[m][k] = Math.max(0, Math.min(up, down));
            }
        }
        return banks;
    }
}
