package org.grukit.nlp.forecast;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.grukit.nlp.data.Delimited;
import org.grukit.nlp.data.Row;
import org.grukit.nlp.data.Table;

/**
 * A time series read from a CSV file: a timestamp per row and one or more numeric columns. The reader takes a
 * header, a date column (ISO dates: {@code YYYY-MM}, {@code YYYY-MM-DD}, {@code YYYY-MM-DD HH:MM[:SS]}, quoted or
 * not), the chosen value columns, and CRLF or LF lines. Timestamps must increase. The step is the most common
 * difference between rows (hourly, daily, monthly, ...); rows the calendar expects but the file lacks are
 * reported in {@link #gaps()}, never filled in. A missing or non-numeric value is an error naming the line.
 *
 * @param values [T][C], row by row
 */
public record TimeSeries(String name, List<LocalDateTime> time, List<String> columns, float[][] values, Frequency frequency,
                         List<LocalDateTime> gaps) {
    public TimeSeries {
        time = List.copyOf(time);
        columns = List.copyOf(columns);
        gaps = List.copyOf(gaps);
        if (values.length != time.size()) throw new IllegalArgumentException("expected " + time.size() + " rows of values, got " + values.length);
    }

    /** The step between rows, with the season a seasonal naive forecast repeats. */
    public enum Frequency {
        HOURLY(24), DAILY(365), WEEKLY(52), MONTHLY(12), QUARTERLY(4), YEARLY(1), IRREGULAR(1);

        /** Steps per season: a day of hours, a year of days, weeks, months or quarters. */
        public final int season;

        Frequency(int season) {
            this.season = season;
        }

        /** The timestamp one step after {@code t}. */
        public LocalDateTime next(LocalDateTime t) {
            return switch (this) {
                case HOURLY -> t.plusHours(1);
                case DAILY -> t.plusDays(1);
                case WEEKLY -> t.plusWeeks(1);
                case MONTHLY -> t.plusMonths(1);
                case QUARTERLY -> t.plusMonths(3);
                case YEARLY -> t.plusYears(1);
                case IRREGULAR -> throw new IllegalStateException("an irregular series has no next timestamp");
            };
        }
    }

    public int length() {
        return values.length;
    }

    public int columnIndex(String column) {
        int i = columns.indexOf(column);
        if (i < 0) throw new IllegalArgumentException(name + ": no column '" + column + "'; columns: " + columns);
        return i;
    }

    /** One column as an array. */
    public float[] column(int c) {
        float[] out = new float[values.length];
        for (int t = 0; t < out.length; t++) out[t] = values[t][c];
        return out;
    }

    /**
     * Reads a CSV file with a header.
     *
     * @param dateColumn the timestamp column's name, or null for the first column
     * @param columns    the value columns, or null (or empty) for every other column
     */
    public static TimeSeries readCsv(Path path, String dateColumn, List<String> columns) throws IOException {
        Table table = Delimited.csv().withHeader(Delimited.Header.YES).read(path);
        if (table.header() == null || table.rows().isEmpty()) throw new IOException(path + ": expected a header and at least one row");
        String file = path.getFileName().toString();
        int dateCol = dateColumn == null ? 0 : table.column(dateColumn);
        List<Integer> cols = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (columns == null || columns.isEmpty()) {
            for (int i = 0; i < table.header().size(); i++) {
                if (i == dateCol) continue;
                cols.add(i);
                names.add(table.header().get(i).trim());
            }
        } else {
            for (String c : columns) {
                cols.add(table.column(c));
                names.add(c);
            }
        }
        if (cols.isEmpty()) throw new IOException(path + ": no value columns besides the date column");
        List<LocalDateTime> time = new ArrayList<>(table.rows().size());
        float[][] values = new float[table.rows().size()][cols.size()];
        for (int r = 0; r < table.rows().size(); r++) {
            Row row = table.rows().get(r);
            int need = Math.max(dateCol, cols.stream().mapToInt(Integer::intValue).max().getAsInt()) + 1;
            if (row.fields().size() < need) throw new IOException(row.origin() + ": expected at least " + need + " fields, found " + row.fields().size());
            LocalDateTime t = parseTime(row.fields().get(dateCol), row.origin());
            if (!time.isEmpty() && !t.isAfter(time.get(time.size() - 1))) {
                throw new IOException(row.origin() + ": timestamps must increase; " + t + " follows " + time.get(time.size() - 1));
            }
            time.add(t);
            for (int c = 0; c < cols.size(); c++) {
                String v = row.fields().get(cols.get(c)).trim();
                float x;
                try {
                    x = Float.parseFloat(v);
                } catch (NumberFormatException e) {
                    x = Float.NaN;
                }
                if (!Float.isFinite(x)) {
                    throw new IOException(row.origin() + ": column '" + names.get(c) + "' needs a number, found '" + v + "'"
                            + (v.isEmpty() || v.equalsIgnoreCase("na") || v.equalsIgnoreCase("nan") ? " (missing values are not filled in; fill or drop the row first)" : ""));
                }
                values[r][c] = x;
            }
        }
        Frequency f = frequency(time);
        List<LocalDateTime> gaps;
        try {
            gaps = gaps(time, f);
        } catch (IllegalArgumentException e) {
            throw new IOException(path + ": " + e.getMessage(), e);
        }
        return new TimeSeries(file, time, names, values, f, gaps);
    }

    /**
     * A series from columns held in memory (a table's rows of one id, a request's history): its values under each column's
     * name, the timestamps under {@code "time"} (ISO-8601 text as {@link #readCsv} takes it, {@code LocalDateTime},
     * {@code LocalDate} or {@code java.sql.Timestamp}), optionally its name under {@code "id"}. Timestamps must increase
     * and values be finite numbers; the frequency and gaps are found as for a file. Errors are
     * {@link IllegalArgumentException}s naming the column and row.
     */
    public static TimeSeries fromColumns(Map<?, ?> columns) {
        Object t = columns.get("time");
        if (!(t instanceof List<?> times) || times.isEmpty()) {
            throw new IllegalArgumentException("a series needs its timestamps as a non-empty list under \"time\", found "
                    + (t == null ? "none" : t.getClass().getSimpleName()));
        }
        String name = columns.get("id") == null ? "series" : String.valueOf(columns.get("id"));
        List<String> names = new ArrayList<>();
        List<List<?>> lists = new ArrayList<>();
        for (Map.Entry<?, ?> e : columns.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (key.equals("time") || key.equals("id")) continue;
            if (!(e.getValue() instanceof List<?> l)) {
                throw new IllegalArgumentException(name + ": column '" + key + "' must be a list of numbers, found " + e.getValue());
            }
            if (l.size() != times.size()) {
                throw new IllegalArgumentException(name + ": column '" + key + "' has " + l.size() + " values for " + times.size() + " timestamps");
            }
            names.add(key);
            lists.add(l);
        }
        if (names.isEmpty()) throw new IllegalArgumentException(name + ": no value columns besides \"time\"");
        List<LocalDateTime> time = new ArrayList<>(times.size());
        float[][] values = new float[times.size()][names.size()];
        for (int r = 0; r < times.size(); r++) {
            String row = name + ", row " + (r + 1);
            Object raw = times.get(r);
            LocalDateTime ts;
            try {
                ts = raw instanceof LocalDateTime l ? l : raw instanceof LocalDate d ? d.atStartOfDay()
                        : raw instanceof java.sql.Timestamp s ? s.toLocalDateTime() : raw instanceof java.util.Date d ? new java.sql.Timestamp(d.getTime()).toLocalDateTime()
                        : parseTime(String.valueOf(raw), row);
            } catch (IOException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            if (!time.isEmpty() && !ts.isAfter(time.get(time.size() - 1))) {
                throw new IllegalArgumentException(row + ": timestamps must increase; " + ts + " follows " + time.get(time.size() - 1));
            }
            time.add(ts);
            for (int c = 0; c < names.size(); c++) {
                Object v = lists.get(c).get(r);
                double x = v instanceof Number n ? n.doubleValue() : Double.NaN;
                if (!Double.isFinite(x)) {
                    throw new IllegalArgumentException(row + ": column '" + names.get(c) + "' needs a finite number, found " + v);
                }
                values[r][c] = (float) x;
            }
        }
        Frequency f = frequency(time);
        return new TimeSeries(name, time, names, values, f, gaps(time, f));
    }

    static LocalDateTime parseTime(String raw, String origin) throws IOException {
        String s = raw.trim().replace('T', ' ');
        try {
            if (s.matches("\\d{4}-\\d{2}")) return LocalDate.parse(s + "-01").atStartOfDay();
            if (s.matches("\\d{4}-\\d{2}-\\d{2}")) return LocalDate.parse(s).atStartOfDay();
            if (s.matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}")) return LocalDateTime.parse(s.replace(' ', 'T') + ":00");
            if (s.matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(\\.\\d+)?")) return LocalDateTime.parse(s.replace(' ', 'T'));
        } catch (DateTimeParseException e) {
            throw new IOException(origin + ": '" + raw + "' is not a valid date: " + e.getMessage());
        }
        throw new IOException(origin + ": expected a date as YYYY-MM, YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS], found '" + raw + "'");
    }

    /** The most common step between consecutive timestamps. */
    static Frequency frequency(List<LocalDateTime> time) {
        if (time.size() < 2) return Frequency.IRREGULAR;
        Map<Frequency, Integer> votes = new HashMap<>();
        for (int i = 1; i < time.size(); i++) {
            LocalDateTime a = time.get(i - 1), b = time.get(i);
            Frequency f = null;
            for (Frequency c : Frequency.values()) {
                if (c != Frequency.IRREGULAR && c.next(a).equals(b)) {
                    f = c;
                    break;
                }
            }
            if (f != null) votes.merge(f, 1, Integer::sum);
        }
        Frequency best = Frequency.IRREGULAR;
        int most = 0;
        for (var e : votes.entrySet()) {
            if (e.getValue() > most) {
                most = e.getValue();
                best = e.getKey();
            }
        }
        return most * 2 >= time.size() - 1 ? best : Frequency.IRREGULAR;
    }

    /**
     * Timestamps the frequency expects between the first and last rows that are absent. More missing steps than ten
     * times the rows present (at least 10,000) is not a series with gaps but wrong dates: refused, naming where.
     */
    static List<LocalDateTime> gaps(List<LocalDateTime> time, Frequency f) {
        List<LocalDateTime> out = new ArrayList<>();
        if (f == Frequency.IRREGULAR) return out;
        long limit = Math.max(10_000L, 10L * time.size());
        for (int i = 1; i < time.size(); i++) {
            LocalDateTime expected = f.next(time.get(i - 1));
            while (expected.isBefore(time.get(i))) {
                if (out.size() >= limit) {
                    throw new IllegalArgumentException("more than " + limit + " " + f.name().toLowerCase(Locale.ROOT) + " steps are missing among "
                            + time.size() + " rows (data row " + (i + 1) + ", " + time.get(i) + ", is far from the one before, " + time.get(i - 1)
                            + "); are the dates right?");
                }
                out.add(expected);
                expected = f.next(expected);
            }
        }
        return out;
    }

    /** A one-line description of the gaps, or null when there are none. */
    public String gapReport() {
        if (gaps.isEmpty()) return null;
        List<String> shown = new ArrayList<>();
        for (LocalDateTime g : gaps.subList(0, Math.min(5, gaps.size()))) shown.add(g.toString().replace('T', ' '));
        return String.format(Locale.ROOT, "%s: %d %s step(s) missing (not filled in): %s%s", name, gaps.size(), frequency.name().toLowerCase(Locale.ROOT),
                String.join(", ", shown), gaps.size() > 5 ? ", ..." : "");
    }
}
