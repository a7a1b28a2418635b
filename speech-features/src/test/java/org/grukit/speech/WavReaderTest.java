package org.grukit.speech;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.grukit.core.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WAV reading: every encoding, odd chunk layouts, real recordings, and bad files (with a fuzz test). */
class WavReaderTest {
    @TempDir
    Path dir;

    /** A WAV file's bytes: the given fmt fields, extra chunks before the data, and the data bytes. */
    static byte[] wav(int tag, int channels, int rate, int bits, boolean extensible, byte[] data, boolean listChunk) {
        ByteBuffer fmt = ByteBuffer.allocate(extensible ? 40 : 16).order(ByteOrder.LITTLE_ENDIAN);
        fmt.putShort((short) (extensible ? 0xFFFE : tag)).putShort((short) channels).putInt(rate)
                .putInt(rate * channels * bits / 8).putShort((short) (channels * bits / 8)).putShort((short) bits);
        if (extensible) fmt.putShort((short) 22).putShort((short) bits).putInt(0).putShort((short) tag).put(new byte[14]);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        chunk(body, "fmt ", fmt.array());
        if (listChunk) chunk(body, "LIST", new byte[] {'I', 'N', 'F', 'O', 1}); // odd size: a pad byte follows
        chunk(body, "fact", new byte[] {4, 0, 0, 0});
        chunk(body, "data", data);
        ByteBuffer out = ByteBuffer.allocate(12 + body.size()).order(ByteOrder.LITTLE_ENDIAN);
        out.put("RIFF".getBytes()).putInt(4 + body.size()).put("WAVE".getBytes()).put(body.toByteArray());
        return out.array();
    }

    static void chunk(ByteArrayOutputStream out, String id, byte[] body) {
        ByteBuffer h = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).put(id.getBytes()).putInt(body.length);
        out.writeBytes(h.array());
        out.writeBytes(body);
        if ((body.length & 1) == 1) out.write(0);
    }

    private Path file(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void everyEncodingReadsTheSameSignal() throws IOException {
        float[] expected = {0f, 0.5f, -0.5f, 0.25f, -1f};
        ByteBuffer b8 = ByteBuffer.allocate(5), b16 = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer b24 = ByteBuffer.allocate(15), b32 = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer f32 = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN), f64 = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : expected) {
            b8.put((byte) (Math.round(v * 128) + 128));
            b16.putShort((short) Math.round(v * 32768));
            int i24 = Math.round(v * 8388608);
            b24.put((byte) i24).put((byte) (i24 >> 8)).put((byte) (i24 >> 16));
            b32.putInt((int) Math.round(v * 2147483648.0));
            f32.putFloat(v);
            f64.putDouble(v);
        }
        Object[][] cases = {{1, 8, b8}, {1, 16, b16}, {1, 24, b24}, {1, 32, b32}, {3, 32, f32}, {3, 64, f64}};
        for (Object[] c : cases) {
            for (boolean ext : new boolean[] {false, true}) {
                Path p = file("t.wav", wav((int) c[0], 1, 8000, (int) c[1], ext, ((ByteBuffer) c[2]).array(), true));
                Audio a = WavReader.read(p);
                assertArrayEquals(expected, a.samples(), 1e-6f, c[1] + "-bit tag " + c[0] + " extensible " + ext);
                assertEquals(8000, a.sampleRate());
            }
        }
    }

    @Test
    void channelsMixOrPickAndStreamingSizesReadToTheEnd() throws IOException {
        ByteBuffer d = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        d.putShort((short) 16384).putShort((short) -16384).putShort((short) 8192).putShort((short) 8192).putShort((short) 0)
                .putShort((short) 32767);
        Path p = file("stereo.wav", wav(1, 2, 16000, 16, false, d.array(), false));
        assertArrayEquals(new float[] {0f, 0.25f, 0.5f * 32767 / 32768f}, WavReader.read(p).samples(), 1e-6f);
        assertArrayEquals(new float[] {-0.5f, 0.25f, 32767 / 32768f},
                WavReader.read(p, new WavReader.Channels.Pick(1)).samples(), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> WavReader.read(p, new WavReader.Channels.Pick(2)));
        // A streaming writer's data size of 0xFFFFFFFF means "to the end of the file".
        byte[] bytes = Files.readAllBytes(p);
        ByteBuffer.wrap(bytes, bytes.length - 16, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(-1);
        assertEquals(3, WavReader.read(file("stream.wav", bytes)).samples().length);
        // Empty audio is a defined result.
        assertEquals(0, WavReader.read(file("empty.wav", wav(1, 1, 8000, 16, false, new byte[0], false))).samples().length);
    }

    private void assertRefused(byte[] bytes, String fragment) throws IOException {
        Path p = file("bad.wav", bytes);
        IOException e = assertThrows(IOException.class, () -> WavReader.read(p));
        assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
    }

    @Test
    void badFilesFailWithAClearMessage() throws IOException {
        byte[] pcm = new byte[8];
        assertRefused(wav(7, 1, 8000, 16, false, pcm, false), "16-bit MU_LAW");
        assertRefused(wav(2, 1, 8000, 4, false, pcm, false), "ADPCM");
        assertRefused(wav(1, 0, 8000, 16, false, pcm, false), "zero channels");
        assertRefused(wav(1, 1, 8000, 12, false, pcm, false), "12-bit");
        assertRefused("RIFX\0\0\0\0WAVE".getBytes(), "does not start with RIFF");
        byte[] ok = wav(1, 1, 8000, 16, false, new byte[100], false);
        assertRefused(Arrays.copyOf(ok, ok.length - 30), "only 70 follow it");
        ByteBuffer nan = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.5f).putFloat(Float.NaN);
        assertRefused(wav(3, 1, 8000, 32, false, nan.array(), false), "sample 1 of channel 0 is NaN");
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 120, unit = java.util.concurrent.TimeUnit.SECONDS) // a hang guard, not a speed target
    void fuzzedHeadersNeverHangOrAllocateWildly() throws IOException {
        byte[] good = wav(1, 2, 16000, 16, true, new byte[400], true);
        Rng rng = new Rng(2026);
        int accepted = 0, refused = 0;
        for (int i = 0; i < 5000; i++) {
            byte[] b = good.clone();
            if (i % 5 == 0) {
                b = Arrays.copyOf(b, rng.nextInt(good.length)); // truncated anywhere
            } else {
                for (int k = 0, n = 1 + rng.nextInt(4); k < n; k++) b[rng.nextInt(Math.min(b.length, 120))] = (byte) rng.nextInt(256);
            }
            Path p = file("fuzz.wav", b);
            try {
                Audio a = WavReader.read(p);
                assertTrue(a.samples().length <= 200, "read more frames than the file holds: " + a.samples().length);
                accepted++;
            } catch (IOException e) {
                refused++;
            }
        }
        assertTrue(accepted > 0 && refused > 0, accepted + " accepted, " + refused + " refused");
    }

    @Test
    void readsARealRecording() throws IOException {
        Path fsdd = org.grukit.core.SharedData.file("speech/fsdd/recordings/0_george_0.wav");
        try (WavReader r = WavReader.open(fsdd)) {
            assertEquals(WavFormat.Encoding.PCM, r.format().encoding());
            assertEquals(8000, r.format().sampleRate());
            assertEquals(1, r.format().channels());
            assertEquals(16, r.format().bitsPerSample());
        }
        Audio a = WavReader.read(fsdd);
        assertTrue(a.durationSeconds() > 0.1 && a.durationSeconds() < 3, "duration " + a.durationSeconds());
    }
}
