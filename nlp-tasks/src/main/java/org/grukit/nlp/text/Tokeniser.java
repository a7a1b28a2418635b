package org.grukit.nlp.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Text to tokens with character spans into the text. Every implementation in grukit is safe to share between
 * threads (OpenNLP's TokenizerME, which is not, is kept one per thread behind {@link OpenNlpTokeniser}).
 */
public interface Tokeniser {
    /** The tokens of {@code text}, in order, each with its span in {@code text}. */
    List<Token> tokenise(String text);

    /** The tokens' texts only. */
    default List<String> words(String text) {
        List<Token> tokens = tokenise(text);
        List<String> out = new ArrayList<>(tokens.size());
        for (Token t : tokens) out.add(t.text());
        return out;
    }

    /** How to name this tokeniser in a model's JSON, as {@link Tokenisers#of} reads it back. */
    String spec();
}
