package org.grukit.examples.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** An option whose value names one of an enum's constants, read as the user types it ("attention", "max"). */
final class Choices {
    private Choices() {}

    /** The constant of {@code type} that {@code value} names, ignoring case; otherwise an error naming the option and the choices. */
    static <E extends Enum<E>> E of(String option, String value, Class<E> type) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value == null ? "" : value.replace('-', '_'))) return e;
        }
        String choices = Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .collect(Collectors.joining(", "));
        throw new IllegalArgumentException(option + " must be one of " + choices + "; got '" + value + "'");
    }
}
