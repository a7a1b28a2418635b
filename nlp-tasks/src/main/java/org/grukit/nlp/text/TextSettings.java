package org.grukit.nlp.text;

/**
 * How a task turns its texts into ids, the part every text task shares: the tokenizer (see {@link Tokenizers#of}),
 * lower-casing, and the vocabulary's limits. Validated at construction; a {@code with...} for each field.
 *
 * @param tokenizer    the tokenizer's name: simple, whitespace, char, opennlp-en, model:FILE or bpe:FILE
 * @param lowerCase    lower-case texts before tokenizing
 * @param minFrequency words seen fewer times in the training texts are UNK
 * @param maxVocab     the most words kept (specials included), the most frequent first
 * @param maxLength    tokens kept per text, 0 for all
 */
public record TextSettings(String tokenizer, boolean lowerCase, int minFrequency, int maxVocab, int maxLength) {
    public TextSettings {
        if (tokenizer == null || tokenizer.isBlank()) throw new IllegalArgumentException("tokenizer must be named; available: " + Tokenizers.NAMES);
        if (minFrequency < 1) throw new IllegalArgumentException("minFrequency must be >= 1, got " + minFrequency);
        if (maxVocab < 5) throw new IllegalArgumentException("maxVocab must be >= 5 (4 specials and a word), got " + maxVocab);
        if (maxLength < 0) throw new IllegalArgumentException("maxLength must be >= 0 (0: no limit), got " + maxLength);
    }

    public TextSettings withTokenizer(String value) {
        return new TextSettings(value, lowerCase, minFrequency, maxVocab, maxLength);
    }

    public TextSettings withLowerCase(boolean value) {
        return new TextSettings(tokenizer, value, minFrequency, maxVocab, maxLength);
    }

    public TextSettings withMinFrequency(int value) {
        return new TextSettings(tokenizer, lowerCase, value, maxVocab, maxLength);
    }

    public TextSettings withMaxVocab(int value) {
        return new TextSettings(tokenizer, lowerCase, minFrequency, value, maxLength);
    }

    public TextSettings withMaxLength(int value) {
        return new TextSettings(tokenizer, lowerCase, minFrequency, maxVocab, value);
    }
}
