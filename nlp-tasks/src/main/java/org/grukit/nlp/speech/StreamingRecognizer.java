package org.grukit.nlp.speech;

import java.util.ArrayList;
import java.util.List;
import org.grukit.core.GradMode;
import org.grukit.speech.FeatureStream;
import org.grukit.speech.Vad;

/**
 * Speech to text as audio arrives, with a streaming {@link Transcriber} (forward GRU layers, online CMVN): features,
 * model and CTC decoding each run on what has arrived, and the recognizer reports a partial hypothesis whenever the
 * best path gains a word (or character), and a final result at an endpoint: once something was recognized and the
 * audio has then been silent for {@link Options#endpointSeconds()} (by the energy of {@link Vad}: trailing silence, not
 * a run of CTC blanks, which with word outputs fill the time between any two words), or when the audio ends. After a
 * final result the model starts a new utterance (its GRU state back to zeros), as it was trained.
 *
 * <p>A model trained with pauses around its recordings ({@link Transcriber#pauseSeconds()}) hears such a pause of the
 * stream's background noise after the end of the audio, so that a last word cut off by the end of the audio is still
 * said. Times are seconds of audio from the start of the stream. Memory holds one utterance's output frames (at most
 * {@link Options#maxUtteranceSeconds()}: past that a final result is forced).
 */
public final class StreamingRecognizer {

    /**
     * @param endpointSeconds     trailing silence (blank output frames) after which an utterance is final
     * @param beam                CTC prefix beam width for the final result (1: greedy, as the partials)
     * @param maxUtteranceSeconds an utterance longer than this is made final where it is
     */
    public record Options(double endpointSeconds, int beam, double maxUtteranceSeconds) {
        public Options {
            if (!(endpointSeconds > 0 && endpointSeconds <= 60)) throw new IllegalArgumentException("endpointSeconds must be in (0, 60], got " + endpointSeconds);
            if (beam < 1 || beam > 1000) throw new IllegalArgumentException("beam must be in [1, 1000], got " + beam);
            if (!(maxUtteranceSeconds > endpointSeconds && maxUtteranceSeconds <= 3600)) {
                throw new IllegalArgumentException("maxUtteranceSeconds must be in (endpointSeconds, 3600], got " + maxUtteranceSeconds);
            }
        }

        /** A final result after 0.5 s of trailing silence (Kaldi's rule for a confident ending), greedy, utterances up to 30 s. */
        public static Options defaults() {
            return new Options(0.5, 1, 30);
        }

        public Options withEndpointSeconds(double v) {
            return new Options(v, beam, maxUtteranceSeconds);
        }

        public Options withBeam(int v) {
            return new Options(endpointSeconds, v, maxUtteranceSeconds);
        }
    }

    /**
     * A partial or final hypothesis: its text, the audio time it covers ({@code start} to {@code end}: the first and
     * last frames where the best path is not blank), and {@code at}, the audio time when it was reported.
     */
    public record Event(boolean isFinal, int utterance, String text, double start, double end, double at) {}

    private final Transcriber transcriber;
    private final Options options;
    private final FeatureStream features;
    private final SpeechModel.Stream model;
    private final double frameSeconds; // audio per output frame
    private final int classes;
    private final int endpointFrames, maxFrames;
    private final Vad silence; // reports an utterance's end once the endpoint's silence follows it

    private long samples; // samples received
    private long outputFrames; // output frames produced since the stream started
    // The current utterance.
    private final List<float[]> rows = new ArrayList<>(); // its output frames' log-probabilities
    private long utteranceStart; // the output frame where it starts
    private final List<Integer> labels = new ArrayList<>();
    private int previous = -1; // the best class of the last frame
    private long firstLabel = -1, lastLabel = -1; // output frames of its first and latest non-blank best class
    private int utteranceIndex;
    private boolean finished;

    public StreamingRecognizer(Transcriber transcriber, int inputRate, Options options) {
        this.transcriber = transcriber;
        this.options = options;
        this.features = transcriber.features().stream(inputRate);
        this.model = transcriber.model().stream();
        double shift = transcriber.features().kaldi().frameShift() / 1000.0;
        frameSeconds = shift * transcriber.model().subsampling();
        classes = transcriber.model().config().classes();
        endpointFrames = (int) Math.ceil(options.endpointSeconds() / frameSeconds);
        maxFrames = (int) Math.ceil(options.maxUtteranceSeconds() / frameSeconds);
        // No padding: only the moment the endpoint's silence has passed is wanted, not the utterance's audio.
        silence = new Vad(inputRate, Vad.Options.defaults().withPaddingSeconds(0).withMinSilenceSeconds(options.endpointSeconds())
                .withMaxSegmentSeconds(Math.max(1, Math.min(600, options.maxUtteranceSeconds()))));
    }

    /** Audio a result waits for beyond its own frame: the features' and the convolution's look-ahead, in seconds. */
    public double lookaheadSeconds() {
        double shift = transcriber.features().kaldi().frameShift() / 1000.0;
        return (features.lookahead() + transcriber.model().lookahead()) * shift;
    }

    /** The events that {@code chunk} (samples in [-1, 1] at the input rate) brings, in order. */
    public List<Event> accept(float[] chunk) {
        if (finished) throw new IllegalStateException("the stream is finished");
        samples += chunk.length;
        boolean silent = !silence.accept(chunk).isEmpty();
        try (GradMode g = GradMode.noGrad()) {
            List<Event> events = decode(model.accept(features.accept(chunk)), false);
            if (silent && firstLabel >= 0) events.add(endUtterance(outputFrames));
            return events;
        }
    }

    /** The events at the end of the audio: the last partial words and the final result of the utterance in progress. */
    public List<Event> finish() {
        if (finished) throw new IllegalStateException("the stream is finished");
        finished = true;
        try (GradMode g = GradMode.noGrad()) {
            List<float[]> last = new ArrayList<>();
            if (transcriber.pauseSeconds() > 0) { // the pause after the last word that the model was trained to say it in
                float[] pause = new float[(int) Math.round(transcriber.pauseSeconds() * features.inputRate())];
                double level = Math.pow(10, silence.noiseFloorDb() / 20);
                org.grukit.core.Rng rng = new org.grukit.core.Rng(samples);
                for (int i = 0; i < pause.length; i++) pause[i] = (float) (level * rng.normal());
                last.addAll(features.accept(pause));
            }
            last.addAll(features.finish());
            float[][] out = model.accept(last);
            List<Event> events = decode(out, false);
            events.addAll(decode(model.finish(), true));
            return events;
        }
    }

    /** Seconds of audio received. */
    public double seconds() {
        return (double) samples / features.inputRate();
    }

    private List<Event> decode(float[][] frames, boolean end) {
        List<Event> events = new ArrayList<>();
        for (float[] row : frames) {
            long t = outputFrames++;
            rows.add(row);
            int best = 0;
            for (int c = 1; c < classes; c++) if (row[c] > row[best]) best = c;
            if (best != 0) {
                if (firstLabel < 0) firstLabel = t;
                lastLabel = t;
                if (best != previous) {
                    labels.add(best);
                    events.add(new Event(false, utteranceIndex, text(), time(firstLabel), time(lastLabel + 1), seconds()));
                }
            }
            previous = best;
            if (firstLabel < 0 && rows.size() > endpointFrames) { // nothing heard yet: keep only the silence the endpoint needs
                rows.remove(0);
                utteranceStart++;
            }
            if (firstLabel >= 0 && rows.size() >= maxFrames) events.add(endUtterance(t + 1));
        }
        if (end && firstLabel >= 0) events.add(endUtterance(outputFrames));
        return events;
    }

    /** The final result of the utterance so far, and a fresh start for the next. */
    private Event endUtterance(long frame) {
        String text;
        if (options.beam() <= 1) {
            text = text();
        } else {
            float[] lp = new float[rows.size() * classes];
            for (int i = 0; i < rows.size(); i++) System.arraycopy(rows.get(i), 0, lp, i * classes, classes);
            text = transcriber.spell(CtcDecoder.beamSearch(lp, 0, rows.size(), classes, CtcDecoder.BeamOptions.of(0, options.beam())).get(0).labels());
        }
        Event e = new Event(true, utteranceIndex++, text, time(firstLabel), time(lastLabel + 1), seconds());
        rows.clear();
        labels.clear();
        utteranceStart = frame;
        firstLabel = lastLabel = -1;
        previous = -1;
        model.resetState();
        return e;
    }

    private String text() {
        return transcriber.spell(labels.stream().mapToInt(Integer::intValue).toArray());
    }

    private double time(long frame) {
        return Math.round(frame * frameSeconds * 1000) / 1000.0;
    }

    /**
     * What streaming gives on a test set: corpus WER and CER of the final results (an utterance's finals joined), how
     * many utterances were cut into more than one final result, the latency from the end of each utterance's audio to
     * its last final result (median and 95th percentile, ms), and the real-time factor (compute time over audio time).
     */
    /** The background noise before each utterance in {@link #evaluate}. */
    static final double LEADING_SECONDS = 0.3;

    public record Evaluation(double wer, double cer, int count, int split, double latencyMedianMs, double latencyP95Ms, double realTimeFactor,
                             double audioSeconds, List<String> hypotheses) {}

    /**
     * Streams each utterance as a live source would: in chunks of {@code chunkSeconds}, after {@value #LEADING_SECONDS} s
     * and before {@code trailingSeconds} of its own background noise (the level of its quietest 20 ms), since a
     * microphone is on before the speaker talks and after they stop. An utterance's latency is the audio time of its last final result after the end of its own
     * audio, plus the compute time of the chunk that produced it: what a user waits for after the last word.
     */
    public static Evaluation evaluate(Transcriber t, List<SpeechData.Utterance> utterances, Options options, double chunkSeconds,
                                      double trailingSeconds, long seed) throws java.io.IOException {
        int rate = t.features().sampleRate(), chunk = Math.max(1, (int) Math.round(chunkSeconds * rate));
        org.grukit.core.Rng rng = new org.grukit.core.Rng(seed);
        List<String> hyps = new ArrayList<>(), refs = new ArrayList<>();
        double[] latency = new double[utterances.size()];
        int split = 0;
        long nanos = 0;
        double audio = 0;
        for (int u = 0; u < utterances.size(); u++) {
            SpeechData.Utterance utt = utterances.get(u);
            float[] speech = utt.load(rate);
            int lead = (int) Math.round(LEADING_SECONDS * rate);
            float[] x = SpeechData.withBackground(speech, rate, lead, (int) Math.round(trailingSeconds * rate), rng);
            StreamingRecognizer r = new StreamingRecognizer(t, rate, options);
            List<Event> finals = new ArrayList<>();
            double end = (double) (lead + speech.length) / rate, last = Double.NaN;
            for (int i = 0; i < x.length + chunk; i += chunk) { // the chunks, then the end of the audio
                long t0 = System.nanoTime();
                List<Event> events = i < x.length ? r.accept(java.util.Arrays.copyOfRange(x, i, Math.min(x.length, i + chunk))) : r.finish();
                long spent = System.nanoTime() - t0;
                nanos += spent;
                for (Event e : events) {
                    if (!e.isFinal()) continue;
                    finals.add(e);
                    last = e.at() - end + spent / 1e9;
                }
            }
            audio += (double) x.length / rate;
            if (finals.size() > 1) split++;
            latency[u] = Double.isNaN(last) ? Double.NaN : last * 1000;
            hyps.add(String.join(" ", finals.stream().map(Event::text).filter(s -> !s.isEmpty()).toList()));
            refs.add(utt.transcript());
        }
        double[] known = java.util.Arrays.stream(latency).filter(v -> !Double.isNaN(v)).sorted().toArray();
        return new Evaluation(org.grukit.nlp.metrics.ErrorRate.corpusWords(refs, hyps).rate(), org.grukit.nlp.metrics.ErrorRate.corpusChars(refs, hyps).rate(),
                utterances.size(), split, percentile(known, 0.5), percentile(known, 0.95), nanos / 1e9 / audio, audio, hyps);
    }

    /** The nearest-rank percentile of sorted values; NaN when there are none. */
    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) return Double.NaN;
        return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
