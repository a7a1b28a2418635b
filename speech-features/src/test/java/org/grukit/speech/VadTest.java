package org.grukit.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Energy voice-activity detection on made-up audio whose speech is known to the sample. */
class VadTest {
    private static float[] noisy(int rate, double seconds, double[][] bursts, long seed) {
        Random r = new Random(seed);
        float[] x = new float[(int) (rate * seconds)];
        for (int i = 0; i < x.length; i++) x[i] = (float) (0.002 * r.nextGaussian());
        for (double[] b : bursts) {
            for (int i = (int) (b[0] * rate); i < (int) (b[1] * rate); i++) x[i] += (float) (0.2 * Math.sin(2 * Math.PI * 310 * i / rate));
        }
        return x;
    }

    private static List<Vad.Segment> run(Vad v, float[] x, int block) {
        List<Vad.Segment> out = new ArrayList<>();
        for (int i = 0; i < x.length; i += block) out.addAll(v.accept(java.util.Arrays.copyOfRange(x, i, Math.min(x.length, i + block))));
        out.addAll(v.finish());
        return out;
    }

    @Test
    void findsEachBurstWithin20MsInBlocksOfAnySize() {
        double[][] bursts = {{0.5, 1.1}, {2.0, 2.3}, {3.0, 4.7}, {5.5, 5.9}};
        float[] x = noisy(16000, 6.5, bursts, 1);
        for (int block : new int[] {1, 37, 1600, 100_000}) {
            List<Vad.Segment> s = run(new Vad(16000, Vad.Options.defaults()), x, block);
            assertEquals(bursts.length, s.size(), "block " + block + ": " + s);
            for (int k = 0; k < bursts.length; k++) {
                assertEquals(bursts[k][0], s.get(k).startSeconds(), 0.02, "start " + k);
                assertEquals(bursts[k][1], s.get(k).endSeconds(), 0.02, "end " + k);
                // The audio is the utterance and 100 ms of padding on each side (in the recording).
                Vad.Segment g = s.get(k);
                assertEquals(Math.max(0, g.start() - 1600), g.audioStart());
                assertEquals(Math.min(x.length, g.end() + 1600) - g.audioStart(), g.audio().length);
                for (int i = 0; i < g.audio().length; i += 97) assertEquals(x[(int) g.audioStart() + i], g.audio()[i]);
            }
        }
    }

    @Test
    void aLongUtteranceIsCutAtTheLimitSoMemoryStaysBounded() {
        // 23 s of talk, pausing 150 ms (less than the 300 ms that end an utterance) every second.
        double[][] talk = new double[23][];
        for (int k = 0; k < 23; k++) talk[k] = new double[] {1 + k, 1.85 + k};
        float[] x = noisy(8000, 25, talk, 2);
        List<Vad.Segment> s = run(new Vad(8000, Vad.Options.defaults().withMaxSegmentSeconds(5)), x, 800);
        assertTrue(s.size() >= 4 && s.size() <= 6, s.toString());
        for (Vad.Segment g : s) assertTrue(g.audio().length <= 8000 * 5.3, "segment of " + g.audio().length + " samples");
        assertEquals(1, s.get(0).startSeconds(), 0.02);
        assertEquals(23.85, s.get(s.size() - 1).endSeconds(), 0.02);
        for (int i = 1; i < s.size(); i++) assertEquals(s.get(i - 1).end(), s.get(i).start(), "cut pieces follow each other");
    }

    @Test
    void silenceGivesNothingAndBadSamplesAreNamed() {
        assertEquals(0, run(new Vad(8000, Vad.Options.defaults()), noisy(8000, 3, new double[0][], 3), 500).size());
        assertEquals(0, run(new Vad(8000, Vad.Options.defaults()), new float[8000], 500).size(), "digital silence");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Vad(8000, Vad.Options.defaults()).accept(new float[] {0, Float.NaN}));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Vad.Options.defaults().withBoundaryDb(20));
    }
}
