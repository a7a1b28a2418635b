package org.grukit.nlp.text;

import java.io.IOException;
import java.nio.file.Path;

/** Tokenizers by name, as the command line and a model's JSON write them. */
public final class Tokenizers {
    private Tokenizers() {}

    /** The names {@link #of} accepts. */
    public static final String NAMES = "simple, whitespace, char, opennlp-en, model:FILE (an OpenNLP tokenizer model), bpe:FILE";

    /**
     * {@code simple}, {@code whitespace}, {@code char}, {@code opennlp-en} (OpenNLP's TokenizerME with Apache's
     * English model), {@code model:FILE} (TokenizerME with a model file) or {@code bpe:FILE} (a grukit BPE model);
     * relative files are resolved against {@code base}.
     */
    public static Tokenizer of(String spec, Path base) throws IOException {
        if (spec == null) throw new IllegalArgumentException("tokenizer name must not be null; available: " + NAMES);
        if (spec.startsWith("model:")) return OpenNlpTokenizer.model(base.resolve(spec.substring(6)));
        if (spec.startsWith("bpe:")) return Bpe.load(base.resolve(spec.substring(4)));
        return switch (spec) {
            case "simple" -> OpenNlpTokenizer.simple();
            case "whitespace" -> OpenNlpTokenizer.whitespace();
            case "char" -> new CharTokenizer();
            case "opennlp-en" -> OpenNlpTokenizer.english();
            default -> throw new IllegalArgumentException("unknown tokenizer '" + spec + "'; available: " + NAMES);
        };
    }
}
