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

    /** Options, named as Kaldi's; defaults as torchaudio.compliance.kaldi's (dither 0; a seed for when it is not). */
    public record Options(float sampleFrequency, float frameLength, float frameShift, float dither,
                          float preemphasisCoefficient, boolean removeDcOffset, Window windowType, float blackmanCoeff,
                          boolean roundToPowerOfTwo, boolean snipEdges, int numMelBins, float lowFreq, float highFreq,
                          boolean useEnergy, boolean rawEnergy, float energyFloor, int numCeps, float cepstralLifter,
                          boolean htkCompat, long ditherSeed) {
        public Options {
            if (!(sampleFrequency > 0)) throw new IllegalArgumentException("sampleFrequency must be > 0, got " + sampleFrequency);
            if (!(frameLength > 0) || !(frameShift > 0)) {
                throw new IllegalArgumentException("frameLength and frameShift must be > 0 ms, got " + frameLength + ", " + frameShift);
            }
            // Upper limits too, checked before anything is allocated: a model.json saying numMelBins 1e9 or a frame
            // of an hour would otherwise run out of memory at the first utterance.
            if (!(sampleFrequency <= MAX_SAMPLE_RATE)) {
                throw new IllegalArgumentException("sampleFrequency must be at most " + MAX_SAMPLE_RATE + " Hz, got " + sampleFrequency);
            }
            if (!(frameLength <= MAX_FRAME_MS) || !(frameShift <= MAX_FRAME_MS)) {
                throw new IllegalArgumentException("frameLength and frameShift must be at most " + MAX_FRAME_MS + " ms, got " + frameLength
                        + ", " + frameShift);
            }
            if ((long) ((double) sampleFrequency * frameLength * 0.001) < 2 || (long) ((double) sampleFrequency * frameShift * 0.001) < 1) {
                throw new IllegalArgumentException("a frame must hold at least 2 samples and the shift at least 1 at " + sampleFrequency
                        + " Hz, got frameLength " + frameLength + " ms and frameShift " + frameShift + " ms");
            }
            if (numMelBins < 3 || numMelBins > MAX_MEL_BINS) {
                throw new IllegalArgumentException("numMelBins must be in [3, " + MAX_MEL_BINS + "], got " + numMelBins);
            }
            if (numCeps < 1 || numCeps > numMelBins) {
                throw new IllegalArgumentException("numCeps must be in [1, numMelBins=" + numMelBins + "], got " + numCeps);
            }
            if (!(lowFreq >= 0) || lowFreq >= (highFreq > 0 ? highFreq : sampleFrequency / 2 + highFreq)) {
                throw new IllegalArgumentException("need 0 <= lowFreq < highFreq (highFreq <= 0 counts back from Nyquist), got "
                        + lowFreq + " and " + highFreq);
            }
            if (!(dither >= 0f)) throw new IllegalArgumentException("dither must be >= 0, got " + dither);
            if (windowType == null) throw new IllegalArgumentException("windowType must not be null");
        }

        /** The highest sample rate, longest frame and most mel bins a pipeline accepts. */
        public static final float MAX_SAMPLE_RATE = 384_000f, MAX_FRAME_MS = 1000f;
        public static final int MAX_MEL_BINS = 1024;

        /** Kaldi's (and torchaudio's) defaults at the given sample rate. */
        public static Options defaults(float sampleFrequency) {
            return new Options(sampleFrequency, 25f, 10f, 0f, 0.97f, true, Window.POVEY, 0.42f, true, true, 23, 20f, 0f,
                    false, true, 1f, 13, 22f, false, 0L);
        }

        /** Gaussian dither of this scale added to each frame's samples (Kaldi's --dither), from a seeded stream. */
        public Options withDither(float d, long seed) {
            return new Options(sampleFrequency, frameLength, frameShift, d, preemphasisCoefficient, removeDcOffset,
                    windowType, blackmanCoeff, roundToPowerOfTwo, snipEdges, numMelBins, lowFreq, highFreq, useEnergy, rawEnergy,
                    energyFloor, numCeps, cepstralLifter, htkCompat, seed);
        }

        public Options withNumMelBins(int n) {
            return new Options(sampleFrequency, frameLength, frameShift, dither, preemphasisCoefficient, removeDcOffset,
                    windowType, blackmanCoeff, roundToPowerOfTwo, snipEdges, n, lowFreq, highFreq, useEnergy, rawEnergy,
                    energyFloor, numCeps, cepstralLifter, htkCompat, ditherSeed);
        }

        public Options withUseEnergy(boolean e) {
            return new Options(sampleFrequency, frameLength, frameShift, dither, preemphasisCoefficient, removeDcOffset,
                    windowType, blackmanCoeff, roundToPowerOfTwo, snipEdges, numMelBins, lowFreq, highFreq, e, rawEnergy,
                    energyFloor, numCeps, cepstralLifter, htkCompat, ditherSeed);
        }

        public Options withSnipEdges(boolean s) {
            return new Options(sampleFrequency, frameLength, frameShift, dither, preemphasisCoefficient, removeDcOffset,
                    windowType, blackmanCoeff, roundToPowerOfTwo, s, numMelBins, lowFreq, highFreq, useEnergy, rawEnergy,
                    energyFloor, numCeps, cepstralLifter, htkCompat, ditherSeed);
        }

        public Options withWindow(Window w) {
            return new Options(sampleFrequency, frameLength, frameShift, dither, preemphasisCoefficient, removeDcOffset,
                    w, blackmanCoeff, roundToPowerOfTwo, snipEdges, numMelBins, lowFreq, highFreq, useEnergy, rawEnergy,
                    energyFloor, numCeps, cepstralLifter, htkCompat, ditherSeed);
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
        int bins = o.numMelBins(), off = o.useEnergy() && !o.htkCompat() ? 1 : 0;
        Frames fr = new Frames(samples, o);
        float[][] out = new float[fr.count][bins + (o.useEnergy() ? 1 : 0)];
        double[] logMel = new double[bins];
        for (int f = 0; f < fr.count; f++) {
            double energy = fr.next(logMel);
            for (int m = 0; m < bins; m++) out[f][off + m] = (float) logMel[m];
            if (o.useEnergy()) out[f][o.htkCompat() ? bins : 0] = (float) energy;
        }
        return out;
    }

    /** MFCCs [frames][numCeps]: DCT of the log mel energies, liftered; C0 replaced by log energy when useEnergy. */
    public static float[][] mfcc(float[] samples, Options o) {
        int bins = o.numMelBins();
        Frames fr = new Frames(samples, o);
        double[] logMel = new double[bins], energy = new double[fr.count];
        float[][] out = new Dct(bins, o.numCeps()).transform(fr.count, (f, dst, off) -> {
            energy[f] = fr.next(logMel);
            for (int n = 0; n < bins; n++) dst[off + n] = (float) logMel[n]; // float32, as torchaudio's log-mel
        });
        finishCepstra(out, energy, o, lifter(o));
        return out;
    }

    private static float[] lifter(Options o) {
        float[] lifter = new float[o.numCeps()];
        for (int k = 0; k < lifter.length; k++) {
            lifter[k] = (float) (o.cepstralLifter() == 0f ? 1 : 1 + 0.5 * o.cepstralLifter() * Math.sin(Math.PI * k / o.cepstralLifter()));
        }
        return lifter;
    }

    /** Liftering, log energy as C0 when useEnergy, and HTK's order, on cepstra fresh from the DCT. */
    private static void finishCepstra(float[][] out, double[] energy, Options o, float[] lifter) {
        int ceps = o.numCeps();
        for (int f = 0; f < out.length; f++) {
            float[] row = out[f];
            for (int k = 0; k < ceps; k++) row[k] *= lifter[k];
            if (o.useEnergy()) row[0] = (float) energy[f];
            if (o.htkCompat()) { // C0 (or energy) moves last; without energy it loses DCT-II's sqrt(2) scale
                float c0 = row[0] * (o.useEnergy() ? 1f : (float) Math.sqrt(2));
                System.arraycopy(row, 1, row, 0, ceps - 1);
                row[ceps - 1] = c0;
            }
        }
    }

    /**
     * Features computed as samples arrive: each frame as soon as its last sample is in, equal to what
     * {@link #fbank} or {@link #mfcc} give for the whole signal (Kaldi's snip_edges framing, where a frame never
     * looks past its own samples). Memory holds one frame's samples.
     */
    public static final class Stream {
        private final Options o;
        private final boolean mfcc;
        private final Frames frames;
        private final Dct dct;
        private final float[] lifter;
        private final float[] pending;
        private int filled;

        /** @param mfcc MFCCs, or else filterbank energies */
        public Stream(Options o, boolean mfcc) {
            if (!o.snipEdges()) {
                throw new IllegalArgumentException("streaming features need snip_edges framing: without it the first frames mirror samples not yet heard");
            }
            this.o = o;
            this.mfcc = mfcc;
            frames = new Frames(new float[0], o);
            dct = mfcc ? new Dct(o.numMelBins(), o.numCeps()) : null;
            lifter = mfcc ? lifter(o) : null;
            pending = new float[o.windowSize()];
        }

        /** The frames that samples[from, to) complete (16-bit scale, as {@link #fbank} takes them), in order. */
        public java.util.List<float[]> accept(float[] samples, int from, int to) {
            java.util.List<float[]> out = new java.util.ArrayList<>();
            int size = pending.length, shift = o.windowShift();
            for (int i = from; i < to; ) {
                if (skip > 0) { // a shift longer than the window: samples between frames belong to none
                    int s = Math.min(skip, to - i);
                    i += s;
                    skip -= s;
                    continue;
                }
                int n = Math.min(size - filled, to - i);
                for (int k = i; k < i + n; k++) {
                    if (!Float.isFinite(samples[k])) throw new IllegalArgumentException("sample " + (consumed + k - from) + " is " + samples[k] + ", not a finite number");
                }
                System.arraycopy(samples, i, pending, filled, n);
                filled += n;
                i += n;
                if (filled == size) {
                    out.add(frame());
                    filled = Math.max(0, size - shift); // the next frame starts shift samples later
                    System.arraycopy(pending, size - filled, pending, 0, filled);
                    skip = Math.max(0, shift - size);
                }
            }
            consumed += to - from;
            return out;
        }

        private int skip;
        private long consumed;

        private float[] frame() {
            int bins = o.numMelBins();
            double[] logMel = new double[bins];
            double energy = frames.process(pending, 0, logMel);
            if (!mfcc) {
                int off = o.useEnergy() && !o.htkCompat() ? 1 : 0;
                float[] row = new float[bins + (o.useEnergy() ? 1 : 0)];
                for (int m = 0; m < bins; m++) row[off + m] = (float) logMel[m];
                if (o.useEnergy()) row[o.htkCompat() ? bins : 0] = (float) energy;
                return row;
            }
            float[][] row = dct.transform(1, (f, dst, off) -> {
                for (int n = 0; n < bins; n++) dst[off + n] = (float) logMel[n];
            });
            finishCepstra(row, new double[] {energy}, o, lifter);
            return row[0];
        }
    }

    /**
     * The frames of a signal, processed one at a time into log mel energies, so memory holds one frame, not
     * the signal's worth of frames and spectra.
     */
    private static final class Frames {
        final int count;
        private final float[] samples;
        private final Options o;
        private final int size, shift, pad;
        private final double[] window, frame, power;
        private final double[][] banks;
        private final int[] from, to;
        private final Fft fft;
        private final double floor;
        private final org.grukit.core.Rng dither;
        private int index;

        Frames(float[] samples, Options o) {
            Audio.requireFinite(samples);
            this.samples = samples;
            this.o = o;
            size = o.windowSize();
            shift = o.windowShift();
            if (size <= 0 || shift <= 0) {
                throw new IllegalArgumentException("frames of " + size + " samples every " + shift + " are impossible at "
                        + o.sampleFrequency() + " Hz");
            }
            int n = samples.length;
            count = o.snipEdges() ? (n < size ? 0 : 1 + (n - size) / shift) : (n == 0 ? 0 : (n + shift / 2) / shift);
            pad = size / 2 - shift / 2;
            window = window(o.windowType(), size, o.blackmanCoeff());
            frame = new double[size];
            power = new double[o.paddedSize() / 2 + 1];
            fft = new Fft(o.paddedSize());
            banks = melBanks(o);
            from = new int[banks.length];
            to = new int[banks.length];
            for (int m = 0; m < banks.length; m++) { // each filter's nonzero run of FFT bins
                int a = 0, b = banks[m].length;
                while (a < b && banks[m][a] == 0) a++;
                while (b > a && banks[m][b - 1] == 0) b--;
                from[m] = a;
                to[m] = b;
            }
            floor = o.energyFloor() > 0 ? Math.log(o.energyFloor()) : Double.NEGATIVE_INFINITY;
            dither = o.dither() > 0 ? new org.grukit.core.Rng(o.ditherSeed()) : null;
        }

        /** The next frame's log mel energies into logMel; returns its log energy. */
        double next(double[] logMel) {
            int n = samples.length, f = index++;
            for (int i = 0; i < size; i++) {
                frame[i] = samples[o.snipEdges() ? f * shift + i : reflect(f * shift + i - pad, n)];
            }
            return process(logMel);
        }

        /** The frame held in src[from, from + window size) into logMel; returns its log energy. */
        double process(float[] src, int from, double[] logMel) {
            for (int i = 0; i < size; i++) frame[i] = src[from + i];
            return process(logMel);
        }

        private double process(double[] logMel) {
            if (dither != null) { // fresh noise for every frame, as Kaldi and torchaudio draw it
                for (int i = 0; i < size; i++) frame[i] += o.dither() * dither.normal();
            }
            if (o.removeDcOffset()) {
                double mean = 0;
                for (double v : frame) mean += v;
                mean /= size;
                for (int i = 0; i < size; i++) frame[i] -= mean;
            }
            double energy = o.rawEnergy() ? logEnergy(frame, floor) : 0;
            float pre = o.preemphasisCoefficient();
            if (pre != 0f) {
                for (int i = size - 1; i > 0; i--) frame[i] -= pre * frame[i - 1];
                frame[0] -= pre * frame[0];
            }
            for (int i = 0; i < size; i++) frame[i] *= window[i];
            if (!o.rawEnergy()) energy = logEnergy(frame, floor);
            fft.powerSpectrum(power, frame, 0, size);
            for (int m = 0; m < banks.length; m++) {
                double e = 0;
                for (int k = from[m]; k < to[m]; k++) e += power[k] * banks[m][k];
                logMel[m] = Math.log(Math.max(e, EPSILON));
            }
            return energy;
        }
    }

    /** Kaldi's edge handling without snip_edges: indices outside [0, n) mirror back in (x[-1] = x[0]). */
    private static int reflect(int i, int n) {
        while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - 1 - i;
        return i;
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
