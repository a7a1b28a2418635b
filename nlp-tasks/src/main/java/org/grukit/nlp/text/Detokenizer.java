package org.grukit.nlp.text;

import java.util.List;
import java.util.Set;

/**
 * Word tokens back into text by English spacing rules, as Moses' detokenizer does in outline: no space before
 * closing punctuation and clitics ({@code , . ! ? ; : % ) ] } 's n't}), none after opening brackets, and
 * straight double quotes alternate between opening and closing.
 */
public final class Detokenizer {
    private static final Set<String> NO_SPACE_BEFORE = Set.of(",", ".", "!", "?", ";", ":", "%", ")", "]", "}", "...", "'s", "'re",
            "'ve", "'m", "'ll", "'d", "n't", "'S", "N'T");
    private static final Set<String> NO_SPACE_AFTER = Set.of("(", "[", "{", "$", "#");

    private Detokenizer() {}

    public static String join(List<String> tokens) {
        StringBuilder sb = new StringBuilder();
        boolean openQuote = false, glueNext = true;
        for (String t : tokens) {
            boolean glue = glueNext || NO_SPACE_BEFORE.contains(t);
            glueNext = NO_SPACE_AFTER.contains(t);
            if (t.equals("\"")) {
                if (openQuote) glue = true; else glueNext = true;
                openQuote = !openQuote;
            }
            if (!glue) sb.append(' ');
            sb.append(t);
        }
        return sb.toString();
    }
}
