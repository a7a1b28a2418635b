package org.grukit.speech;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Features computed as audio arrives, in pieces of every size, equal the whole recording's, bit for bit. */
class FeatureStreamTest {

    /** A made-up recording: a rising tone with noise, silent at the start and end. */
    private static float[] signal(int rate, double seconds, long seed) {
        Random r = new Random(seed);
        float[] x = new float[(int) (rate * seconds)];
        for (int i = 0; i < x.length; i++) {
            double t = (double) i / rate, env = Math.max(0, Math.sin(Math.PI * t / seconds));
            x[i] = (float) (0.4 * env * Math.sin(2 * Math.PI * (200 + 300 * t) * t) + 0.01 * r.nextGaussian());
        }
        return x;
    }

    private static List<float[]> streamed(FeatureStream s, float[] x, long seed) {
        Random r = new Random(seed);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < x.length; ) {
            int n = Math.min(x.length - i, r.nextInt(4) == 0 ? 1 + r.nextInt(3) : 1 + r.nextInt(700));
            out.addAll(s.accept(java.util.Arrays.copyOfRange(x, i, i + n)));
            i += n;
        }
        out.addAll(s.finish());
        return out;
    }

    private static void assertSame(float[][] whole, List<float[]> streamed) {
        assertEquals(whole.length, streamed.size(), "frames");
        for (int t = 0; t < whole.length; t++) assertArrayEquals(whole[t], streamed.get(t), "frame " + t);
    }

    @Test
    void mfccWithDeltasEqualsTheWholeSignalInPiecesOfAnySize() {
        FeaturePipeline p = FeaturePipeline.kaldiMfcc(8000).withNormalization(FeaturePipeline.Normalization.NONE);
        for (long seed = 1; seed <= 5; seed++) {
            float[] x = signal(8000, 0.3 + 0.4 * seed, seed);
            assertSame(p.apply(new Audio(x, 8000, null)), streamed(p.stream(8000), x, seed));
        }
    }

    @Test
    void onlineNormalizationAndResamplingStreamToo() {
        float[] x = signal(8000, 1.7, 7);
        FeaturePipeline none = FeaturePipeline.kaldiMfcc(8000).withNormalization(FeaturePipeline.Normalization.NONE);
        FeaturePipeline online = none.withOnlinePrior(FeatureOps.Cmvn.fit(List.<float[][]>of(none.apply(new Audio(signal(8000, 1, 3), 8000, null))), false));
        assertSame(online.apply(new Audio(x, 8000, null)), streamed(online.stream(8000), x, 11));
        float[] x16 = signal(16000, 1.3, 8); // a 16 kHz microphone into an 8 kHz model
        assertSame(online.apply(new Audio(x16, 16000, null)), streamed(online.stream(16000), x16, 12));
        FeaturePipeline fbank = new FeaturePipeline(FeaturePipeline.Preset.KALDI_FBANK, 8000, KaldiFeatures.Options.defaults(8000).withUseEnergy(true),
                null, 0, FeaturePipeline.Normalization.NONE, null);
        assertSame(fbank.apply(new Audio(x, 8000, null)), streamed(fbank.stream(8000), x, 13));
    }

    @Test
    void recordingsShorterThanTheDeltaReachStillGetEveryFrame() {
        FeaturePipeline p = FeaturePipeline.kaldiMfcc(8000).withNormalization(FeaturePipeline.Normalization.NONE);
        for (int samples : new int[] {100, 200, 280, 360, 440}) { // 0 to 4 frames of 200 samples every 80
            float[] x = signal(8000, samples / 8000.0, samples);
            FeatureStream s = p.stream(8000);
            List<float[]> got = new ArrayList<>(s.accept(x));
            assertTrue(got.isEmpty(), "a frame waits for the deltas' look-ahead");
            got.addAll(s.finish());
            assertSame(p.apply(new Audio(x, 8000, null)), got);
        }
        assertEquals(4, p.stream(8000).lookahead(), "deltas and delta-deltas of window 5 reach 2 + 2 frames ahead");
    }

    @Test
    void resamplerStreamEqualsTheWholeSignal() {
        for (int[] rates : new int[][] {{16000, 8000}, {8000, 16000}, {44100, 8000}, {8000, 8000}}) {
            float[] x = signal(rates[0], 0.37, rates[0]);
            Resampler r = new Resampler(rates[0], rates[1]);
            Resampler.Stream s = r.stream();
            float[] got = new float[0];
            Random rnd = new Random(rates[1]);
            for (int i = 0; i < x.length; ) {
                int n = Math.min(x.length - i, 1 + rnd.nextInt(500));
                got = concat(got, s.accept(x, i, i + n));
                i += n;
            }
            got = concat(got, s.finish());
            assertArrayEquals(r.apply(x), got, rates[0] + " -> " + rates[1]);
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void onlineCmvnIsTheWindowMeanToppedUpWithThePrior() {
        Random r = new Random(5);
        float[][] c = new float[900][2];
        for (float[] f : c) {
            f[0] = (float) (3 + r.nextGaussian());
            f[1] = (float) (-1 + 2 * r.nextGaussian());
        }
        float[] prior = {1f, 2f};
        float[][] got = FeatureOps.onlineCmvn(c, prior);
        for (int t : new int[] {0, 1, 99, 399, 400, 401, 599, 600, 899}) {
            int from = Math.max(0, t - 599), n = t - from + 1, k = Math.min(200, 600 - n); // Kaldi: cmn_window 600, global_frames 200
            for (int j = 0; j < 2; j++) {
                double s = k * (double) prior[j];
                for (int u = from; u <= t; u++) s += c[u][j];
                assertEquals(c[t][j] - s / (n + k), got[t][j], 1e-5, "frame " + t + ", coefficient " + j);
            }
        }
    }

    @Test
    void normalizationsThatNeedTheWholeUtteranceCannotStream() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FeaturePipeline.kaldiMfcc(8000).stream(8000));
        assertTrue(e.getMessage().contains("UTTERANCE_MEAN") && e.getMessage().contains("online"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FeaturePipeline.kaldiMfcc(8000).withNormalization(FeaturePipeline.Normalization.ONLINE_MEAN));
        FeatureStream s = FeaturePipeline.kaldiMfcc(8000).withNormalization(FeaturePipeline.Normalization.NONE).stream(8000);
        e = assertThrows(IllegalArgumentException.class, () -> s.accept(new float[] {0f, Float.NaN}));
        assertTrue(e.getMessage().contains("sample 1"), e.getMessage());
    }
}
