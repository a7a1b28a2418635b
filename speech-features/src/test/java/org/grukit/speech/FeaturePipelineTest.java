package org.grukit.speech;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.grukit.core.Rng;
import org.junit.jupiter.api.Test;

/** A pipeline survives a JSON round trip and gives the same features after it. */
class FeaturePipelineTest {
    private static Audio noise(int rate, double seconds, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[(int) (rate * seconds)];
        for (int i = 0; i < x.length; i++) x[i] = (float) (0.1 * rng.normal() + 0.3 * Math.sin(i * 0.05));
        return new Audio(x, rate, null);
    }

    @Test
    void jsonRoundTripGivesIdenticalFeatures() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Audio a = noise(16000, 0.6, 1), b = noise(8000, 0.5, 2);
        FeaturePipeline p = FeaturePipeline.kaldiMfcc(16000);
        FeatureOps.Cmvn stats = FeatureOps.Cmvn.fit(List.of(p.apply(a), p.apply(b)), true);
        FeaturePipeline global = p.withGlobalStats(stats);
        FeaturePipeline back = json.readValue(json.writeValueAsString(global), FeaturePipeline.class);
        float[][] x = global.apply(b), y = back.apply(b); // b is resampled from 8 kHz on the way
        assertEquals(x.length, y.length);
        for (int t = 0; t < x.length; t++) assertArrayEquals(x[t], y[t], 0f);
        assertEquals(39, x[0].length, "13 MFCCs with deltas and delta-deltas");
        assertThrows(IllegalArgumentException.class, () -> new FeaturePipeline(FeaturePipeline.Preset.KALDI_MFCC, 16000,
                KaldiFeatures.Options.defaults(8000), null, 0, FeaturePipeline.Normalization.NONE, null));
    }

    @Test
    void slidingNormalisationUsesKaldisDefaults() throws Exception {
        Audio a = noise(16000, 2.0, 4); // 198 frames: past the 100-frame minimum window
        FeaturePipeline raw = new FeaturePipeline(FeaturePipeline.Preset.KALDI_MFCC, 16000,
                KaldiFeatures.Options.defaults(16000), null, 0, FeaturePipeline.Normalization.NONE, null);
        FeaturePipeline sliding = new FeaturePipeline(FeaturePipeline.Preset.KALDI_MFCC, 16000,
                KaldiFeatures.Options.defaults(16000), null, 0, FeaturePipeline.Normalization.SLIDING_MEAN, null);
        float[][] expected = FeatureOps.slidingCmvn(raw.apply(a), 600, 100, false, false), actual = sliding.apply(a);
        for (int t = 0; t < expected.length; t++) assertArrayEquals(expected[t], actual[t], 0f);
        ObjectMapper json = new ObjectMapper();
        assertEquals(sliding, json.readValue(json.writeValueAsString(sliding), FeaturePipeline.class));
    }

    @Test
    void ditherIsSeededAndSmall() {
        Audio a = noise(16000, 0.4, 3);
        float[] scaled = new float[a.samples().length];
        for (int i = 0; i < scaled.length; i++) scaled[i] = a.samples()[i] * 32768f;
        KaldiFeatures.Options d = KaldiFeatures.Options.defaults(16000);
        float[][] clean = KaldiFeatures.mfcc(scaled, d);
        float[][] x = KaldiFeatures.mfcc(scaled, d.withDither(1f, 7)), y = KaldiFeatures.mfcc(scaled, d.withDither(1f, 7));
        float[][] z = KaldiFeatures.mfcc(scaled, d.withDither(1f, 8));
        double change = 0, seeds = 0;
        for (int t = 0; t < clean.length; t++) {
            assertArrayEquals(x[t], y[t], 0f, "the same seed gives the same features");
            for (int k = 0; k < clean[t].length; k++) {
                change = Math.max(change, Math.abs(x[t][k] - clean[t][k]));
                seeds = Math.max(seeds, Math.abs(x[t][k] - z[t][k]));
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(seeds > 0, "another seed gives other noise");
        org.junit.jupiter.api.Assertions.assertTrue(change > 0 && change < 0.5,
                "dither of one 16-bit step barely moves loud-signal MFCCs: " + change);
        assertThrows(IllegalArgumentException.class, () -> d.withDither(-1f, 0));
    }
}
