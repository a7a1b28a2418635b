package org.grukit.speech;

import java.util.ArrayList;
import java.util.List;

/**
 * Voice-activity detection by energy against a tracked noise floor, for cutting a long recording into utterances as
 * it is read. Each 10 ms frame's level (dB of its mean square, full scale 0 dB) is compared with the noise floor: the
 * floor falls at once to any quieter frame and otherwise rises slowly ({@link Options#floorRiseDbPerSecond()}), so it
 * follows the background under speech that comes and goes. A frame is speech when it is {@link Options#thresholdDb()}
 * above the floor (and above {@link Options#minLevelDb()}); an utterance starts after {@link Options#minSpeechSeconds()}
 * of speech frames, reaching back over the frames before them that are {@link Options#boundaryDb()} above the floor
 * (two thresholds, as in most energy detectors: a high one to decide, a low one to place the boundaries), and ends
 * after {@link Options#minSilenceSeconds()} of frames below the low one. Each utterance is given with
 * {@link Options#paddingSeconds()} of audio on both sides (a recognizer wants a little silence around the words), its
 * boundaries without. Memory holds one utterance: past {@link Options#maxSegmentSeconds()} it is cut where it is.
 */
public final class Vad {

    /**
     * @param thresholdDb      a frame this far above the noise floor is speech, and {@code minSpeechSeconds} of such frames
     *                         start an utterance
     * @param boundaryDb       a lower level (above the floor) that still counts as part of an utterance once it started:
     *                         its start is moved back, and its end on, over frames above it (weak onsets and tails such as
     *                         "f", "s" and "th" are speech too)
     */
    public record Options(double thresholdDb, double boundaryDb, double minLevelDb, double floorRiseDbPerSecond, double minSpeechSeconds,
                          double minSilenceSeconds, double paddingSeconds, double maxSegmentSeconds) {
        public Options {
            if (!(thresholdDb > 0 && thresholdDb < 60)) throw new IllegalArgumentException("thresholdDb must be in (0, 60), got " + thresholdDb);
            if (!(boundaryDb > 0 && boundaryDb <= thresholdDb)) throw new IllegalArgumentException("boundaryDb must be in (0, thresholdDb], got " + boundaryDb);
            if (!(minLevelDb < 0)) throw new IllegalArgumentException("minLevelDb must be below 0 dB (full scale), got " + minLevelDb);
            if (!(floorRiseDbPerSecond > 0)) throw new IllegalArgumentException("floorRiseDbPerSecond must be > 0, got " + floorRiseDbPerSecond);
            if (!(minSpeechSeconds >= 0.01 && minSilenceSeconds >= 0.01)) {
                throw new IllegalArgumentException("minSpeechSeconds and minSilenceSeconds must be at least one 10 ms frame, got " + minSpeechSeconds + ", "
                        + minSilenceSeconds);
            }
            if (!(paddingSeconds >= 0 && paddingSeconds <= minSilenceSeconds)) {
                throw new IllegalArgumentException("paddingSeconds must be in [0, minSilenceSeconds], got " + paddingSeconds);
            }
            if (!(maxSegmentSeconds >= 1 && maxSegmentSeconds <= 600)) throw new IllegalArgumentException("maxSegmentSeconds must be in [1, 600], got " + maxSegmentSeconds);
        }

        /**
         * 6 dB above the floor (and -60 dBFS) starts, 4 dB bounds, floor rising 3 dB/s; 50 ms of speech starts, 300 ms of
         * silence ends; 100 ms padding; 30 s at most. The two levels were picked on long recordings made of FSDD's
         * training recordings (thresholds 6 and 9, bounds 2, 3 and 4 dB; speech 30 and 20 dB above white noise).
         */
        public static Options defaults() {
            return new Options(6, 4, -60, 3, 0.05, 0.3, 0.1, 30);
        }

        public Options withThresholdDb(double v) {
            return new Options(v, Math.min(boundaryDb, v), minLevelDb, floorRiseDbPerSecond, minSpeechSeconds, minSilenceSeconds, paddingSeconds, maxSegmentSeconds);
        }

        public Options withBoundaryDb(double v) {
            return new Options(thresholdDb, v, minLevelDb, floorRiseDbPerSecond, minSpeechSeconds, minSilenceSeconds, paddingSeconds, maxSegmentSeconds);
        }

        public Options withMinSilenceSeconds(double v) {
            return new Options(thresholdDb, boundaryDb, minLevelDb, floorRiseDbPerSecond, minSpeechSeconds, v, paddingSeconds, maxSegmentSeconds);
        }

        public Options withPaddingSeconds(double v) {
            return new Options(thresholdDb, boundaryDb, minLevelDb, floorRiseDbPerSecond, minSpeechSeconds, minSilenceSeconds, v, maxSegmentSeconds);
        }

        public Options withMaxSegmentSeconds(double v) {
            return new Options(thresholdDb, boundaryDb, minLevelDb, floorRiseDbPerSecond, minSpeechSeconds, minSilenceSeconds, paddingSeconds, v);
        }
    }

    /**
     * An utterance: its first and last sample of speech ([start, end), in samples from the start of the audio), and its
     * audio with the padding, which starts at sample {@code audioStart}.
     */
    public record Segment(long start, long end, long audioStart, float[] audio, int sampleRate) {
        public double startSeconds() {
            return (double) start / sampleRate;
        }

        public double endSeconds() {
            return (double) end / sampleRate;
        }
    }

    private final Options o;
    private final int rate, frame, minSpeech, minSilence, padding, maxSamples;
    private final float[] pending; // the frame being filled
    private int filled;
    private long frames; // frames completed
    private long received; // samples
    private double floor = Double.NaN;
    // Audio kept: from keptStart on (the padding before a possible utterance, or the utterance so far).
    private float[] kept;
    private int keptLength;
    private long keptStart;
    private boolean inSpeech;
    private int speechRun, voicedRun, silenceRun;
    private long speechStart, lastSpeechEnd; // samples

    public Vad(int sampleRate, Options options) {
        if (sampleRate < 1000) throw new IllegalArgumentException("sample rate must be >= 1000 Hz, got " + sampleRate);
        o = options;
        rate = sampleRate;
        frame = sampleRate / 100;
        minSpeech = (int) Math.ceil(o.minSpeechSeconds() * 100 - 1e-9);
        minSilence = (int) Math.ceil(o.minSilenceSeconds() * 100 - 1e-9);
        padding = (int) Math.round(o.paddingSeconds() * sampleRate);
        maxSamples = (int) Math.round(o.maxSegmentSeconds() * sampleRate);
        pending = new float[frame];
        kept = new float[Math.max(1024, 2 * padding + 2 * frame)];
    }

    /** The noise floor (dB of full scale) tracked so far; -120 before any audio. */
    public double noiseFloorDb() {
        return Double.isNaN(floor) ? -120 : floor;
    }

    /** The utterances that {@code samples} complete. */
    public List<Segment> accept(float[] samples) {
        List<Segment> out = new ArrayList<>();
        for (int i = 0; i < samples.length; i++) {
            if (!Float.isFinite(samples[i])) throw new IllegalArgumentException("sample " + (received + i) + " is " + samples[i] + ", not a finite number");
        }
        received += samples.length;
        for (int i = 0; i < samples.length; ) {
            int n = Math.min(frame - filled, samples.length - i);
            System.arraycopy(samples, i, pending, filled, n);
            filled += n;
            i += n;
            if (filled == frame) {
                frame(out);
                filled = 0;
            }
        }
        return out;
    }

    /** The utterance in progress, if any, the audio having ended. */
    public List<Segment> finish() {
        List<Segment> out = new ArrayList<>();
        if (filled > 0) keep(pending, filled);
        if (inSpeech) out.add(cut(lastSpeechEnd, keptStart + keptLength));
        inSpeech = false;
        return out;
    }

    private void frame(List<Segment> out) {
        double e = 0;
        for (float v : pending) e += (double) v * v;
        double db = 10 * Math.log10(e / frame + 1e-12);
        if (Double.isNaN(floor) || db < floor) floor = db;
        else floor += o.floorRiseDbPerSecond() / 100;
        double base = Math.max(floor, o.minLevelDb());
        boolean speech = db > base + o.thresholdDb(), voiced = db > base + o.boundaryDb();
        long frameStart = frames * frame, frameEnd = frameStart + frame;
        frames++;
        keep(pending, frame);
        if (!inSpeech) {
            // The run of frames above the boundary level that leads up to now: where an utterance would start.
            voicedRun = voiced ? voicedRun + 1 : 0;
            speechRun = speech ? speechRun + 1 : 0;
            if (speechRun >= minSpeech) {
                inSpeech = true;
                silenceRun = 0;
                long back = Math.min(voicedRun, (long) speechRun + padding / frame); // no further back than the kept padding
                speechStart = Math.max(keptStart, frameEnd - back * frame);
                lastSpeechEnd = frameEnd;
            } else {
                drop(frameEnd - Math.max((long) speechRun, Math.min(voicedRun, padding / frame)) * frame - padding);
            }
            return;
        }
        if (voiced) {
            silenceRun = 0;
            lastSpeechEnd = frameEnd;
        } else {
            silenceRun++;
        }
        if (silenceRun >= minSilence) {
            out.add(cut(lastSpeechEnd, lastSpeechEnd + padding));
            inSpeech = false;
            speechRun = 0;
            voicedRun = 0;
            drop(frameEnd - padding);
        } else if (keptLength >= maxSamples) { // too long: cut here, the rest is a new utterance
            out.add(cut(frameEnd, frameEnd));
            speechStart = frameEnd;
            drop(frameEnd - padding);
        }
    }

    /** The utterance from speechStart to {@code end}, with its audio to {@code audioEnd}. */
    private Segment cut(long end, long audioEnd) {
        long from = Math.max(keptStart, speechStart - padding), to = Math.min(audioEnd, keptStart + keptLength);
        float[] audio = java.util.Arrays.copyOfRange(kept, (int) (from - keptStart), (int) (to - keptStart));
        return new Segment(speechStart, end, from, audio, rate);
    }

    private void keep(float[] x, int n) {
        if (keptLength + n > kept.length) kept = java.util.Arrays.copyOf(kept, Math.max(2 * kept.length, keptLength + n));
        System.arraycopy(x, 0, kept, keptLength, n);
        keptLength += n;
    }

    /** Forgets the audio before sample {@code from}. */
    private void drop(long from) {
        int d = (int) Math.max(0, Math.min(keptLength, from - keptStart));
        if (d == 0) return;
        System.arraycopy(kept, d, kept, 0, keptLength - d);
        keptLength -= d;
        keptStart += d;
    }
}
