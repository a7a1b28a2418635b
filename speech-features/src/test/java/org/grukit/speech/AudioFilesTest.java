package org.grukit.speech;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every format against sox: one source encoded by sox (tools/reference/make_audio_formats.sh), decoded by grukit and,
 * as the reference, by sox. Lossless formats and G.711 must match sox exactly; MP3 and Vorbis decoders may differ in
 * rounding within the stated bounds. Broken files are errors that name the file and the format.
 */
class AudioFilesTest {
    @TempDir
    Path dir;

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = AudioFilesTest.class.getResourceAsStream("formats/" + name)) {
            if (in == null) throw new IllegalStateException("missing fixture " + name + "; run tools/reference/make_audio_formats.sh");
            return in.readAllBytes();
        }
    }

    private Path file(String name) throws IOException {
        return Files.write(dir.resolve(name), fixture(name));
    }

    /**
     * @param maxDiff the largest sample difference from sox's decoding, over sox's length
     * @param extra   samples grukit's decoder may give past sox's (JLayer ends with a whole last granule of 576)
     */
    @ParameterizedTest
    @CsvSource({"source.flac, FLAC, 0, 0", "stereo.flac, FLAC, 0, 0", "mulaw.wav, WAV, 0, 0", "alaw.wav, WAV, 0, 0",
            "source.ogg, OGG_VORBIS, 1e-4, 0", "source.mp3, MP3, 1e-3, 576"})
    void decodesAsSoxDoes(String name, AudioFiles.Kind kind, double maxDiff, int extra) throws IOException {
        byte[] bytes = fixture(name);
        assertEquals(kind, AudioFiles.detect(bytes, bytes.length));
        Audio ours = AudioFiles.read(file(name));
        Audio sox = WavReader.read(file(name.replace('.', '-') + ".decoded.wav"));
        assertEquals(sox.sampleRate(), ours.sampleRate(), name);
        int n = sox.samples().length;
        assertTrue(ours.samples().length >= n && ours.samples().length <= n + extra, name + ": " + ours.samples().length + " samples, sox " + n);
        if (maxDiff == 0) {
            assertArrayEquals(sox.samples(), Arrays.copyOf(ours.samples(), n), name);
        } else {
            double worst = 0;
            for (int i = 0; i < n; i++) worst = Math.max(worst, Math.abs(ours.samples()[i] - sox.samples()[i]));
            assertTrue(worst <= maxDiff, name + ": largest difference from sox " + worst);
        }
        // From memory (an upload) as from disk.
        assertArrayEquals(ours.samples(), AudioFiles.read(bytes, "upload").samples(), name);
    }

    @Test
    void theLosslessFormatsGiveBackTheSourceItself() throws IOException {
        float[] source = WavReader.read(file("source.wav")).samples();
        assertArrayEquals(source, AudioFiles.read(file("source.flac")).samples());
        float[] mu = AudioFiles.read(file("mulaw.wav")).samples();
        double worst = 0;
        for (int i = 0; i < source.length; i++) worst = Math.max(worst, Math.abs(mu[i] - source[i]));
        assertTrue(worst < 0.02, "mu-law is within its step size of the source: " + worst);
    }

    @Test
    void g711TablesAreItus() {
        // Known points of ITU-T G.711: the codes for 0, the largest magnitudes, and a middle segment.
        assertEquals(0, WavReader.muLaw((byte) 0xff));
        assertEquals(-32124, WavReader.muLaw((byte) 0x00));
        assertEquals(32124, WavReader.muLaw((byte) 0x80));
        assertEquals(8, WavReader.aLaw((byte) 0xd5));
        assertEquals(-32256, WavReader.aLaw((byte) 0x2a));
        assertEquals(32256, WavReader.aLaw((byte) 0xaa));
    }

    @Test
    void brokenFilesNameTheFileAndTheFormat() throws IOException {
        Object[][] cases = {
                {"cut.flac", Arrays.copyOf(fixture("source.flac"), 60), "a broken flac file"},
                {"cut.ogg", Arrays.copyOf(fixture("source.ogg"), 40), "ogg vorbis"},
                {"fake.mp3", new byte[] {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 0}, "mp3"},
                {"text.wav", "this is not a recording".getBytes(), "not a recording grukit reads"},
                {"empty.wav", new byte[0], "found an empty file"}};
        for (Object[] c : cases) {
            Path p = Files.write(dir.resolve((String) c[0]), (byte[]) c[1]);
            IOException e = assertThrows(IOException.class, () -> AudioFiles.read(p), (String) c[0]);
            assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains((String) c[2]), e.getMessage());
            IOException m = assertThrows(IOException.class, () -> AudioFiles.read((byte[]) c[1], "the upload"), (String) c[0]);
            assertTrue(m.getMessage().startsWith("the upload"), m.getMessage());
        }
    }
}
