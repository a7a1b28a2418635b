package org.grukit.nlp.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The n-gram model is a distribution for every history, prefers what it saw, and keeps mass for unknown words. */
class WordNgramTest {
    private static final List<String> TEXT = List.of("one two three", "one two four", "two three five", "nine nine nine", "one two three");

    @Test
    void everyHistoryGivesADistribution() {
        for (int order = 1; order <= 3; order++) {
            WordNgram m = WordNgram.train(TEXT, order, 0.75);
            for (List<String> h : List.of(List.<String>of(), List.of("one"), List.of("one", "two"), List.of("seven", "eight"), List.of("nine"))) {
                double sum = m.probability(h, "an-unknown-word"); // the one unknown word's share
                for (String w : m.vocabulary()) sum += m.probability(h, w);
                assertEquals(1.0, sum, 1e-12, "order " + order + " history " + h);
            }
        }
    }

    @Test
    void seenContinuationsWinAndUnknownWordsStayPossible() {
        WordNgram m = WordNgram.train(TEXT, 3, 0.75);
        assertTrue(m.probability(List.of("one", "two"), "three") > m.probability(List.of("one", "two"), "four"));
        assertTrue(m.probability(List.of("one", "two"), "four") > m.probability(List.of("one", "two"), "nine"));
        double unknown = m.probability(List.of("one", "two"), "zebra");
        assertTrue(unknown > 0 && unknown < m.probability(List.of("one", "two"), "nine"));
        assertEquals(Math.log(m.probability(List.of("two"), "three")), m.score(List.of("two"), "three"), 1e-12);
    }
}
