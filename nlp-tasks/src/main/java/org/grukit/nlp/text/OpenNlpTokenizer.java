package org.grukit.nlp.text;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import opennlp.tools.tokenize.SimpleTokenizer;
import opennlp.tools.tokenize.TokenizerME;
import opennlp.tools.tokenize.TokenizerModel;
import opennlp.tools.tokenize.WhitespaceTokenizer;
import opennlp.tools.tokenize.TokenSample;
import opennlp.tools.tokenize.TokenSampleStream;
import opennlp.tools.tokenize.TokenizerFactory;
import opennlp.tools.util.MarkableFileInputStreamFactory;
import opennlp.tools.util.ObjectStream;
import opennlp.tools.util.PlainTextByLineStream;
import opennlp.tools.util.Span;
import opennlp.tools.util.TrainingParameters;

/**
 * Apache OpenNLP's tokenizers behind {@link Tokenizer}: SimpleTokenizer (runs of letters, digits, and each
 * other character), WhitespaceTokenizer, and the learnable TokenizerME from a model file, or from the English
 * model (UD English EWT) that ships as a jar. TokenizerME keeps state between calls and is not thread-safe in
 * OpenNLP 2.x, so each thread gets its own over the one shared, immutable model.
 */
public final class OpenNlpTokenizer implements Tokenizer {
    static final String ENGLISH_MODEL = "/opennlp-en-ud-ewt-tokens-1.3-2.5.4.bin";
    private static volatile TokenizerModel english;

    private final String spec;
    private final ThreadLocal<opennlp.tools.tokenize.Tokenizer> tokenizer; // OpenNLP's, per thread

    private OpenNlpTokenizer(String spec, java.util.function.Supplier<opennlp.tools.tokenize.Tokenizer> factory) {
        this.spec = spec;
        this.tokenizer = ThreadLocal.withInitial(factory);
    }

    /** SimpleTokenizer: stateless, one instance for all threads. */
    public static OpenNlpTokenizer simple() {
        return new OpenNlpTokenizer("simple", () -> SimpleTokenizer.INSTANCE);
    }

    public static OpenNlpTokenizer whitespace() {
        return new OpenNlpTokenizer("whitespace", () -> WhitespaceTokenizer.INSTANCE);
    }

    /** TokenizerME over a model file the user trained or downloaded (OpenNLP's .bin format). */
    public static OpenNlpTokenizer model(Path path) throws IOException {
        TokenizerModel m = readModel(path);
        return new OpenNlpTokenizer("model:" + path, () -> new TokenizerME(m));
    }

    /** TokenizerME over Apache's English model, read once from the classpath. */
    public static OpenNlpTokenizer english() throws IOException {
        TokenizerModel m = english;
        if (m == null) {
            synchronized (OpenNlpTokenizer.class) {
                if (english == null) {
                    try (InputStream in = OpenNlpTokenizer.class.getResourceAsStream(ENGLISH_MODEL)) {
                        if (in == null) throw new IOException("the English tokenizer model " + ENGLISH_MODEL + " is not on the classpath");
                        english = new TokenizerModel(in);
                    }
                }
                m = english;
            }
        }
        TokenizerModel model = m;
        return new OpenNlpTokenizer("opennlp-en", () -> new TokenizerME(model));
    }

    /**
     * Trains a TokenizerME model on OpenNLP's tokenizer training format (a sentence a line, tokens separated by
     * white space or by {@code <SPLIT>} where no space separates them) and writes it atomically.
     */
    public static void train(Path trainingData, Path model, String language, int iterations, int cutoff) throws IOException {
        if (iterations < 1 || cutoff < 0) throw new IllegalArgumentException("need iterations >= 1 and cutoff >= 0, got " + iterations + ", " + cutoff);
        if (!Files.isRegularFile(trainingData)) throw new IOException("no training data at " + trainingData);
        TrainingParameters params = TrainingParameters.defaultParams();
        params.put(TrainingParameters.ITERATIONS_PARAM, iterations);
        params.put(TrainingParameters.CUTOFF_PARAM, cutoff);
        TokenizerModel trained;
        try (ObjectStream<TokenSample> samples = new TokenSampleStream(new PlainTextByLineStream(
                new MarkableFileInputStreamFactory(trainingData.toFile()), java.nio.charset.StandardCharsets.UTF_8))) {
            trained = TokenizerME.train(samples, new TokenizerFactory(language, null, true, null), params);
        }
        org.grukit.core.io.AtomicFiles.write(model, out -> trained.serialize(out));
    }

    static TokenizerModel readModel(Path path) throws IOException {
        if (!Files.isRegularFile(path)) throw new IOException("no tokenizer model at " + path);
        try (InputStream in = Files.newInputStream(path)) {
            return new TokenizerModel(in);
        } catch (IOException | RuntimeException e) { // OpenNLP fails on junk with anything from its own exception to an NPE
            throw new IOException(path + " is not an OpenNLP tokenizer model: " + e, e);
        }
    }

    @Override
    public List<Token> tokenize(String text) {
        Span[] spans = tokenizer.get().tokenizePos(text);
        List<Token> out = new ArrayList<>(spans.length);
        for (Span s : spans) {
            int start = s.getStart(), end = s.getEnd();
            // OpenNLP works on UTF-16 chars and can cut an emoji's surrogate pair in two: glue such halves back.
            if (!out.isEmpty() && start > 0 && start == out.get(out.size() - 1).end()
                    && Character.isHighSurrogate(text.charAt(start - 1)) && Character.isLowSurrogate(text.charAt(start))) {
                start = out.remove(out.size() - 1).start();
            }
            out.add(new Token(text.substring(start, end), start, end));
        }
        return out;
    }

    @Override
    public String spec() {
        return spec;
    }
}
