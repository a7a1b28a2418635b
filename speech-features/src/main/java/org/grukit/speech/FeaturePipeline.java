package org.grukit.speech;

import com.fasterxml.jackson.annotation.JsonAlias;

/**
 * A whole feature pipeline as one value, saved in a model's model.json so that inference computes exactly the
 * features training did: resampling to a rate, a preset (Kaldi fbank or MFCC on samples at 16-bit scale,
 * torchaudio mel spectrogram or MFCC on samples in [-1, 1]) with its options, optional deltas and
 * delta-deltas, and optional normalization (per utterance, sliding window, or statistics fitted on training data).
 */
public record FeaturePipeline(Preset preset, int sampleRate, KaldiFeatures.Options kaldi, TorchaudioFeatures.Options torchaudio,
                              int deltaWindow, @JsonAlias("normalisation") Normalization normalization, FeatureOps.Cmvn globalStats) {
    /** The feature extractor. */
    public enum Preset { KALDI_FBANK, KALDI_MFCC, TORCHAUDIO_MEL, TORCHAUDIO_MFCC }

    /**
     * How frames are normalized: not at all, by the utterance's mean (and variance), by the mean of a sliding
     * window (Kaldi's apply-cmvn-sliding defaults: 600 frames ending at the frame, at least 100 at the start),
     * causally by the frames so far topped up with a prior mean fitted on training data (Kaldi's online CMVN,
     * {@link FeatureOps.OnlineCmvn}: the one a stream can use), or with statistics fitted on training data.
     */
    public enum Normalization { NONE, UTTERANCE_MEAN, UTTERANCE_MEAN_VARIANCE, SLIDING_MEAN, ONLINE_MEAN, GLOBAL }

    /** The widest delta window (frames): a window is a few frames (torchaudio's default 5), never thousands. */
    public static final int MAX_DELTA_WINDOW = 101;

    public FeaturePipeline {
        if (preset == null || normalization == null) throw new IllegalArgumentException("preset and normalization are required");
        if (sampleRate <= 0) throw new IllegalArgumentException("sampleRate must be > 0, got " + sampleRate);
        boolean kaldiPreset = preset == Preset.KALDI_FBANK || preset == Preset.KALDI_MFCC;
        if (kaldiPreset && (kaldi == null || kaldi.sampleFrequency() != sampleRate)) {
            throw new IllegalArgumentException("a Kaldi preset needs Kaldi options at " + sampleRate + " Hz");
        }
        if (!kaldiPreset && (torchaudio == null || torchaudio.sampleRate() != sampleRate)) {
            throw new IllegalArgumentException("a torchaudio preset needs torchaudio options at " + sampleRate + " Hz");
        }
        if (deltaWindow != 0 && (deltaWindow < 3 || deltaWindow > MAX_DELTA_WINDOW)) {
            throw new IllegalArgumentException("deltaWindow must be 0 or in [3, " + MAX_DELTA_WINDOW + "] frames, got " + deltaWindow);
        }
        if (normalization == Normalization.GLOBAL && globalStats == null) {
            throw new IllegalArgumentException("global normalization needs fitted statistics");
        }
        if (normalization == Normalization.ONLINE_MEAN && globalStats == null) {
            throw new IllegalArgumentException("online normalization needs a prior mean fitted on training data");
        }
    }

    /** Kaldi MFCC at the given rate with deltas and delta-deltas and per-utterance mean normalization. */
    public static FeaturePipeline kaldiMfcc(int sampleRate) {
        return new FeaturePipeline(Preset.KALDI_MFCC, sampleRate, KaldiFeatures.Options.defaults(sampleRate), null, 5,
                Normalization.UTTERANCE_MEAN, null);
    }

    /** The same features, normalized as {@code n} says ({@link Normalization#GLOBAL} needs statistics: {@link #withGlobalStats}). */
    public FeaturePipeline withNormalization(Normalization n) {
        if (n == Normalization.GLOBAL) throw new IllegalArgumentException("global normalization needs fitted statistics; use withGlobalStats");
        if (n == Normalization.ONLINE_MEAN) throw new IllegalArgumentException("online normalization needs a prior mean; use withOnlinePrior");
        return new FeaturePipeline(preset, sampleRate, kaldi, torchaudio, deltaWindow, n, null);
    }

    /** The same features, normalized causally ({@link Normalization#ONLINE_MEAN}) with {@code prior}'s mean for the first frames. */
    public FeaturePipeline withOnlinePrior(FeatureOps.Cmvn prior) {
        return new FeaturePipeline(preset, sampleRate, kaldi, torchaudio, deltaWindow, Normalization.ONLINE_MEAN, new FeatureOps.Cmvn(prior.mean(), prior.std(), false));
    }

    /**
     * Features computed as audio at {@code inputRate} arrives, equal to {@link #apply} on the whole signal; only for
     * a Kaldi preset (snip_edges framing) normalized not at all or online, since every other normalization needs the
     * whole utterance first.
     */
    public FeatureStream stream(int inputRate) {
        return new FeatureStream(this, inputRate);
    }

    /** Whether {@link #stream} can compute these features. */
    public boolean streamable() {
        return (preset == Preset.KALDI_FBANK || preset == Preset.KALDI_MFCC) && kaldi.snipEdges()
                && (normalization == Normalization.NONE || normalization == Normalization.ONLINE_MEAN);
    }

    public FeaturePipeline withGlobalStats(FeatureOps.Cmvn stats) {
        return new FeaturePipeline(preset, sampleRate, kaldi, torchaudio, deltaWindow, Normalization.GLOBAL, stats);
    }

    /** The features [frames][coefficients] of an audio signal (resampled first if its rate differs). */
    public float[][] apply(Audio audio) {
        float[] x = audio.sampleRate() == sampleRate ? audio.samples()
                : new Resampler(audio.sampleRate(), sampleRate).apply(audio.samples());
        float[][] f = switch (preset) {
            case KALDI_FBANK -> KaldiFeatures.fbank(scaled(x), kaldi);
            case KALDI_MFCC -> KaldiFeatures.mfcc(scaled(x), kaldi);
            case TORCHAUDIO_MEL -> TorchaudioFeatures.melSpectrogram(x, torchaudio);
            case TORCHAUDIO_MFCC -> TorchaudioFeatures.mfcc(x, torchaudio);
        };
        if (deltaWindow > 0) f = FeatureOps.withDeltas(f, deltaWindow);
        return switch (normalization) {
            case NONE -> f;
            case UTTERANCE_MEAN -> FeatureOps.cmvn(f, false);
            case UTTERANCE_MEAN_VARIANCE -> FeatureOps.cmvn(f, true);
            case SLIDING_MEAN -> FeatureOps.slidingCmvn(f, 600, 100, false, false);
            case ONLINE_MEAN -> FeatureOps.onlineCmvn(f, globalStats.mean());
            case GLOBAL -> globalStats.apply(f);
        };
    }

    private static float[] scaled(float[] x) {
        float[] s = new float[x.length];
        for (int i = 0; i < x.length; i++) s[i] = x[i] * 32768f; // Kaldi's 16-bit integer scale
        return s;
    }
}
