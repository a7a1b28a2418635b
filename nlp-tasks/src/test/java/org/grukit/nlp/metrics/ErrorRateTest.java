package org.grukit.nlp.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** WER and CER against python-Levenshtein's edit distances (tools/reference/make_wer_fixtures.py). */
class ErrorRateTest {
    @Test
    void editDistancesMatchTheIndependentImplementation() throws Exception {
        JsonNode cases;
        try (InputStream in = ErrorRateTest.class.getResourceAsStream("/fixtures/error_rates.json")) {
            cases = new ObjectMapper().readTree(in).get("cases");
        }
        List<String> refs = new ArrayList<>(), hyps = new ArrayList<>();
        int wordEdits = 0, refWords = 0, charEdits = 0, refChars = 0;
        for (JsonNode c : cases) {
            String r = c.get("reference").asText(), h = c.get("hypothesis").asText();
            ErrorRate.Counts w = ErrorRate.words(r, h), ch = ErrorRate.chars(r, h);
            assertEquals(c.get("word_edits").asInt(), w.edits(), "word edits of '" + r + "' / '" + h + "'");
            assertEquals(c.get("ref_words").asInt(), w.referenceLength());
            assertEquals(c.get("char_edits").asInt(), ch.edits(), "char edits of '" + r + "' / '" + h + "'");
            assertEquals(c.get("ref_chars").asInt(), ch.referenceLength());
            assertEquals(w.referenceLength(), w.hits() + w.substitutions() + w.deletions(), "the alignment covers the reference");
            refs.add(r);
            hyps.add(h);
            wordEdits += c.get("word_edits").asInt();
            refWords += c.get("ref_words").asInt();
            charEdits += c.get("char_edits").asInt();
            refChars += c.get("ref_chars").asInt();
        }
        assertEquals((double) wordEdits / refWords, ErrorRate.corpusWords(refs, hyps).rate(), 1e-12, "corpus WER is total edits / total words");
        assertEquals((double) charEdits / refChars, ErrorRate.corpusChars(refs, hyps).rate(), 1e-12);
    }

    @Test
    void countsAndEdgeCases() {
        ErrorRate.Counts c = ErrorRate.words("the cat sat on the mat", "a cat sat on mat today");
        assertEquals(1, c.substitutions());
        assertEquals(1, c.deletions());
        assertEquals(1, c.insertions());
        assertEquals(0.5, c.rate(), 1e-12);
        assertEquals(0.0, ErrorRate.words("", "").rate());
        assertEquals(Double.POSITIVE_INFINITY, ErrorRate.words("", "extra").rate());
        assertThrows(IllegalArgumentException.class, () -> ErrorRate.corpusWords(List.of("a"), List.of()));
    }
}
