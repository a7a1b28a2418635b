package org.grukit.nlp.text;

import java.util.ArrayList;
import java.util.List;

/**
 * One token per code point, spaces included (as {@link Bpe#SPACE}, so a token list printed with spaces stays
 * readable and joins back exactly): the tokenizer for character-level models such as CTC speech recognition.
 */
public final class CharTokenizer implements Tokenizer {
    @Override
    public List<Token> tokenize(String text) {
        List<Token> out = new ArrayList<>(text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i), n = Character.charCount(cp);
            out.add(new Token(cp == ' ' ? String.valueOf(Bpe.SPACE) : text.substring(i, i + n), i, i + n));
            i += n;
        }
        return out;
    }

    /** The text of character tokens: joined, with {@link Bpe#SPACE} read as a space. */
    public static String join(List<String> tokens) {
        StringBuilder sb = new StringBuilder();
        for (String t : tokens) sb.append(t.equals(String.valueOf(Bpe.SPACE)) ? " " : t);
        return sb.toString();
    }

    @Override
    public String spec() {
        return "char";
    }
}
