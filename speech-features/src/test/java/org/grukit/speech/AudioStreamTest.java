package org.grukit.speech;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Audio read a block at a time from a pipe or a file gives the samples a whole-file read gives. */
class AudioStreamTest {
    private static final String FORMATS = "/org/grukit/speech/formats/";

    private static Path resource(String name) throws Exception {
        return Path.of(AudioStreamTest.class.getResource(FORMATS + name).toURI());
    }

    private static float[] readAll(AudioStream s, int block) throws IOException {
        float[] out = new float[0];
        for (float[] b; (b = s.read(block)) != null; ) {
            float[] c = java.util.Arrays.copyOf(out, out.length + b.length);
            System.arraycopy(b, 0, c, out.length, b.length);
            out = c;
        }
        return out;
    }

    @Test
    void wavStreamsAndFilesInBlocksEqualTheWholeRead() throws Exception {
        for (String name : new String[] {"source.wav", "mulaw.wav", "alaw.wav", "stereo-flac.decoded.wav", "source.flac"}) {
            Path p = resource(name);
            float[] expected = AudioFiles.read(p).samples();
            try (AudioStream s = AudioStream.of(p)) {
                assertArrayEquals(expected, readAll(s, 333), name + " as a file");
            }
            if (name.endsWith(".wav")) {
                byte[] bytes = Files.readAllBytes(p);
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 0); // a streaming writer's RIFF size
                try (AudioStream s = AudioStream.open(new ByteArrayInputStream(bytes), null, "stdin")) {
                    assertEquals(AudioFiles.read(p).sampleRate(), s.sampleRate());
                    assertArrayEquals(expected, readAll(s, 1000), name + " as a stream");
                }
            }
        }
    }

    @Test
    void rawPcmNeedsARate() throws Exception {
        short[] pcm = {0, 16384, -16384, 32767, -32768};
        ByteBuffer b = ByteBuffer.allocate(2 * pcm.length + 1).order(ByteOrder.LITTLE_ENDIAN); // and half a sample at the end
        for (short v : pcm) b.putShort(v);
        try (AudioStream s = AudioStream.open(new ByteArrayInputStream(b.array()), 8000, "stdin")) {
            assertEquals(8000, s.sampleRate());
            assertArrayEquals(new float[] {0f, 0.5f, -0.5f, 32767 / 32768f, -1f}, readAll(s, 2));
            assertEquals(5, s.frames());
        }
        IOException e = assertThrows(IOException.class, () -> AudioStream.open(new ByteArrayInputStream(b.array()), null, "stdin"));
        assertTrue(e.getMessage().contains("no sample rate"), e.getMessage());
    }

    @Test
    void brokenStreamsAreNamedErrors() throws Exception {
        byte[] wav = Files.readAllBytes(resource("source.wav"));
        IOException e = assertThrows(IOException.class, () -> AudioStream.open(new ByteArrayInputStream(java.util.Arrays.copyOf(wav, 20)), null, "stdin"));
        assertTrue(e.getMessage().startsWith("stdin: the stream ended inside the fmt chunk"), e.getMessage());
        byte[] flac = Files.readAllBytes(resource("source.flac"));
        e = assertThrows(IOException.class, () -> AudioStream.open(new ByteArrayInputStream(flac), 8000, "stdin"));
        assertTrue(e.getMessage().contains("flac cannot be read as a stream"), e.getMessage());
    }
}
