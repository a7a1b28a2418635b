package org.grukit.core.task;

/**
 * What one input of a task is made of where it comes from outside Java (a table's column, a request): the form of
 * the values {@link TaskModel#input(Object)} takes.
 */
public enum InputKind {
    /** A text: a {@code String}. */
    TEXT("a text"),
    /** A recording: the bytes of an audio file ({@code byte[]}), or the file's path (a {@code String}). */
    AUDIO("an audio file's bytes or path"),
    /**
     * A series' history: a {@code Map} from each column's name to its values in time order, the timestamps under
     * {@code "time"} (ISO-8601 text or {@code LocalDateTime}), and optionally the series' name under {@code "id"}.
     */
    SERIES("a series' columns (time and values)");

    private final String description;

    InputKind(String description) {
        this.description = description;
    }

    /** What the kind is, in a person's words, for errors ("expected an audio file's bytes or path"). */
    public String description() {
        return description;
    }
}
