package org.grukit.nlp.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.grukit.core.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every reader on the real datasets, and on small files made to be awkward. */
class DataReadersTest {
    private static final Charset CP1252 = Charset.forName("windows-1252");

    @TempDir
    Path dir;

    @Test
    void sst2HasAHeaderAndBinaryLabels() throws IOException {
        Path sst = SharedData.dir("sentiment/sst2");
        Table train = Delimited.tsv().read(sst.resolve("train.tsv"));
        assertEquals(List.of("sentence", "label"), train.header());
        Read<LabelledText> r = train.labelled("sentence", "label", BadRows.FAIL);
        assertEquals(67_349, r.items().size());
        assertEquals(Set.of("0", "1"), r.items().stream().map(LabelledText::label).collect(Collectors.toSet()));
        assertEquals("hide new secretions from the parental units ", r.items().get(0).text());
        assertEquals("train.tsv:2", r.items().get(0).origin());
        assertEquals(872, Delimited.tsv().read(sst.resolve("dev.tsv")).labelled("sentence", "label", BadRows.FAIL).items().size());
        Table test = Delimited.tsv().read(sst.resolve("test.tsv")); // unlabelled: index and sentence
        assertEquals(List.of("index", "sentence"), test.header());
        assertEquals(1_821, test.rows().size());
        assertEquals("uneasy mishmash of styles and genres .", test.rows().get(0).fields().get(test.column("sentence")));
    }

    @Test
    void mrIsWindows1252AndUtf8IsRefusedWithTheLine() throws IOException {
        Path mr = SharedData.dir("sentiment/mr");
        List<LabelledText> pos = TextFiles.labelledLines(mr.resolve("rt-polarity.pos"), CP1252, "pos");
        List<LabelledText> neg = TextFiles.labelledLines(mr.resolve("rt-polarity.neg"), CP1252, "neg");
        assertEquals(5331, pos.size());
        assertEquals(5331, neg.size());
        assertTrue(pos.stream().anyMatch(x -> x.text().contains("é")), "windows-1252 letters decoded");
        IOException e = assertThrows(IOException.class, () -> TextFiles.readLines(mr.resolve("rt-polarity.pos"), StandardCharsets.UTF_8));
        assertTrue(e.getMessage().matches(".*rt-polarity.pos:\\d+: not valid UTF-8 text.*"), e.getMessage());
    }

    @Test
    void multi30kFilesAlign() throws IOException {
        Path m = SharedData.dir("translation/multi30k");
        assertEquals(29_000, ParallelCorpus.read(m.resolve("train.de"), m.resolve("train.en")).size());
        assertEquals(1_014, ParallelCorpus.read(m.resolve("val.de"), m.resolve("val.en")).size());
        List<TextPair> test = ParallelCorpus.read(m.resolve("test_2016_flickr.de"), m.resolve("test_2016_flickr.en"));
        assertEquals(1_000, test.size());
        assertTrue(test.get(0).source().startsWith("Ein Mann mit einem orangefarbenen Hut"), test.get(0).source());
        IOException e = assertThrows(IOException.class, () -> ParallelCorpus.read(m.resolve("val.de"), m.resolve("test_2016_flickr.en")));
        assertTrue(e.getMessage().contains("val.de has 1014 lines, test_2016_flickr.en has 1000"), e.getMessage());
    }

    @Test
    void seededSplitIsDisjointCompleteAndRepeatable() {
        List<TextPair> pairs = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) pairs.add(new TextPair("s" + i, "t" + i, "x:" + i));
        ParallelCorpus.Split a = ParallelCorpus.split(pairs, 0.05, 100, 7), b = ParallelCorpus.split(pairs, 0.05, 100, 7), c = ParallelCorpus.split(pairs, 0.05, 100, 8);
        assertEquals(50, a.test().size());
        assertEquals(100, a.dev().size());
        assertEquals(850, a.train().size());
        java.util.Set<TextPair> all = new java.util.HashSet<>(a.train());
        all.addAll(a.dev());
        all.addAll(a.test());
        assertEquals(1000, all.size(), "every pair in exactly one part");
        assertEquals(a, b, "the same seed gives the same split");
        assertTrue(!a.test().equals(c.test()), "another seed another split");
        assertThrows(IllegalArgumentException.class, () -> ParallelCorpus.split(pairs, 0.5, 600, 1));
    }

    @Test
    void tatoebaPairsHaveNoHeader() throws IOException {
        Path t = SharedData.dir("translation/tatoeba-eng-fra");
        Table table = Delimited.tsv().read(t.resolve("fra.txt"));
        assertEquals(null, table.header());
        Read<TextPair> pairs = table.pairs("0", "1", BadRows.FAIL);
        assertEquals(142_787, pairs.items().size());
        assertEquals(new TextPair("Go.", "Va !", "fra.txt:1"), pairs.items().get(0));
    }

    @Test
    void aeslcEmailsWithSubjectsAndAnnotations() throws IOException {
        Path a = SharedData.dir("summarization/aeslc/enron_subject_line");
        Read<Aeslc.Email> train = Aeslc.read(a.resolve("train"), BadRows.FAIL);
        assertEquals(14_436, train.items().size());
        assertTrue(train.items().stream().allMatch(x -> x.annotations().isEmpty()));
        Read<Aeslc.Email> dev = Aeslc.read(a.resolve("dev"), BadRows.FAIL);
        assertEquals(1_960, dev.items().size());
        assertTrue(dev.items().stream().allMatch(x -> x.annotations().size() == 3 && x.annotations().stream().noneMatch(String::isBlank)));
        Aeslc.Email first = dev.items().get(0);
        assertEquals("allen-p_inbox_29.subject", first.name());
        assertEquals("Confirmation: Risk Management Simulation Meeting 10/30/01", first.subject());
        assertTrue(first.body().startsWith("Hi Phillip,") && first.body().endsWith("Thanks,"), first.body());
        assertEquals("meeting confimation - tues, 8/10", first.annotations().get(0));
        assertEquals(1_906, Aeslc.read(a.resolve("test"), BadRows.FAIL).items().size());
    }

    @Test
    void csvQuotingBomAndMalformedRows() throws IOException {
        Path f = dir.resolve("x.csv");
        Files.writeString(f, "\uFEFFtext,label\n\"Hello, \"\"world\"\"\",pos\n\"two\nlines\",neg\nno label\n,neg\nplain,pos\n");
        Table t = Delimited.csv().read(f);
        assertEquals(List.of("text", "label"), t.header(), "BOM dropped, header found by name");
        Table.MalformedRowException e = assertThrows(Table.MalformedRowException.class, () -> t.labelled("text", "label", BadRows.FAIL));
        assertTrue(e.getMessage().startsWith("x.csv:5: expected at least 2 fields, found 1"), e.getMessage());
        Read<LabelledText> r = t.labelled("text", "label", BadRows.SKIP);
        assertEquals(List.of("Hello, \"world\"", "two\nlines", "plain"), r.items().stream().map(LabelledText::text).toList());
        assertEquals(2, r.skipped());
        assertEquals(List.of("x.csv:5: expected at least 2 fields, found 1", "x.csv:6: field 0 is empty"), r.problems());
        Files.writeString(f, "a,\"open\n");
        IOException open = assertThrows(IOException.class, () -> Delimited.csv().read(f));
        assertTrue(open.getMessage().contains("x.csv:1: a quoted field is not closed"), open.getMessage());
        IllegalArgumentException col = assertThrows(IllegalArgumentException.class, () -> t.labelled("review", "label", BadRows.SKIP));
        assertTrue(col.getMessage().contains("no column 'review'; columns: [text, label]"), col.getMessage());
    }

    @Test
    void jsonLines() throws IOException {
        Path f = dir.resolve("x.jsonl");
        Files.writeString(f, "{\"text\": \"good film\", \"label\": 1}\n\n{\"text\": \"bad\"}\n[1, 2]\n{broken\n{\"text\": \"fine\", \"label\": \"0\"}\n");
        Table t = JsonLinesTable.read(f, BadRows.SKIP, "text", "label");
        Read<LabelledText> r = t.labelled("text", "label", BadRows.SKIP);
        assertEquals(List.of(new LabelledText("good film", "1", "x.jsonl:1"), new LabelledText("fine", "0", "x.jsonl:6")), r.items());
        assertEquals(List.of("x.jsonl:3: field 1 is empty"), r.problems());
        Table.MalformedRowException e = assertThrows(Table.MalformedRowException.class, () -> JsonLinesTable.read(f, BadRows.FAIL, "text", "label"));
        assertTrue(e.getMessage().startsWith("x.jsonl:4: expected a JSON object, found ARRAY"), e.getMessage());
        assertNotNull(JsonLinesTable.read(f, BadRows.SKIP, "text"));
    }
}
