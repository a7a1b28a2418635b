package org.grukit.nlp.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Text to tokens with character spans into the text. Every implementation in grukit is safe to share between
 * threads (OpenNLP's TokenizerME, which is not, is kept one per thread behind {@link OpenNlpTokenizer}).
 */
public interface Tokenizer {
    /** The tokens of {@code text}, in order, each with its span in {@code text}. */
    List<Token> tokenize(String text);

    /** The tokens' texts only. */
    default List<String> words(String text) {
        List<Token> tokens = tokenize(text);
        List<String> out = new ArrayList<>(tokens.size());
        for (Token t : tokens) out.add(t.text());
        return out;
    }

    /** How to name this tokenizer in a model's JSON, as {@link Tokenizers#of} reads it back. */
    String spec();
}
