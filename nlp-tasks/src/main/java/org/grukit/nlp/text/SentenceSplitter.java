package org.grukit.nlp.text;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import opennlp.tools.sentdetect.SentenceDetectorME;
import opennlp.tools.sentdetect.SentenceModel;
import opennlp.tools.util.Span;

/**
 * Sentences of a document with OpenNLP's SentenceDetectorME: Apache's English model (UD English EWT, shipped
 * as a jar) or a model file. The detector is not thread-safe, so each thread gets its own over the shared model.
 */
public final class SentenceSplitter {
    static final String ENGLISH_MODEL = "/opennlp-en-ud-ewt-sentence-1.3-2.5.4.bin";
    private static volatile SentenceModel english;

    private final ThreadLocal<SentenceDetectorME> detector;

    private SentenceSplitter(SentenceModel model) {
        detector = ThreadLocal.withInitial(() -> new SentenceDetectorME(model));
    }

    public static SentenceSplitter english() throws IOException {
        SentenceModel m = english;
        if (m == null) {
            synchronized (SentenceSplitter.class) {
                if (english == null) {
                    try (InputStream in = SentenceSplitter.class.getResourceAsStream(ENGLISH_MODEL)) {
                        if (in == null) throw new IOException("the English sentence model " + ENGLISH_MODEL + " is not on the classpath");
                        english = new SentenceModel(in);
                    }
                }
                m = english;
            }
        }
        return new SentenceSplitter(m);
    }

    public static SentenceSplitter model(Path path) throws IOException {
        if (!Files.isRegularFile(path)) throw new IOException("no sentence model at " + path);
        try (InputStream in = Files.newInputStream(path)) {
            return new SentenceSplitter(new SentenceModel(in));
        } catch (IOException | RuntimeException e) { // OpenNLP fails on junk with anything from its own exception to an NPE
            throw new IOException(path + " is not an OpenNLP sentence model: " + e, e);
        }
    }

    /** The sentences of {@code document}, each with its span. */
    public List<Token> split(String document) {
        Span[] spans = detector.get().sentPosDetect(document);
        List<Token> out = new ArrayList<>(spans.length);
        for (Span s : spans) out.add(new Token(document.substring(s.getStart(), s.getEnd()), s.getStart(), s.getEnd()));
        return out;
    }
}
