package org.grukit.nlp.summarize;

import java.util.List;
import org.grukit.nlp.text.SentenceSplitter;
import org.grukit.nlp.text.Token;

/**
 * The lead baselines of summarisation: a document's first sentence (OpenNLP's sentence detector), or its first
 * N words. For emails, where a greeting often comes first, the first sentence of at least {@code minWords} words.
 */
public final class Lead {
    private final SentenceSplitter sentences;

    public Lead(SentenceSplitter sentences) {
        this.sentences = sentences;
    }

    /** The first sentence with at least {@code minWords} words (or the whole text when none has), whitespace-normalized. */
    public String firstSentence(String document, int minWords) {
        List<Token> ss = sentences.split(document);
        for (Token s : ss) {
            String t = s.text().strip().replaceAll("\\s+", " ");
            if (t.split(" ").length >= minWords) return t;
        }
        return document.strip().replaceAll("\\s+", " ");
    }

    /** The first {@code n} whitespace-separated words. */
    public static String firstWords(String document, int n) {
        String[] w = document.strip().split("\\s+");
        return String.join(" ", java.util.Arrays.asList(w).subList(0, Math.min(n, w.length)));
    }
}
