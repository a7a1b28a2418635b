package org.grukit.nlp.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.grukit.core.SharedData;
import org.grukit.nlp.data.TextFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BPE: training, exact round trips of every line of the real corpora, spans, and its model file. */
class BpeTest {
    private static Bpe bpe;
    private static List<String> multi30k;

    @TempDir
    Path dir;

    @BeforeAll
    static void train() throws IOException {
        Path m = org.grukit.core.SharedData.dirOrNull("translation/multi30k");
        if (m != null) {
            multi30k = new ArrayList<>(TextFiles.readLines(m.resolve("train.en")));
            multi30k.addAll(TextFiles.readLines(m.resolve("train.de")));
        } else { // the tests of awkward text and of the model file still run on a small corpus of our own
            multi30k = new ArrayList<>();
            for (int i = 0; i < 30_000; i++) multi30k.add("A man " + i + " walks a dog in the park. Zwei Hunde spielen im Schnee.");
        }
        bpe = Bpe.train(multi30k, 8000);
    }

    @Test
    void reachesTheVocabularySizeAndLearnsWords() {
        SharedData.dir("translation/multi30k");
        assertEquals(8000, bpe.vocabSize());
        assertEquals("<0x41>", bpe.piece(0x41));
        assertEquals("▁", bpe.piece(256));
        int[] ids = bpe.encode("Two young men are playing soccer.");
        assertEquals(List.of("Two", "▁young", "▁men", "▁are", "▁playing", "▁soccer", "."), ids(ids));
        assertEquals(List.of(bpe.pieces()), List.of(Bpe.train(multi30k, 8000).pieces()), "training is deterministic");
    }

    private static List<String> ids(int[] ids) {
        List<String> out = new ArrayList<>();
        for (int id : ids) out.add(bpe.piece(id));
        return out;
    }

    @Test
    void everyLineOfEveryCorpusRoundTrips() throws IOException {
        List<Path> utf8 = new ArrayList<>();
        Path sst = SharedData.dir("sentiment/sst2"), m = SharedData.dir("translation/multi30k");
        for (String f : new String[] {"train.tsv", "dev.tsv", "test.tsv"}) utf8.add(sst.resolve(f));
        for (String f : new String[] {"train", "val", "test_2016_flickr"}) {
            utf8.add(m.resolve(f + ".en"));
            utf8.add(m.resolve(f + ".de"));
        }
        utf8.add(SharedData.dir("translation/tatoeba-eng-fra").resolve("fra.txt"));
        try (Stream<Path> s = Files.walk(SharedData.dir("summarization/aeslc/enron_subject_line"))) {
            s.filter(Files::isRegularFile).sorted().forEach(utf8::add);
        }
        long lines = 0, pieces = 0;
        for (Path f : utf8) {
            for (String line : TextFiles.readLines(f, StandardCharsets.UTF_8)) {
                pieces += roundTrip(line, f);
                lines++;
            }
        }
        Path mr = SharedData.dir("sentiment/mr");
        for (String f : new String[] {"rt-polarity.pos", "rt-polarity.neg"}) {
            for (String line : TextFiles.readLines(mr.resolve(f), Charset.forName("windows-1252"))) {
                pieces += roundTrip(line, mr.resolve(f));
                lines++;
            }
        }
        System.out.printf("bpe round trip: %d lines of %d files, %d pieces%n", lines, utf8.size() + 2, pieces);
        assertTrue(lines > 400_000, "all corpora were read: " + lines);
    }

    private static int roundTrip(String line, Path file) {
        int[] ids = bpe.encode(line);
        String back = bpe.decode(ids);
        if (!back.equals(line)) throw new AssertionError(file.getFileName() + ": '" + line + "' came back as '" + back + "'");
        return ids.length;
    }

    @Test
    void awkwardTextRoundTripsAndSpansPointIntoIt() {
        String[] texts = {"", " ", "   leading and trailing   ", "tab\there\nnewline\r\n", "▁ literal U+2581 ▁▁", "<0x41> looks like a byte piece",
                "emoji 😀👍🏽 and CJK 東京 and Hangul 한국어", "combining e\u0301 and ﬁ ligature", "lone \uD800 surrogate \uDC00 here",
                "a".repeat(1000), "-".repeat(300) + "x", "Straße ÄÖÜ naïve café"};
        for (String t : texts) {
            assertEquals(t, bpe.decode(bpe.encode(t)), "round trip of '" + t + "'");
            List<Token> tokens = bpe.tokenize(t);
            assertEquals(bpe.encode(t).length, tokens.size());
            int covered = 0;
            for (Token k : tokens) {
                assertTrue(k.start() <= covered && k.end() <= t.length(), "span " + k + " in '" + t + "'");
                if (!k.text().startsWith("<0x")) {
                    assertEquals(k.text().replace(Bpe.SPACE, ' '), t.substring(k.start(), k.end()), "piece text is the span's text");
                }
                covered = Math.max(covered, k.end());
            }
            assertEquals(t.length(), covered, "tokens cover the text");
            assertEquals(t, bpe.decodePieces(bpe.words(t)));
        }
    }

    @Test
    void savesLoadsAndRefusesBadFiles() throws IOException {
        Path f = dir.resolve("bpe.json");
        bpe.save(f);
        Bpe back = Bpe.load(f);
        assertEquals(bpe.pieces(), back.pieces());
        String sample = multi30k.get(123) + " | " + multi30k.get(29_123);
        assertArrayEquals(bpe.encode(sample), back.encode(sample));
        String json = Files.readString(f);
        Files.writeString(f, json.substring(0, json.length() / 2));
        IOException cut = assertThrows(IOException.class, () -> Bpe.load(f));
        assertTrue(cut.getMessage().contains("is not a grukit BPE model"), cut.getMessage());
        Files.writeString(f, json.replace("\"formatVersion\":1", "\"formatVersion\":7"));
        IOException version = assertThrows(IOException.class, () -> Bpe.load(f));
        assertTrue(version.getMessage().contains("version 7 is not supported"), version.getMessage());
        Files.writeString(f, json.replace("\"<0x41>\"", "\"A-ish\""));
        IOException piece = assertThrows(IOException.class, () -> Bpe.load(f));
        assertTrue(piece.getMessage().contains("BPE piece 65 must be <0x41>"), piece.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> bpe.decodePieces(List.of("▁dog", "not-a-piece")));
        assertTrue(unknown.getMessage().contains("unknown BPE piece 'not-a-piece' at position 1"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Bpe.train(multi30k, 100));
    }

    /** A damaged BPE file (null where a value belongs, a short merge) is refused naming the file, never a NullPointerException. */
    @Test
    void damagedModelFilesAreRefusedNamingTheFile() throws IOException {
        String ok = "{\"format\": \"grukit-bpe\", \"formatVersion\": 1, ";
        for (String body : new String[] {"null", ok + "\"pieces\": [null], \"merges\": []}", ok + "\"pieces\": [\"a\"], \"merges\": [null]}",
                ok + "\"pieces\": [\"a\"], \"merges\": [[1]]}", ok + "\"pieces\": null, \"merges\": []}",
                "{\"format\": \"grukit-bpe\", \"formatVersion\": 1.5, \"pieces\": [], \"merges\": []}"}) {
            Path p = dir.resolve("bpe.json");
            java.nio.file.Files.writeString(p, body);
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> Bpe.load(p), body);
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("bpe.json"), e.getMessage());
        }
    }
}
