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
                KaldiFeatures.Options.defaults(8000), null, 0, FeaturePipeline.Normalisation.NONE, null));
    }
}
