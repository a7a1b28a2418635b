package org.grukit.nlp.data;

import java.util.List;

/** What a reader returns: the items, how many malformed rows were skipped, and the first few problems. */
public record Read<T>(List<T> items, int skipped, List<String> problems) {
    public Read {
        items = List.copyOf(items);
        problems = List.copyOf(problems);
    }
}
