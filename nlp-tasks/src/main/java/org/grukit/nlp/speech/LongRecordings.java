package org.grukit.nlp.speech;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.grukit.core.Rng;
import org.grukit.speech.AudioStream;
import org.grukit.speech.Vad;

/**
 * Recordings of any length: voice-activity detection cuts the audio into utterances as it is read, and each is
 * transcribed as it is found, so memory holds one utterance, never the recording. Also makes test recordings of many
 * short ones with pauses and noise between them, where the truth is known, and scores a segmentation against it.
 */
public final class LongRecordings {
    private LongRecordings() {}

    /** An utterance found in a recording: its number, its speech's start and end (seconds), and its transcript. */
    public record Result(int index, double start, double end, String text) {}

    /** A consumer that may fail with an IOException. */
    public interface SegmentSink {
        void accept(Vad.Segment segment) throws IOException;
    }

    /** Reads {@code audio} to its end in blocks of 0.1 s, giving each utterance to {@code sink} as soon as it is complete. */
    public static void segment(AudioStream audio, Vad.Options vad, SegmentSink sink) throws IOException {
        Vad v = new Vad(audio.sampleRate(), vad);
        int block = Math.max(1, audio.sampleRate() / 10);
        for (float[] b; (b = audio.read(block)) != null; ) {
            for (Vad.Segment s : v.accept(b)) sink.accept(s);
        }
        for (Vad.Segment s : v.finish()) sink.accept(s);
    }

    /** Reads {@code audio} to its end, giving each utterance's transcript to {@code sink} as soon as it is complete. */
    public static int transcribe(Transcriber t, AudioStream audio, Vad.Options vad, Transcriber.Decode decode, Consumer<Result> sink) throws IOException {
        int[] index = {0};
        segment(audio, vad, s -> {
            SpeechData.Utterance u = new SpeechData.Utterance("segment" + index[0], null, null, null, s.audio(), s.sampleRate());
            String text = t.transcribe(List.of(u), decode).get(0);
            sink.accept(new Result(index[0]++, round(s.startSeconds()), round(s.endSeconds()), text));
        });
        return index[0];
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }

    /** A made-up recording and where its utterances truly are. */
    public record Generated(float[] samples, int sampleRate, List<Result> truth) {}

    /**
     * {@code count} recordings picked at random (seeded) from {@code files}, one after another, with pauses of
     * {@code minGap} to {@code maxGap} seconds between them (and before the first and after the last) filled with
     * white noise {@code snrDb} below the level of the speech (the RMS of all the recordings), which also runs under
     * the speech. An utterance's truth is its file's place in the recording.
     */
    public static Generated generate(List<SpeechData.Utterance> files, int count, double minGap, double maxGap, double snrDb, int rate, long seed)
            throws IOException {
        if (files.isEmpty() || count < 1) throw new IllegalArgumentException("need recordings and count >= 1, got " + files.size() + " and " + count);
        if (!(minGap >= 0 && maxGap >= minGap)) throw new IllegalArgumentException("need 0 <= minGap <= maxGap, got " + minGap + ", " + maxGap);
        Rng rng = new Rng(seed);
        List<float[]> parts = new ArrayList<>();
        List<Result> truth = new ArrayList<>();
        long at = 0;
        double energy = 0;
        long speech = 0;
        for (int i = 0; i <= count; i++) {
            int gap = (int) Math.round(rng.uniform(minGap, maxGap) * rate);
            parts.add(new float[gap]);
            at += gap;
            if (i == count) break;
            SpeechData.Utterance u = files.get(rng.nextInt(files.size()));
            float[] x = u.load(rate);
            for (float v : x) energy += (double) v * v;
            speech += x.length;
            int[] speechFrames = speechExtent(x, rate / 100, 30);
            truth.add(new Result(i, round((double) (at + speechFrames[0]) / rate), round((double) (at + speechFrames[1]) / rate), u.transcript()));
            parts.add(x.clone());
            at += x.length;
        }
        float[] all = new float[(int) at];
        int p = 0;
        for (float[] x : parts) {
            System.arraycopy(x, 0, all, p, x.length);
            p += x.length;
        }
        double noise = Math.sqrt(energy / Math.max(1, speech)) * Math.pow(10, -snrDb / 20);
        for (int i = 0; i < all.length; i++) all[i] += (float) (noise * rng.normal());
        return new Generated(all, rate, truth);
    }

    /**
     * Where the speech of a clean recording is: from the first to the end of the last {@code frame}-sample frame within
     * {@code rangeDb} of its loudest one, in samples (the whole recording when it is silent). Recordings such as FSDD's
     * keep some silence at their ends, which is not speech to find.
     */
    static int[] speechExtent(float[] x, int frame, double rangeDb) {
        int n = x.length / frame;
        if (n == 0) return new int[] {0, x.length};
        double[] db = new double[n];
        double peak = Double.NEGATIVE_INFINITY;
        for (int f = 0; f < n; f++) {
            double e = 0;
            for (int i = f * frame; i < (f + 1) * frame; i++) e += (double) x[i] * x[i];
            db[f] = 10 * Math.log10(e / frame + 1e-12);
            peak = Math.max(peak, db[f]);
        }
        int first = 0, last = n - 1;
        while (first < n && db[first] < peak - rangeDb) first++;
        while (last > first && db[last] < peak - rangeDb) last--;
        return new int[] {first * frame, Math.min(x.length, (last + 1) * frame)};
    }

    /**
     * How a segmentation matches the truth: utterances matched one to one (a found segment overlapping exactly one
     * true utterance, and that one overlapped by no other segment), the absolute errors of their boundaries (ms), and
     * the share of boundaries within {@code toleranceMs}.
     */
    public record Match(int truth, int found, int matched, double[] boundaryErrorsMs, double withinTolerance) {}

    public static Match match(List<Result> truth, List<Result> found, double toleranceMs) {
        List<Double> errors = new ArrayList<>();
        int matched = 0, within = 0;
        for (Result t : truth) {
            List<Result> over = found.stream().filter(f -> f.start() < t.end() && f.end() > t.start()).toList();
            if (over.size() != 1) continue;
            Result f = over.get(0);
            long others = truth.stream().filter(u -> f.start() < u.end() && f.end() > u.start()).count();
            if (others != 1) continue;
            matched++;
            for (double e : new double[] {Math.abs(f.start() - t.start()) * 1000, Math.abs(f.end() - t.end()) * 1000}) {
                errors.add(e);
                if (e <= toleranceMs) within++;
            }
        }
        double[] e = errors.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Match(truth.size(), found.size(), matched, e, truth.isEmpty() ? 0 : (double) within / (2 * truth.size()));
    }
}
