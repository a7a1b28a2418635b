package org.grukit.nlp.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The stemmer gives NLTK's default-mode stems (tools/reference/make_rouge_fixtures.py), as rouge-score stems. */
class PorterStemmerTest {
    @Test
    void matchesNltkOnRealWords() throws Exception {
        PorterStemmer p = new PorterStemmer();
        int n = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(PorterStemmerTest.class.getResourceAsStream("/fixtures/porter_stems.tsv"),
                StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] wordStem = line.split("\t");
                assertEquals(wordStem[1], p.stem(wordStem[0]), "stem of " + wordStem[0]);
                n++;
            }
        }
        assertTrue(n > 2000, "fixture holds " + n + " words");
        assertEquals("run", p.stem("Running"));
        assertEquals("by", p.stem("by"));
    }
}
