package org.grukit.nlp.forecast;

import java.time.LocalDateTime;

/**
 * Calendar features of a timestamp, as sine and cosine pairs so that the end of a cycle meets its start: hour of
 * the day and day of the week for hourly series, day of the week and day of the year for daily ones, month of the
 * year for weekly and monthly ones, quarter for quarterly ones; none for yearly or irregular series.
 */
final class Calendar {
    private Calendar() {}

    static int size(TimeSeries.Frequency f) {
        return switch (f) {
            case HOURLY, DAILY -> 4;
            case WEEKLY, MONTHLY, QUARTERLY -> 2;
            case YEARLY, IRREGULAR -> 0;
        };
    }

    /** Writes {@link #size} features of {@code t} into {@code out} from {@code at}. */
    static void encode(LocalDateTime t, TimeSeries.Frequency f, float[] out, int at) {
        switch (f) {
            case HOURLY -> {
                cycle(t.getHour(), 24, out, at);
                cycle(t.getDayOfWeek().getValue() - 1, 7, out, at + 2);
            }
            case DAILY -> {
                cycle(t.getDayOfWeek().getValue() - 1, 7, out, at);
                cycle(t.getDayOfYear() - 1, t.toLocalDate().lengthOfYear(), out, at + 2);
            }
            case WEEKLY, MONTHLY -> cycle(t.getMonthValue() - 1, 12, out, at);
            case QUARTERLY -> cycle((t.getMonthValue() - 1) / 3, 4, out, at);
            case YEARLY, IRREGULAR -> { }
        }
    }

    private static void cycle(int value, int period, float[] out, int at) {
        double a = 2 * Math.PI * value / period;
        out[at] = (float) Math.sin(a);
        out[at + 1] = (float) Math.cos(a);
    }
}
