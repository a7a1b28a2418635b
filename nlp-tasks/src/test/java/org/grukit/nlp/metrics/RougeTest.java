package org.grukit.nlp.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ROUGE against a separate implementation of rouge-score's definitions (tools/reference/make_rouge_fixtures.py). */
class RougeTest {
    @Test
    void matchesTheReferenceOnAeslcAndEdgeCases() throws Exception {
        JsonNode cases;
        try (InputStream in = RougeTest.class.getResourceAsStream("/fixtures/rouge.json")) {
            cases = new ObjectMapper().readTree(in).get("cases");
        }
        for (boolean stem : new boolean[] {true, false}) {
            Rouge rouge = new Rouge(stem);
            List<List<String>> refs = new ArrayList<>();
            List<String> preds = new ArrayList<>();
            double[] meanF = new double[3];
            for (JsonNode c : cases) {
                List<String> r = new ArrayList<>();
                c.get("references").forEach(x -> r.add(x.asText()));
                String pred = c.get("prediction").asText();
                Rouge.Scores s = rouge.score(r, pred);
                JsonNode e = c.get(stem ? "stemmed" : "plain");
                Rouge.Score[] got = {s.rouge1(), s.rouge2(), s.rougeL()};
                String[] names = {"rouge1", "rouge2", "rougeL"};
                for (int k = 0; k < 3; k++) {
                    String what = names[k] + (stem ? " stemmed" : "") + " of '" + pred + "' against " + r;
                    assertEquals(e.get(names[k]).get(0).asDouble(), got[k].precision(), 1e-12, what + " precision");
                    assertEquals(e.get(names[k]).get(1).asDouble(), got[k].recall(), 1e-12, what + " recall");
                    assertEquals(e.get(names[k]).get(2).asDouble(), got[k].f1(), 1e-12, what + " F1");
                    meanF[k] += e.get(names[k]).get(2).asDouble() / cases.size();
                }
                refs.add(r);
                preds.add(pred);
            }
            Rouge.Scores corpus = rouge.corpus(refs, preds);
            assertEquals(meanF[0], corpus.rouge1().f1(), 1e-12);
            assertEquals(meanF[1], corpus.rouge2().f1(), 1e-12);
            assertEquals(meanF[2], corpus.rougeL().f1(), 1e-12);
        }
    }

    @Test
    void tokenisationAndErrors() {
        assertEquals(List.of("the", "cat", "run", "quick", "3pm"), new Rouge(true).tokenize("The cat RUNS... quick! 3pm"));
        assertEquals(List.of("runs"), new Rouge(false).tokenize("  runs  "));
        assertThrows(IllegalArgumentException.class, () -> new Rouge(true).score(List.of(), "x"));
        assertThrows(IllegalArgumentException.class, () -> new Rouge(true).corpus(List.of(List.of("a")), List.of()));
    }
}
