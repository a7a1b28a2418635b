package org.grukit.nlp.summarize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.grukit.core.Rng;
import org.grukit.core.SharedData;
import org.grukit.nlp.data.BadRows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The summarizer on made-up emails whose subject names a person seen once (so outside the vocabulary): the
 * pointer-generator learns to copy the name, the plain baseline cannot; saving keeps the model; the readers.
 */
class SummarizerTest {
    @TempDir
    Path dir;

    private static final String[] TOPICS = {"budget", "contract", "gas", "trading", "legal", "pipeline", "credit", "power"};
    private static final String[] DAYS = {"monday", "tuesday", "wednesday", "thursday", "friday"};
    private static final String[] FILLERS = {"I hope you are well.", "Please let me know if you have questions.", "See the notes below.",
        "This is a reminder.", "Sorry for the short notice."};

    private static List<SummaryData.Document> emails(int n, Rng rng) {
        List<SummaryData.Document> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = name(rng), topic = TOPICS[rng.nextInt(TOPICS.length)], day = DAYS[rng.nextInt(DAYS.length)];
            String body = "Hi all, " + FILLERS[rng.nextInt(FILLERS.length)] + " The " + topic + " meeting with " + name + " is moved to " + day
                    + ". " + FILLERS[rng.nextInt(FILLERS.length)] + " Thanks.";
            out.add(new SummaryData.Document("made:" + i, body, topic + " meeting with " + name + " moved to " + day, List.of()));
        }
        return out;
    }

    private static String name(Rng rng) {
        String letters = "bcdgklmnprstvz", vowels = "aeiou";
        StringBuilder sb = new StringBuilder("Q");
        for (int i = 0; i < 3; i++) sb.append(letters.charAt(rng.nextInt(letters.length()))).append(vowels.charAt(rng.nextInt(vowels.length())));
        return sb.toString();
    }

    @Test
    void pointerGeneratorCopiesWhatThePlainBaselineCannot() throws Exception {
        Rng rng = new Rng(3);
        List<SummaryData.Document> train = emails(1500, rng), dev = emails(60, rng);
        Summarizer.Settings d0 = Summarizer.Settings.defaults().withSize(2000, 32, 48, 64);
        Summarizer.Settings base = d0.withTraining(d0.training().withEpochs(5).withBatchSize(32).withLr(3e-3))
                .withModel(d0.model().withCoverageFrom(5));
        Summarizer.Trained pg = Summarizer.train(train, dev, base, dir.resolve("pg"), false);
        Summarizer.Trained plain = Summarizer.train(train, dev, base.plain(), null, false);
        Summarizer.Decode d = Summarizer.Decode.defaults();
        Summarizer.Scores p = pg.summarizer().evaluate(dev, d), q = plain.summarizer().evaluate(dev, d);
        System.out.printf("made-up emails: ROUGE-L F1 pointer-generator %.1f, plain %.1f; copied share %.3f vs %.3f%n",
                100 * p.original().rougeL().f1(), 100 * q.original().rougeL().f1(), p.copiedShare(), q.copiedShare());
        int named = 0;
        for (int i = 0; i < dev.size(); i++) {
            String name = dev.get(i).summary().split(" ")[3].toLowerCase(java.util.Locale.ROOT); // the pipeline lower-cases
            if (p.summaries().get(i).contains(name)) named++;
            assertFalse(q.summaries().get(i).contains(name), "the plain model cannot produce an unseen name: " + q.summaries().get(i));
        }
        assertTrue(named >= 0.8 * dev.size(), "names copied: " + named + " of " + dev.size() + ", e.g. " + p.summaries().get(0));
        assertTrue(p.copiedShare() > 0.05 && q.copiedShare() == 0, "copied share " + p.copiedShare() + " vs " + q.copiedShare());
        assertTrue(p.original().rougeL().f1() > q.original().rougeL().f1() + 0.05, "copying beats the plain model on ROUGE-L");

        Summarizer loaded = Summarizer.load(dir.resolve("pg"));
        List<String> texts = new ArrayList<>();
        for (SummaryData.Document doc : dev.subList(0, 10)) texts.add(doc.text());
        List<Summarizer.Summary> again = loaded.summarize(texts, d);
        for (int i = 0; i < 10; i++) assertEquals(p.summaries().get(i), again.get(i).text(), "the saved model is the trained one");

        // Decoding limits: every summary within [min, max] tokens, no bigram twice.
        for (Summarizer.Summary s : loaded.summarize(texts, d.withLengths(3, 4).withNoRepeatNgram(2))) {
            assertTrue(s.tokens().size() >= 3 && s.tokens().size() <= 4, "length within [3, 4]: " + s.tokens());
        }
    }

    @Test
    void documentsAreCutAtSentenceBoundariesAndNamesGetExtendedIds() throws Exception {
        Rng rng = new Rng(1);
        List<SummaryData.Document> train = emails(200, rng);
        Summarizer.Settings d0 = Summarizer.Settings.defaults().withSize(2000, 8, 8, 8);
        Summarizer.Settings s = d0.withTraining(d0.training().withEpochs(1).withBatchSize(32).withLr(1e-3))
                .withModel(d0.model().withCoverageFrom(0)).withText(d0.text().withMaxSourceTokens(12).withMaxSummaryTokens(25));
        Summarizer sum = Summarizer.train(train, train.subList(0, 5), s, null, false).summarizer();
        // "The budget meeting with Qbaba is moved to monday ." is 10 tokens; with "Hi all," (3) the second sentence would pass 12.
        List<String> tokens = sum.documentTokens("Hi all, The budget meeting with Qbaba is moved to monday. Thanks.");
        assertEquals(List.of("hi", "all", ","), tokens.subList(0, 3));
        assertTrue(tokens.size() <= 12, "within the budget: " + tokens);
        assertEquals(List.of("the", "budget", "meeting"), sum.documentTokens("The budget meeting with Qbaba is moved to monday and tuesday and so on.").subList(0, 3));
        assertEquals(12, sum.documentTokens("The budget meeting with Qbaba is moved to monday and tuesday and so on and on.").size(), "a long first sentence is cut");

        Summarizer.Encoded e = sum.encode("The meeting with Qbaba is moved to Qzizi with Qbaba.");
        var vocab = sum.text().vocabulary();
        int v = vocab.size();
        assertEquals(List.of("qbaba", "qzizi"), e.oov());
        assertEquals(v, e.extended()[3]);
        assertEquals(org.grukit.nlp.text.Vocabulary.UNK_ID, e.ids()[3], "the encoder reads an unknown word as UNK");
        assertEquals(v, e.extended()[9], "a repeated unknown word keeps its extended id");
        int[] target = sum.target("Qzizi meeting Qbaba Qnono", e, 25);
        assertEquals(List.of(org.grukit.nlp.text.Vocabulary.BOS_ID, v + 1, vocab.id("meeting"), v, org.grukit.nlp.text.Vocabulary.UNK_ID,
                org.grukit.nlp.text.Vocabulary.EOS_ID), java.util.Arrays.stream(target).boxed().toList(),
                "the document's own unknown words are extended ids; one not in the document stays unknown");
        assertEquals(3, sum.target("Qzizi meeting Qbaba Qnono", e, 1).length, "summaries are cut to the token limit");
    }

    @Test
    void readsJsonLinesTsvAndAeslc() throws Exception {
        Path jsonl = dir.resolve("d.jsonl"), tsv = dir.resolve("d.tsv");
        Files.writeString(jsonl, "{\"document\": \"First email.\", \"summary\": \"one\"}\n{\"document\": \"Second.\", \"summary\": \"two\"}\n");
        Files.writeString(tsv, "document\tsummary\nA body.\tits subject\n");
        assertEquals("two", SummaryData.read(jsonl, BadRows.FAIL).items().get(1).summary());
        assertEquals("A body.", SummaryData.read(tsv, BadRows.FAIL).items().get(0).text());
        Files.writeString(jsonl, "{\"document\": \"First email.\"}\n");
        var e = assertThrows(IllegalArgumentException.class, () -> SummaryData.read(jsonl, BadRows.FAIL));
        assertTrue(e.getMessage().contains("d.jsonl:1"), e.getMessage());
        var io = assertThrows(java.io.IOException.class, () -> SummaryData.read(dir.resolve("d.csv.gz"), BadRows.FAIL));
        assertTrue(io.getMessage().contains("no summarisation data"), io.getMessage());

        Path aeslc = SharedData.dir("summarization/aeslc/enron_subject_line");
        var test = SummaryData.read(aeslc.resolve("test"), BadRows.FAIL).items();
        assertEquals(1906, test.size());
        assertTrue(test.stream().allMatch(d -> d.annotations().size() == 3), "test emails carry three annotator subjects");
    }
}
