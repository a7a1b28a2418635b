package org.grukit.nlp.summarize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.grukit.core.SharedData;
import org.grukit.nlp.data.Aeslc;
import org.grukit.nlp.data.BadRows;
import org.grukit.nlp.metrics.Rouge;
import org.grukit.nlp.text.SentenceSplitter;
import org.junit.jupiter.api.Test;

/** The lead baselines, and their ROUGE on AESLC test against the original and the annotators' subjects. */
class LeadTest {
    @Test
    void firstSentenceAndWords() throws Exception {
        Lead lead = new Lead(SentenceSplitter.english());
        assertEquals("The budget is attached for your review.", lead.firstSentence("Hi John, thanks. The budget is attached for your review. Call me.", 4));
        assertEquals("a b c", Lead.firstWords("  a b\n c d e", 3));
    }

    @Test
    void aeslcTestScores() throws Exception {
        var test = Aeslc.read(SharedData.dir("summarization/aeslc/enron_subject_line").resolve("test"), BadRows.FAIL).items();
        Lead lead = new Lead(SentenceSplitter.english());
        Rouge rouge = new Rouge(true);
        for (String which : new String[] {"sentence", "words"}) {
            List<String> preds = new ArrayList<>();
            List<List<String>> original = new ArrayList<>(), annotators = new ArrayList<>();
            for (Aeslc.Email e : test) {
                preds.add(which.equals("sentence") ? lead.firstSentence(e.body(), 4) : Lead.firstWords(e.body(), 8));
                original.add(List.of(e.subject()));
                annotators.add(e.annotations());
            }
            Rouge.Scores o = rouge.corpus(original, preds), a = rouge.corpus(annotators, preds);
            System.out.printf("AESLC test lead (%s): original subject R1/R2/RL F1 %.2f/%.2f/%.2f; annotators (best of 3) %.2f/%.2f/%.2f%n", which,
                    100 * o.rouge1().f1(), 100 * o.rouge2().f1(), 100 * o.rougeL().f1(), 100 * a.rouge1().f1(), 100 * a.rouge2().f1(),
                    100 * a.rougeL().f1());
            assertTrue(o.rouge1().f1() > 0.02 && o.rouge1().f1() < 0.5, "a plausible lead score: " + o.rouge1().f1());
        }
    }
}
