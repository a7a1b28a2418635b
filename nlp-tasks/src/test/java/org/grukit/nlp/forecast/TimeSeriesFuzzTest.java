package org.grukit.nlp.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import org.grukit.core.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Time-series CSVs made to hurt the reader, in the 192 MB-heap fuzz JVM: a series is read or refused with a message
 * naming the file, never an OutOfMemoryError or a hang. -Dgrukit.fuzz.rounds sets the number of random mutations.
 */
class TimeSeriesFuzzTest {
    @TempDir
    Path dir;

    private Path csv(String text) throws IOException {
        Path p = dir.resolve("series.csv");
        Files.writeString(p, text);
        return p;
    }

    private static String hourly(int rows) {
        StringBuilder sb = new StringBuilder("date,load\n");
        LocalDateTime t = LocalDateTime.of(2020, 1, 1, 0, 0);
        for (int i = 0; i < rows; i++, t = t.plusHours(1)) sb.append(t.toString().replace('T', ' ')).append(',').append(i % 24).append('\n');
        return sb.toString();
    }

    @Test
    @Timeout(30)
    void datesThatJumpAHundredThousandHoursAreRefusedNotExpandedIntoMillionsOfGaps() throws IOException {
        StringBuilder sb = new StringBuilder("date,load\n");
        LocalDateTime t = LocalDateTime.of(2020, 1, 1, 0, 0);
        for (int i = 0; i < 1000; i++) {
            sb.append(t.toString().replace('T', ' ')).append(',').append(i).append('\n');
            t = i % 2 == 0 ? t.plusHours(1) : t.plusHours(100_002);
        }
        Path p = csv(sb.toString());
        IOException e = assertThrows(IOException.class, () -> TimeSeries.readCsv(p, "date", List.of()));
        assertTrue(e.getMessage().contains("series.csv") && e.getMessage().contains("are the dates right?"), e.getMessage());
        // A few real gaps are still reported, not refused.
        String text = hourly(200);
        String gappy = text.replace("2020-01-02 03:00,3\n", "");
        assertEquals(1, TimeSeries.readCsv(csv(gappy), "date", List.of()).gaps().size());
    }

    @Test
    @Timeout(300)
    void mutatedSeriesAreReadOrRefusedNamingTheFile() throws IOException {
        byte[] good = hourly(120).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int rounds = Integer.getInteger("grukit.fuzz.rounds", 2000);
        Rng rng = new Rng(11);
        byte[] alphabet = "0123456789-:., \n\"e+NaInf".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int read = 0, refused = 0;
        for (int i = 0; i < rounds; i++) {
            byte[] b = good.clone();
            if (i % 5 == 0) {
                b = java.util.Arrays.copyOf(b, rng.nextInt(b.length));
            } else {
                for (int k = 0, n = 1 + rng.nextInt(6); k < n; k++) b[rng.nextInt(b.length)] = alphabet[rng.nextInt(alphabet.length)];
            }
            Path p = dir.resolve("series.csv");
            Files.write(p, b);
            try {
                TimeSeries s = TimeSeries.readCsv(p, "date", List.of());
                assertTrue(s.length() <= 121, "no more rows than the file holds");
                read++;
            } catch (IOException | IllegalArgumentException e) {
                assertTrue(e.getMessage() != null && e.getMessage().contains("series.csv"), "the error names the file: " + e.getMessage());
                refused++;
            }
        }
        System.out.printf("time-series CSV fuzz: %d inputs, %d read, %d refused with a clear error, 0 otherwise%n", rounds, read, refused);
        assertEquals(rounds, read + refused);
    }
}
