package org.grukit.nlp.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.grukit.core.GradMode;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.speech.Audio;
import org.grukit.speech.FeatureOps;
import org.grukit.speech.FeaturePipeline;
import org.junit.jupiter.api.Test;

/**
 * The streaming model and recognizer against the whole-utterance ones: the same log-probabilities frame by frame in
 * pieces of any size, the same transcript, partials that grow into the final result, and endpoints at silence.
 */
class StreamingRecognizerTest {

    private static SpeechModel model(int conv, int kernel, int stride, long seed) {
        return new SpeechModel(new SpeechModel.Config(39, conv, kernel, stride, 24, 2, false, 4, 0f), new Rng(seed));
    }

    private static float[][] frames(int n, long seed) {
        Random r = new Random(seed);
        float[][] f = new float[n][39];
        for (float[] row : f) for (int j = 0; j < 39; j++) row[j] = (float) r.nextGaussian();
        return f;
    }

    @Test
    void streamedOutputEqualsTheWholeUtterance() {
        for (int[] c : new int[][] {{16, 5, 2}, {16, 3, 1}, {16, 5, 3}, {16, 4, 2}, {0, 1, 1}}) {
            SpeechModel m = model(c[0], c[1], c[2], 3);
            m.train(false);
            for (int n : new int[] {1, 2, 5, 37, 120}) {
                float[][] f = frames(n, n);
                float[] whole;
                int classes = 4;
                try (GradMode g = GradMode.noGrad()) {
                    float[] flat = new float[n * 39];
                    for (int t = 0; t < n; t++) System.arraycopy(f[t], 0, flat, t * 39, 39);
                    whole = m.forward(Tensor.of(flat, 1, n, 39), new int[] {n}).logProbs().toArray(); // [T', 1, C]
                }
                SpeechModel.Stream s = m.stream();
                List<float[]> got = new ArrayList<>();
                Random r = new Random(n);
                try (GradMode g = GradMode.noGrad()) {
                    for (int t = 0; t < n; ) {
                        int k = Math.min(n - t, 1 + r.nextInt(9));
                        got.addAll(List.of(s.accept(List.of(java.util.Arrays.copyOfRange(f, t, t + k)))));
                        t += k;
                    }
                    got.addAll(List.of(s.finish()));
                }
                String where = "conv " + java.util.Arrays.toString(c) + ", " + n + " frames";
                assertEquals(whole.length / classes, got.size(), where);
                for (int t = 0; t < got.size(); t++) {
                    for (int k = 0; k < classes; k++) assertEquals(whole[t * classes + k], got.get(t)[k], 1e-5, where + ", output frame " + t);
                }
            }
        }
    }

    @Test
    void aBidirectionalModelRefusesToStream() {
        SpeechModel m = new SpeechModel(new SpeechModel.Config(39, 16, 5, 2, 8, 1, true, 4, 0f), new Rng(1));
        IllegalStateException e = assertThrows(IllegalStateException.class, m::stream);
        assertTrue(e.getMessage().contains("bidirectional"), e.getMessage());
    }

    /** A made-up recording: bursts of tones (the "words") between quiet noise. */
    static float[] recording(int rate, double[][] bursts, double seconds, long seed) {
        Random r = new Random(seed);
        float[] x = new float[(int) (rate * seconds)];
        for (int i = 0; i < x.length; i++) x[i] = (float) (0.003 * r.nextGaussian());
        for (double[] b : bursts) {
            for (int i = (int) (b[0] * rate); i < (int) (b[1] * rate) && i < x.length; i++) {
                double t = (double) i / rate;
                x[i] += (float) (0.3 * Math.sin(2 * Math.PI * b[2] * t) + 0.2 * Math.sin(2 * Math.PI * 2.7 * b[2] * t));
            }
        }
        return x;
    }

    static Transcriber transcriber(long seed) {
        FeaturePipeline none = FeaturePipeline.kaldiMfcc(8000).withNormalization(FeaturePipeline.Normalization.NONE);
        float[][] prior = none.apply(new Audio(recording(8000, new double[][] {{0.2, 0.5, 300}}, 1, 1), 8000, null));
        FeaturePipeline fp = none.withOnlinePrior(FeatureOps.Cmvn.fit(List.<float[][]>of(prior), false));
        return new Transcriber(Transcriber.Units.WORDS, List.of("<blank>", "one", "two", "three"), fp, model(16, 5, 2, seed));
    }

    @Test
    void withoutAnEndpointTheFinalResultIsTheWholeRecordingsTranscript() throws Exception {
        for (long seed = 1; seed <= 4; seed++) {
            Transcriber t = transcriber(seed);
            float[] x = recording(8000, new double[][] {{0.3, 0.7, 250}, {0.9, 1.2, 600}, {1.5, 1.9, 400}}, 2.3, seed);
            String whole = t.transcribe(List.of(new SpeechData.Utterance("u", null, null, null, x, 8000)), Transcriber.Decode.greedy()).get(0);
            StreamingRecognizer r = new StreamingRecognizer(t, 8000, new StreamingRecognizer.Options(60, 1, 120));
            List<StreamingRecognizer.Event> events = feed(r, x, seed);
            List<StreamingRecognizer.Event> finals = events.stream().filter(StreamingRecognizer.Event::isFinal).toList();
            assertEquals(whole.isEmpty() ? 0 : 1, finals.size(), "seed " + seed + ": " + events);
            if (!whole.isEmpty()) {
                assertEquals(whole, finals.get(0).text(), "seed " + seed);
                assertEquals(2.3, finals.get(0).at(), 1e-9, "reported at the end of the audio");
            }
            String previous = "";
            double at = 0;
            for (StreamingRecognizer.Event e : events) { // each partial extends the one before; time moves forward
                assertTrue(e.text().startsWith(previous), e + " after '" + previous + "'");
                assertTrue(e.at() >= at && e.start() <= e.end() && e.end() <= e.at() + 1e-9, e.toString());
                previous = e.text();
                at = e.at();
            }
        }
    }

    @Test
    void anEndpointComesTheStatedSilenceAfterTheSpeechAndTheNextUtteranceStartsAfterIt() {
        // Two groups of tone bursts (words), 0.2 s apart within a group: one utterance each. Whatever an untrained model
        // says, its final results come when 0.4 s of silence has followed a group: in the chunk that brings that moment.
        for (long seed = 1; seed <= 4; seed++) {
            Transcriber t = transcriber(seed);
            float[] x = recording(8000, new double[][] {{0.3, 0.7, 250}, {0.9, 1.2, 600}, {3.5, 3.9, 400}, {4.1, 4.5, 300}}, 6.0, 9);
            StreamingRecognizer r = new StreamingRecognizer(t, 8000, StreamingRecognizer.Options.defaults().withEndpointSeconds(0.4));
            List<StreamingRecognizer.Event> finals = feed(r, x, seed).stream().filter(StreamingRecognizer.Event::isFinal).toList();
            assertTrue(!finals.isEmpty() && finals.size() <= 3, finals.toString());
            int index = 0;
            for (StreamingRecognizer.Event f : finals) {
                assertEquals(index++, f.utterance());
                if (f.at() == 6.0) continue; // the end of the audio
                double groupEnd = f.at() < 3 ? 1.2 : 4.5;
                assertTrue(f.at() >= groupEnd + 0.4 - 0.02 && f.at() <= groupEnd + 0.4 + 0.1 + 0.02, f.toString()); // 10 ms frames, chunks up to 0.1 s
            }
            for (int i = 1; i < finals.size(); i++) assertTrue(finals.get(i).start() >= finals.get(i - 1).at() - 0.1 - r.lookaheadSeconds(), finals.toString());
        }
    }

    /** The audio in chunks of 1 to 100 ms, as a microphone or a socket delivers it. */
    static List<StreamingRecognizer.Event> feed(StreamingRecognizer r, float[] x, long seed) {
        Random rnd = new Random(seed);
        List<StreamingRecognizer.Event> events = new ArrayList<>();
        for (int i = 0; i < x.length; ) {
            int n = Math.min(x.length - i, 8 + rnd.nextInt(800));
            events.addAll(r.accept(java.util.Arrays.copyOfRange(x, i, i + n)));
            i += n;
        }
        events.addAll(r.finish());
        return events;
    }
}
