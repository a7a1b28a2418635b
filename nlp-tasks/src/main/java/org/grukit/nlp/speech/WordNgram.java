package org.grukit.nlp.speech;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A word n-gram language model with interpolated absolute discounting (Ney, Essen and Kneser 1994): each order
 * takes a fixed discount from every seen count and gives the freed mass to the next lower order, down to a uniform
 * distribution over the vocabulary and one unknown word. Sentences start with a {@code <s>} context. Small and
 * exact (counts in hash maps), for the word lists and transcripts a speech prototype has; as a
 * {@link CtcDecoder.WordScorer} it scores a completed word given the words before it.
 */
public final class WordNgram implements CtcDecoder.WordScorer {
    private static final String BOS = "<s>";

    private final int order;
    private final double discount;
    private final Set<String> vocabulary = new HashSet<>();
    /** For each history length k (0 .. order-1): counts of (history + word), of history, and of distinct followers. */
    private final Map<String, Integer>[] counts, contextCounts, followers;

    @SuppressWarnings("unchecked")
    private WordNgram(int order, double discount) {
        this.order = order;
        this.discount = discount;
        counts = new Map[order];
        contextCounts = new Map[order];
        followers = new Map[order];
        for (int k = 0; k < order; k++) {
            counts[k] = new HashMap<>();
            contextCounts[k] = new HashMap<>();
            followers[k] = new HashMap<>();
        }
    }

    /** A model of {@code order} (1 = unigram) trained on sentences of whitespace-separated words, discount in (0, 1). */
    public static WordNgram train(Iterable<String> sentences, int order, double discount) {
        if (order < 1) throw new IllegalArgumentException("order must be >= 1, got " + order);
        if (!(discount > 0 && discount < 1)) throw new IllegalArgumentException("discount must be in (0, 1), got " + discount);
        WordNgram m = new WordNgram(order, discount);
        for (String s : sentences) {
            String[] w = s.strip().isEmpty() ? new String[0] : s.strip().split("\\s+");
            String[] padded = new String[w.length + order - 1];
            java.util.Arrays.fill(padded, 0, order - 1, BOS);
            System.arraycopy(w, 0, padded, order - 1, w.length);
            for (int i = order - 1; i < padded.length; i++) {
                m.vocabulary.add(padded[i]);
                for (int k = 0; k < order; k++) {
                    String h = history(padded, i - k, i);
                    String key = h + "\u0001" + padded[i];
                    if (m.counts[k].merge(key, 1, Integer::sum) == 1) m.followers[k].merge(h, 1, Integer::sum);
                    m.contextCounts[k].merge(h, 1, Integer::sum);
                }
            }
        }
        return m;
    }

    private static String history(String[] w, int from, int to) {
        return String.join("\u0002", java.util.Arrays.asList(w).subList(from, to));
    }

    public int order() {
        return order;
    }

    public Set<String> vocabulary() {
        return java.util.Collections.unmodifiableSet(vocabulary);
    }

    /** P(word | the last order-1 words of history), natural log; an unknown word gets the uniform share. */
    @Override
    public double score(List<String> history, String word) {
        return Math.log(probability(history, word));
    }

    public double probability(List<String> history, String word) {
        String[] h = new String[order - 1];
        for (int k = 0; k < order - 1; k++) {
            int i = history.size() - (order - 1) + k;
            h[k] = i >= 0 ? history.get(i) : BOS;
        }
        double p = 1.0 / (vocabulary.size() + 1); // uniform over the words and one unknown
        for (int k = 0; k < order; k++) { // history lengths 0, 1, ..., order-1, each interpolating the one below
            String ctx = String.join("\u0002", java.util.Arrays.asList(h).subList(order - 1 - k, order - 1));
            Integer total = contextCounts[k].get(ctx);
            if (total == null) continue; // an unseen history: keep the lower order as it is
            int c = counts[k].getOrDefault(ctx + "\u0001" + word, 0);
            p = Math.max(c - discount, 0) / total + discount * followers[k].get(ctx) / total * p;
        }
        return p;
    }
}
