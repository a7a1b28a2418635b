package org.grukit.nlp.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.grukit.core.SharedData;
import org.grukit.speech.AudioStream;
import org.grukit.speech.Vad;
import org.junit.jupiter.api.Test;

/**
 * Voice-activity detection on made-up long recordings of real FSDD test recordings, with pauses and noise between
 * them, where the truth is known: every recording found once, its boundaries within 100 ms.
 */
class LongRecordingsTest {

    @Test
    void findsEveryRecordingOfALongOneWithin100Ms() throws Exception {
        List<SpeechData.Utterance> test = SpeechData.select(SpeechData.read(SharedData.dir("speech/fsdd")), "fsdd-test");
        for (double snr : new double[] {30, 20}) {
            LongRecordings.Generated g = LongRecordings.generate(test, 60, 0.4, 2.0, snr, 8000, 7);
            List<LongRecordings.Result> found = new ArrayList<>();
            LongRecordings.segment(AudioStream.of(g.samples(), 8000), Vad.Options.defaults(), s -> {
                found.add(new LongRecordings.Result(found.size(), s.startSeconds(), s.endSeconds(), ""));
                // What the recognizer gets: the utterance with the padding around it, and no more.
                assertEquals(s.audio().length, Math.min(s.end() + 800, g.samples().length) - s.audioStart(), "audio of " + s);
                assertTrue(s.audioStart() <= s.start() - Math.min(800, s.start()) + 1, s.toString());
            });
            LongRecordings.Match m = LongRecordings.match(g.truth(), found, 100);
            double[] e = m.boundaryErrorsMs();
            System.out.printf("SNR %.0f dB: %d of %d found one to one (%d segments), boundaries within 100 ms %.3f, median %.0f ms, max %.0f ms%n", snr,
                    m.matched(), m.truth(), m.found(), m.withinTolerance(), e[e.length / 2], e[e.length - 1]);
            assertEquals(m.found(), m.matched(), "SNR " + snr + ": no segment in the noise, none holding two recordings");
            if (snr == 30) {
                assertEquals(m.truth(), m.matched(), "every recording found once");
                assertTrue(m.withinTolerance() >= 0.9, "boundaries within 100 ms: " + m.withinTolerance());
            } else { // 20 dB below the mean speech level, the quietest speakers' words sink into the noise
                assertTrue(m.matched() >= 0.85 * m.truth(), "found " + m.matched() + " of " + m.truth());
                assertTrue(m.withinTolerance() >= 0.8, "boundaries within 100 ms: " + m.withinTolerance());
            }
        }
    }
}
