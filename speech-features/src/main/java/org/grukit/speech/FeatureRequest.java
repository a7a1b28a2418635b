package org.grukit.speech;

import java.io.Serializable;

/**
 * Speech features as a person asks for them, with Kaldi's option names: a preset (Kaldi fbank or MFCC, torchaudio mel
 * spectrogram or MFCC) and the options given, each unset one (null) taking the preset's default at the audio's rate:
 * Kaldi's (23 mel bins, 13 cepstra, 25 ms frames every 10 ms, 20 Hz low cut-off) or torchaudio.transforms' (n_fft 400,
 * hop 200, 128 mels, 40 MFCCs, 0 Hz to Nyquist). One value for the command line and the Spark stage, so both compute
 * the same features from the same options; no deltas and no normalization (that is a model's {@link FeaturePipeline}).
 *
 * @param highFreq high cut-off in Hz: 0 is Nyquist, and for Kaldi a negative value counts back from it
 * @param dither Gaussian dither at 16-bit sample scale (Kaldi only), drawn from {@code seed}
 * @param sampleFrequency resample to this rate first, or null to keep each recording's
 */
public record FeatureRequest(FeaturePipeline.Preset preset, Integer numMelBins, Integer numCeps, Float frameLength, Float frameShift,
                             Float lowFreq, float highFreq, boolean useEnergy, float dither, long seed, Integer sampleFrequency)
        implements Serializable {
    public FeatureRequest {
        if (preset == null) throw new IllegalArgumentException("a preset is required: kaldi or torchaudio, fbank or mfcc");
        if (!kaldi(preset) && (useEnergy || dither != 0f)) {
            throw new IllegalArgumentException("useEnergy and dither are Kaldi options; torchaudio's transforms have neither");
        }
        if (!kaldi(preset) && highFreq < 0) throw new IllegalArgumentException("a highFreq < 0 counts back from Nyquist only in the Kaldi presets");
        if (numCeps != null && (preset == FeaturePipeline.Preset.KALDI_FBANK || preset == FeaturePipeline.Preset.TORCHAUDIO_MEL)) {
            throw new IllegalArgumentException("numCeps is an MFCC option; " + preset + " has mel bins only");
        }
        if (sampleFrequency != null && (sampleFrequency < 1000 || sampleFrequency > 384_000)) {
            throw new IllegalArgumentException("sampleFrequency must be in [1000, 384000] Hz, got " + sampleFrequency);
        }
    }

    /** The preset with every option at its default. */
    public static FeatureRequest of(FeaturePipeline.Preset preset) {
        return new FeatureRequest(preset, null, null, null, null, null, 0f, false, 0f, 0, null);
    }

    private static boolean kaldi(FeaturePipeline.Preset p) {
        return p == FeaturePipeline.Preset.KALDI_FBANK || p == FeaturePipeline.Preset.KALDI_MFCC;
    }

    private static boolean mfcc(FeaturePipeline.Preset p) {
        return p == FeaturePipeline.Preset.KALDI_MFCC || p == FeaturePipeline.Preset.TORCHAUDIO_MFCC;
    }

    /** The features [frames][coefficients] of {@code audio}, resampled first when a sample frequency is set. */
    public float[][] compute(Audio audio) {
        return pipeline(sampleFrequency != null ? sampleFrequency : audio.sampleRate()).apply(audio);
    }

    /** The whole pipeline these options make at {@code rate}. */
    public FeaturePipeline pipeline(int rate) {
        if (kaldi(preset)) {
            KaldiFeatures.Options d = KaldiFeatures.Options.defaults(rate);
            int mels = numMelBins != null ? numMelBins : d.numMelBins();
            int ceps = mfcc(preset) && numCeps != null ? numCeps : d.numCeps();
            KaldiFeatures.Options o = new KaldiFeatures.Options(rate, or(frameLength, d.frameLength()), or(frameShift, d.frameShift()), dither,
                    d.preemphasisCoefficient(), d.removeDcOffset(), d.windowType(), d.blackmanCoeff(), d.roundToPowerOfTwo(), d.snipEdges(),
                    mels, or(lowFreq, d.lowFreq()), highFreq, useEnergy, d.rawEnergy(), d.energyFloor(), Math.min(ceps, mels),
                    d.cepstralLifter(), d.htkCompat(), seed);
            return new FeaturePipeline(preset, rate, o, null, 0, FeaturePipeline.Normalization.NONE, null);
        }
        TorchaudioFeatures.Options d = TorchaudioFeatures.Options.defaults(rate);
        int win = frameLength != null ? Math.round(frameLength * rate / 1000f) : d.winLength();
        int nFft = frameLength != null ? win : d.nFft(); // n_fft follows the frame, as the window fills it
        int hop = frameShift != null ? Math.round(frameShift * rate / 1000f) : Math.max(1, win / 2);
        int mels = numMelBins != null ? numMelBins : d.nMels();
        int ceps = mfcc(preset) && numCeps != null ? numCeps : d.nMfcc();
        TorchaudioFeatures.Options o = new TorchaudioFeatures.Options(rate, nFft, win, hop, or(lowFreq, d.fMin()), highFreq, mels, d.power(),
                d.center(), d.melScale(), d.slaneyNorm(), Math.min(ceps, mels), d.topDb());
        return new FeaturePipeline(preset, rate, null, o, 0, FeaturePipeline.Normalization.NONE, null);
    }

    private static float or(Float given, float fallback) {
        return given != null ? given : fallback;
    }
}
