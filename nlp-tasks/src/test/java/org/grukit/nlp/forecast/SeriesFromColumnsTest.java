package org.grukit.nlp.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A series from columns in memory (a table's group, a request): read as a CSV file is, and refused naming the row. */
class SeriesFromColumnsTest {
    private static Map<String, Object> columns(List<?> time, List<?> values) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", "store 7");
        m.put("time", time);
        m.put("sales", values);
        return m;
    }

    @Test
    void timestampsOfEveryFormAndTheFrequencyFound() {
        TimeSeries s = TimeSeries.fromColumns(columns(List.of("2020-01", LocalDate.of(2020, 2, 1), LocalDateTime.of(2020, 3, 1, 0, 0),
                java.sql.Timestamp.valueOf("2020-04-01 00:00:00"), java.sql.Date.valueOf("2020-05-01")), List.of(1, 2.5, 3L, 4f, 5)));
        assertEquals("store 7", s.name());
        assertEquals(List.of("sales"), s.columns());
        assertEquals(TimeSeries.Frequency.MONTHLY, s.frequency());
        assertEquals(2.5f, s.values()[1][0]);
        assertEquals(LocalDateTime.of(2020, 5, 1, 0, 0), s.time().get(4));
    }

    @Test
    void badColumnsAreNamed() {
        String e = assertThrows(IllegalArgumentException.class, () -> TimeSeries.fromColumns(columns(List.of("2020-01", "2019-12"), List.of(1, 2))))
                .getMessage();
        assertTrue(e.contains("store 7, row 2") && e.contains("must increase"), e);
        e = assertThrows(IllegalArgumentException.class, () -> TimeSeries.fromColumns(columns(List.of("2020-01", "2020-02"), List.of(1, "x"))))
                .getMessage();
        assertTrue(e.contains("row 2") && e.contains("'sales'") && e.contains("finite number"), e);
        e = assertThrows(IllegalArgumentException.class, () -> TimeSeries.fromColumns(columns(List.of("2020-01"), List.of(1, 2)))).getMessage();
        assertTrue(e.contains("2 values for 1 timestamps"), e);
        e = assertThrows(IllegalArgumentException.class, () -> TimeSeries.fromColumns(columns(List.of("2020-13"), List.of(1)))).getMessage();
        assertTrue(e.contains("2020-13"), e);
        e = assertThrows(IllegalArgumentException.class, () -> TimeSeries.fromColumns(Map.of("sales", List.of(1)))).getMessage();
        assertTrue(e.contains("\"time\""), e);
    }
}
