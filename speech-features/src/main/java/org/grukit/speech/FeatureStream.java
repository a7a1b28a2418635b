package org.grukit.speech;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link FeaturePipeline}'s features computed as audio arrives, for streaming recognition: resampling, Kaldi
 * framing, deltas and online CMVN each as a stream, so that every frame comes out as soon as the samples it depends on
 * are in (its own window, then {@link #lookahead()} frames for the deltas), and the frames of a whole recording fed
 * in any pieces equal {@link FeaturePipeline#apply} on it. Memory holds a few frames, not the recording.
 */
public final class FeatureStream {
    private final Resampler.Stream resampler; // null when the input is at the pipeline's rate
    private final KaldiFeatures.Stream frames;
    private final FeatureOps.DeltaStream first, second; // null without deltas
    private final ArrayDeque<float[]> statics = new ArrayDeque<>();
    private final FeatureOps.OnlineCmvn cmvn; // null without normalization
    private final int inputRate;
    private boolean finished;

    FeatureStream(FeaturePipeline p, int inputRate) {
        if (!p.streamable()) {
            throw new IllegalArgumentException("features " + p.preset() + " normalized by " + p.normalization() + " cannot be computed as audio arrives: "
                    + "streaming needs a Kaldi preset with snip_edges framing, normalized online or not at all");
        }
        if (inputRate <= 0) throw new IllegalArgumentException("the input's sample rate must be > 0, got " + inputRate);
        this.inputRate = inputRate;
        resampler = inputRate == p.sampleRate() ? null : new Resampler(inputRate, p.sampleRate()).stream();
        frames = new KaldiFeatures.Stream(p.kaldi(), p.preset() == FeaturePipeline.Preset.KALDI_MFCC);
        first = p.deltaWindow() > 0 ? new FeatureOps.DeltaStream(p.deltaWindow()) : null;
        second = p.deltaWindow() > 0 ? new FeatureOps.DeltaStream(p.deltaWindow()) : null;
        cmvn = p.normalization() == FeaturePipeline.Normalization.ONLINE_MEAN ? FeatureOps.OnlineCmvn.kaldi(p.globalStats().mean()) : null;
    }

    /** The rate the samples given to {@link #accept} are at. */
    public int inputRate() {
        return inputRate;
    }

    /** Frames a feature frame waits for after its own: the deltas' and delta-deltas' reach. */
    public int lookahead() {
        return first == null ? 0 : first.lookahead() + second.lookahead();
    }

    /** The feature frames that {@code samples} (in [-1, 1], at {@link #inputRate()}) complete, in order. */
    public List<float[]> accept(float[] samples) {
        if (finished) throw new IllegalStateException("the stream is finished");
        float[] x = resampler == null ? samples : resampler.accept(samples, 0, samples.length);
        return fromSamples(x);
    }

    /** The last frames, the recording having ended. */
    public List<float[]> finish() {
        if (finished) throw new IllegalStateException("the stream is finished");
        List<float[]> out = resampler == null ? new ArrayList<>() : fromSamples(resampler.finish());
        finished = true;
        if (first != null) {
            for (FeatureOps.DeltaStream.Pair p : first.finish()) out.addAll(second(p));
            for (FeatureOps.DeltaStream.Pair p : second.finish()) out.add(combine(p));
        }
        return out;
    }

    private List<float[]> fromSamples(float[] x) {
        float[] scaled = new float[x.length];
        for (int i = 0; i < x.length; i++) scaled[i] = x[i] * 32768f; // Kaldi's 16-bit integer scale, as the pipeline
        List<float[]> out = new ArrayList<>();
        for (float[] f : frames.accept(scaled, 0, scaled.length)) {
            if (first == null) {
                out.add(normalized(f));
            } else {
                for (FeatureOps.DeltaStream.Pair p : first.push(f)) out.addAll(second(p));
            }
        }
        return out;
    }

    private List<float[]> second(FeatureOps.DeltaStream.Pair p) {
        statics.add(p.frame());
        List<float[]> out = new ArrayList<>();
        for (FeatureOps.DeltaStream.Pair q : second.push(p.delta())) out.add(combine(q));
        return out;
    }

    /** A frame, its delta and its delta-delta side by side, normalized. */
    private float[] combine(FeatureOps.DeltaStream.Pair q) {
        float[] c = statics.poll();
        int w = c.length;
        float[] row = new float[3 * w];
        System.arraycopy(c, 0, row, 0, w);
        System.arraycopy(q.frame(), 0, row, w, w);
        System.arraycopy(q.delta(), 0, row, 2 * w, w);
        return normalized(row);
    }

    private float[] normalized(float[] f) {
        return cmvn == null ? f : cmvn.next(f);
    }
}
