package org.grukit.nlp.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * BLEU and chrF against sacreBLEU's values (fixtures from tools/reference/make_bleu_fixtures.py), and the
 * example in sacreBLEU's README (BLEU = 48.53 82.4/50.0/45.5/37.5, BP = 0.943, hyp_len 17, ref_len 18).
 */
class BleuTest {
    private static JsonNode fixtures() throws IOException {
        try (InputStream in = BleuTest.class.getResourceAsStream("/fixtures/bleu.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(x -> out.add(x.asText()));
        return out;
    }

    @Test
    void sacreBleuReadmeExample() {
        List<String> hyps = List.of("The dog bit the man.", "It wasn't surprising.", "The man had just bitten him.");
        List<List<String>> refs = List.of(List.of("The dog bit the man.", "It was not unexpected.", "The man bit him first."),
                List.of("The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."));
        Bleu.Score s = Bleu.corpus(hyps, refs);
        assertEquals(48.53, s.score(), 0.005);
        assertEquals(82.4, s.precisions()[0], 0.05);
        assertEquals(37.5, s.precisions()[3], 0.05);
        assertEquals(0.943, s.brevityPenalty(), 0.0005);
        assertEquals(17, s.sysLen());
        assertEquals(18, s.refLen());
    }

    @Test
    void tokenisationAndScoresMatchSacreBleu() throws IOException {
        JsonNode f = fixtures();
        int lines = 0;
        for (var it = f.get("tokenised_13a").fields(); it.hasNext(); lines++) {
            var e = it.next();
            assertEquals(e.getValue().asText(), Bleu.tokenise13a(e.getKey()), "13a of '" + e.getKey() + "'");
        }
        assertTrue(lines > 500, "fixture lines: " + lines);
        double worst = 0;
        for (JsonNode c : f.get("cases")) {
            List<List<String>> refs = new ArrayList<>();
            c.get("refs").forEach(r -> refs.add(strings(r)));
            List<String> hyps = strings(c.get("hyps"));
            Bleu.Score s = Bleu.corpus(hyps, refs);
            String name = c.get("name").asText();
            assertEquals(c.get("sys_len").asLong(), s.sysLen(), name);
            assertEquals(c.get("ref_len").asLong(), s.refLen(), name);
            for (int n = 0; n < 4; n++) assertEquals(c.get("precisions").get(n).asDouble(), s.precisions()[n], 1e-9, name + " p" + (n + 1));
            assertEquals(c.get("bleu").asDouble(), s.score(), 1e-9, name + " BLEU");
            double chrf = ChrF.corpus(hyps, refs.get(0));
            assertEquals(c.get("chrf").asDouble(), chrf, 1e-9, name + " chrF");
            worst = Math.max(worst, Math.max(Math.abs(c.get("bleu").asDouble() - s.score()), Math.abs(c.get("chrf").asDouble() - chrf)));
        }
        System.out.printf("parity BLEU/chrF vs sacreBLEU: max |diff| %.2e%n", worst);
    }

    @Test
    void edgeCases() {
        assertEquals(100.0, Bleu.corpus(List.of("a b c d e"), List.of(List.of("a b c d e"))).score(), 1e-9);
        assertEquals(0.0, Bleu.corpus(List.of(""), List.of(List.of("a b c d"))).score(), 1e-12, "an empty output scores 0");
        assertEquals(100.0, ChrF.corpus(List.of("same text"), List.of("same  text")), 1e-9, "white space is ignored");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Bleu.corpus(List.of("a"), List.of(List.of(""))));
        assertTrue(e.getMessage().contains("line 1 has no non-empty reference"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Bleu.corpus(List.of("a", "b"), List.of(List.of("a"))));
        assertEquals("3.5 , 1,000 $ 20 2 - 3 \" hi \" & U . S .", Bleu.tokenise13a("3.5, 1,000 $20 2-3 &quot;hi&quot; &amp; U.S."));
    }
}
