package org.grukit.nlp.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.grukit.core.SharedData;
import org.grukit.nlp.data.Aeslc;
import org.grukit.nlp.data.BadRows;
import org.grukit.nlp.data.Delimited;
import org.grukit.nlp.data.TextFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every tokenizer on real text: spans map back into the text, and the OpenNLP ones are safe across threads. */
class TokenizerTest {
    @TempDir
    Path dir;

    /** Each token's span holds the token's text, and tokens come in order without overlapping. */
    private static void assertSpans(Tokenizer t, String text) {
        int last = 0;
        for (Token k : t.tokenize(text)) {
            assertTrue(k.start() >= last, t.spec() + ": tokens in order in '" + text + "'");
            String span = text.substring(k.start(), k.end());
            assertEquals(k.text().replace(Bpe.SPACE, ' '), span, t.spec() + " in '" + text + "'");
            last = k.end();
        }
    }

    @Test
    void openNlpTokenisersOnMultiCorpusText() throws IOException {
        List<String> texts = new ArrayList<>();
        texts.addAll(TextFiles.readLines(SharedData.dir("translation/multi30k").resolve("val.en")));
        texts.addAll(TextFiles.readLines(SharedData.dir("sentiment/mr").resolve("rt-polarity.pos"), Charset.forName("windows-1252")).subList(0, 1000));
        Delimited.tsv().read(SharedData.dir("sentiment/sst2").resolve("dev.tsv")).labelled("sentence", "label", BadRows.FAIL).items()
                .forEach(x -> texts.add(x.text()));
        for (Tokenizer t : List.of(OpenNlpTokenizer.simple(), OpenNlpTokenizer.whitespace(), OpenNlpTokenizer.english(), new CharTokenizer())) {
            for (String s : texts) assertSpans(t, s);
        }
        String s = "A man, in a red hat, isn't walking.";
        assertEquals(List.of("A", "man", ",", "in", "a", "red", "hat", ",", "isn", "'", "t", "walking", "."), OpenNlpTokenizer.simple().words(s));
        assertEquals(List.of("A", "man,", "in", "a", "red", "hat,", "isn't", "walking."), OpenNlpTokenizer.whitespace().words(s));
        // Apache's UD model keeps the contraction whole and splits the punctuation off.
        assertEquals(List.of("A", "man", ",", "in", "a", "red", "hat", ",", "isn't", "walking", "."), OpenNlpTokenizer.english().words(s));
        assertEquals(List.of("o", "k", "▁", "😀"), new CharTokenizer().words("ok 😀"));
        assertEquals(List.of("ok", "😀", "👍", "🏽", "!"), OpenNlpTokenizer.simple().words("ok 😀👍🏽!"), "surrogate pairs stay whole");
        assertEquals("ok 😀", CharTokenizer.join(new CharTokenizer().words("ok 😀")));
    }

    @Test
    void oneTokenizerMeSharedByManyThreadsGivesTheSameTokens() throws Exception {
        Tokenizer t = OpenNlpTokenizer.english();
        List<String> texts = TextFiles.readLines(SharedData.dir("translation/multi30k").resolve("test_2016_flickr.en"));
        List<List<String>> expected = new ArrayList<>();
        for (String s : texts) expected.add(t.words(s));
        var pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> all = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                all.add(pool.submit(() -> {
                    for (int i = 0; i < texts.size(); i++) if (!t.words(texts.get(i)).equals(expected.get(i))) return false;
                    return true;
                }));
            }
            for (Future<Boolean> f : all) assertTrue(f.get());
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void trainedTokenizerMeLearnsToSplitPunctuation() throws IOException {
        // OpenNLP training data from Multi30k captions: SimpleTokenizer's splits, <SPLIT> where no space was.
        List<String> en = TextFiles.readLines(SharedData.dir("translation/multi30k").resolve("train.en"));
        OpenNlpTokenizer simple = OpenNlpTokenizer.simple();
        List<String> lines = new ArrayList<>();
        for (String s : en.subList(0, 3000)) {
            StringBuilder sb = new StringBuilder();
            Token prev = null;
            for (Token k : simple.tokenize(s)) {
                if (prev != null) sb.append(prev.end() == k.start() ? "<SPLIT>" : " ");
                sb.append(k.text());
                prev = k;
            }
            lines.add(sb.toString());
        }
        Path data = dir.resolve("train.txt"), model = dir.resolve("tokenizer.bin");
        Files.write(data, lines);
        OpenNlpTokenizer.train(data, model, "en", 50, 3);
        Tokenizer trained = Tokenizers.of("model:" + model.getFileName(), dir);
        int same = 0, total = 0;
        for (String s : en.subList(20_000, 21_000)) {
            assertSpans(trained, s);
            if (trained.words(s).equals(simple.words(s))) same++;
            total++;
        }
        assertTrue(same > 0.95 * total, "held-out captions tokenized as the training data: " + same + " of " + total);
        Files.writeString(dir.resolve("junk.bin"), "not a model");
        IOException s1 = assertThrows(IOException.class, () -> SentenceSplitter.model(dir.resolve("junk.bin")));
        assertTrue(s1.getMessage().contains("is not an OpenNLP sentence model"), s1.getMessage());
        IOException e = assertThrows(IOException.class, () -> Tokenizers.of("model:junk.bin", dir));
        assertTrue(e.getMessage().contains("is not an OpenNLP tokenizer model"), e.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Tokenizers.of("spacy", dir));
        assertTrue(unknown.getMessage().contains("unknown tokenizer 'spacy'; available: simple"), unknown.getMessage());
    }

    @Test
    void normalisedTokensMapBackToTheOriginalText() {
        Normalizer n = new Normalizer(true, true);
        String text = "The ＦＵＬＬ-width ﬁle, Cafe\u0301 and Ⅻ.";
        Tokenizer t = n.wrap(OpenNlpTokenizer.simple());
        List<Token> tokens = t.tokenize(text);
        assertEquals(List.of("the", "full", "-", "width", "file", ",", "café", "and", "xii", "."), t.words(text));
        assertEquals("ＦＵＬＬ", text.substring(tokens.get(1).start(), tokens.get(1).end()));
        assertEquals("ﬁle", text.substring(tokens.get(4).start(), tokens.get(4).end()));
        assertEquals("Cafe\u0301", text.substring(tokens.get(6).start(), tokens.get(6).end()));
        assertEquals("Ⅻ", text.substring(tokens.get(8).start(), tokens.get(8).end()));
        assertEquals(List.of("the", "ｆｕｌｌ-width"), new Normalizer(true, false).wrap(OpenNlpTokenizer.whitespace()).words("The ＦＵＬＬ-width"),
                "without NFKC, full-width letters are only lower-cased");
    }

    @Test
    void englishSentencesOfAeslcEmails() throws IOException {
        SentenceSplitter splitter = SentenceSplitter.english();
        List<Aeslc.Email> dev = Aeslc.read(SharedData.dir("summarization/aeslc/enron_subject_line").resolve("dev"), BadRows.FAIL).items();
        int sentences = 0;
        for (Aeslc.Email e : dev) {
            List<Token> s = splitter.split(e.body());
            for (Token k : s) assertEquals(k.text(), e.body().substring(k.start(), k.end()));
            sentences += s.size();
        }
        List<Token> first = splitter.split(dev.get(0).body());
        assertTrue(first.size() >= 4, "the meeting email has several sentences: " + first);
        assertTrue(first.stream().anyMatch(k -> k.text().startsWith("Let me know if you have any questions.")), first.toString());
        assertTrue(sentences > 2 * dev.size(), "emails have a few sentences each: " + sentences);
    }
}
