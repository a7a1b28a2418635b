package org.grukit.nlp.text;

/**
 * One token and where it came from: {@code text.substring(start, end)} of the original text is what the token
 * stands for (the token's own text may differ: lower-cased, normalized, or a subword piece with U+2581 for a
 * space).
 */
public record Token(String text, int start, int end) {
    public Token {
        if (text == null) throw new IllegalArgumentException("token text must not be null");
        if (start < 0 || end < start) throw new IllegalArgumentException("bad span [" + start + ", " + end + ")");
    }
}
