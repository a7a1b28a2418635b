package org.grukit.nlp.data;

import java.util.List;

/**
 * What a reader returns: the items, how many malformed rows were skipped, the first few problems, and what the reader
 * chose where it had to guess (which columns, which charset), or null when nothing was guessed.
 */
public record Read<T>(List<T> items, int skipped, List<String> problems, String guessed) {
    public Read {
        items = List.copyOf(items);
        problems = List.copyOf(problems);
    }

    public Read(List<T> items, int skipped, List<String> problems) {
        this(items, skipped, problems, null);
    }

    /** The same, saying what was guessed. */
    public Read<T> withGuessed(String what) {
        return new Read<>(items, skipped, problems, what);
    }
}
