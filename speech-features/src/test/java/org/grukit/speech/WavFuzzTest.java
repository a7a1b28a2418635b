package org.grukit.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.grukit.core.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * WAV files made to hurt the reader, in a JVM of 192 MB heap (the fuzz-small-heap execution): every input gives audio
 * or a clear IOException, never an OutOfMemoryError, another exception or a hang. -Dgrukit.fuzz.rounds sets the
 * number of random mutations (a longer run than the test command's).
 */
class WavFuzzTest {
    @TempDir
    Path dir;

    private Path file(byte[] bytes) throws IOException {
        Path p = dir.resolve("f.wav");
        Files.write(p, bytes);
        return p;
    }

    @Test
    @Timeout(30)
    void aHeaderClaimingSixtyFiveThousandChannelsAllocatesLittle() throws IOException {
        // 8-bit, so the block align (65,535 bytes) agrees with the channel count: a valid header over no data.
        Audio a = WavReader.read(file(WavReaderTest.wav(1, 65535, 8000, 8, false, new byte[0], false)));
        assertEquals(0, a.samples().length);
        a = WavReader.read(file(WavReaderTest.wav(1, 65535, 8000, 8, false, new byte[65535 * 3], false)));
        assertEquals(3, a.samples().length, "three frames of 65,535 channels, mixed down");
    }

    @Test
    @Timeout(30)
    void aSampleRateThatIsNotAudioIsRefused() throws IOException {
        IOException e = assertThrows(IOException.class, () -> WavReader.read(file(WavReaderTest.wav(1, 1, 1, 16, false, new byte[400], false))));
        assertTrue(e.getMessage().contains("sample rate 1 Hz"), e.getMessage());
    }

    @Test
    @Timeout(300)
    void mutatedFilesGiveAudioOrAClearError() throws IOException {
        byte[] good = WavReaderTest.wav(1, 2, 16000, 16, true, new byte[400], true);
        int rounds = Integer.getInteger("grukit.fuzz.rounds", 3000);
        Rng rng = new Rng(2027);
        int accepted = 0, refused = 0;
        for (int i = 0; i < rounds; i++) {
            byte[] b = good.clone();
            switch (i % 4) {
                case 0 -> b = Arrays.copyOf(b, rng.nextInt(good.length)); // truncated anywhere
                case 1 -> { // a header field replaced by an extreme value
                    int at = 16 + rng.nextInt(40);
                    int v = new int[] {0, 1, -1, 0xFFFF, Integer.MAX_VALUE, Integer.MIN_VALUE}[rng.nextInt(6)];
                    for (int k = 0; k < 4 && at + k < b.length; k++) b[at + k] = (byte) (v >>> (8 * k));
                }
                default -> {
                    for (int k = 0, n = 1 + rng.nextInt(4); k < n; k++) b[rng.nextInt(Math.min(b.length, 120))] = (byte) rng.nextInt(256);
                }
            }
            try {
                Audio a = WavReader.read(file(b));
                assertTrue(a.samples().length <= 400, "read more frames than the file holds: " + a.samples().length);
                accepted++;
            } catch (IOException e) {
                assertTrue(e.getMessage() != null && e.getMessage().contains("f.wav"), "the error names the file: " + e.getMessage());
                refused++;
            }
        }
        System.out.printf("WAV fuzz: %d inputs, %d read, %d refused with a clear error, 0 otherwise%n", rounds, accepted, refused);
        assertEquals(rounds, accepted + refused);
    }
}
