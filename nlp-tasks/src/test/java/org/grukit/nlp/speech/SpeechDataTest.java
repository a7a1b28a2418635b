package org.grukit.nlp.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.grukit.core.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The speech corpora's layouts, manifests, and made-up digit strings. */
class SpeechDataTest {
    @TempDir
    Path dir;

    @Test
    void fsddFolderWithTheStandardTestSplit() throws IOException {
        List<SpeechData.Utterance> all = SpeechData.read(SharedData.dir("speech/fsdd"));
        assertEquals(3000, all.size());
        assertEquals(300, all.stream().filter(SpeechData::isFsddTest).count(), "recordings 0-4 of 6 speakers x 10 digits");
        SpeechData.Utterance u = all.stream().filter(x -> x.id().equals("7_theo_12")).findFirst().orElseThrow();
        assertEquals("seven", u.transcript());
        assertEquals("theo", u.speaker());
        assertTrue(u.load(8000).length > 1000);
        assertEquals(6, all.stream().map(SpeechData.Utterance::speaker).distinct().count());
    }

    @Test
    void foldersAndManifestsTakeEveryFormat() throws IOException {
        // The fixtures of speech-features (made by sox), named as FSDD names its recordings.
        String[][] files = {{"source.flac", "3_test_0.flac"}, {"source.ogg", "4_test_1.ogg"}, {"source.mp3", "5_test_2.mp3"},
                {"mulaw.wav", "6_test_3.wav"}};
        Path folder = Files.createDirectories(dir.resolve("mixed"));
        for (String[] f : files) {
            try (java.io.InputStream in = org.grukit.speech.AudioFiles.class.getResourceAsStream("formats/" + f[0])) {
                Files.copy(in, folder.resolve(f[1]));
            }
        }
        List<SpeechData.Utterance> all = SpeechData.read(folder);
        assertEquals(4, all.size());
        for (SpeechData.Utterance u : all) {
            float[] expected = org.grukit.speech.AudioFiles.read(u.audio()).samples();
            assertEquals(expected.length, u.load(16000).length, u.id());
        }
        assertEquals("four", all.stream().filter(u -> u.id().equals("4_test_1")).findFirst().orElseThrow().transcript());
        Files.writeString(dir.resolve("m.tsv"), "path\ttranscript\nmixed/3_test_0.flac\tthree\n");
        List<SpeechData.Utterance> listed = SpeechData.read(dir.resolve("m.tsv"));
        assertEquals(9600, listed.get(0).load(16000).length);
    }

    @Test
    void yesnoFolderSpellsTheLabels() throws IOException {
        List<SpeechData.Utterance> all = SpeechData.read(SharedData.dir("speech/yesno"));
        assertEquals(60, all.size());
        SpeechData.Utterance u = all.stream().filter(x -> x.id().equals("0_1_0_0_1_0_1_1")).findFirst().orElseThrow();
        assertEquals("no yes no no yes no yes yes", u.transcript());
    }

    @Test
    void manifestsResolvePathsAndNameBadLines() throws IOException {
        Path fsdd = SharedData.dir("speech/fsdd").resolve("recordings");
        Path wav = Files.copy(fsdd.resolve("3_george_1.wav"), dir.resolve("a.wav"));
        Files.writeString(dir.resolve("m.tsv"), "path\ttranscript\na.wav\tthree\n");
        Files.writeString(dir.resolve("m.jsonl"), "{\"audio\": \"a.wav\", \"text\": \"three\"}\n");
        for (String m : List.of("m.tsv", "m.jsonl")) {
            List<SpeechData.Utterance> u = SpeechData.read(dir.resolve(m));
            assertEquals(1, u.size(), m);
            assertEquals("three", u.get(0).transcript());
            assertEquals(wav.toAbsolutePath().normalize(), u.get(0).audio());
        }
        Files.writeString(dir.resolve("bad.tsv"), "a.wav\tthree\nmissing.wav\tfour\n");
        var e = assertThrows(IOException.class, () -> SpeechData.read(dir.resolve("bad.tsv")));
        assertTrue(e.getMessage().contains("bad.tsv:2") && e.getMessage().contains("missing.wav"), e.getMessage());
        Files.writeString(dir.resolve("bad.jsonl"), "{\"audio\": \"a.wav\"}\n");
        e = assertThrows(IOException.class, () -> SpeechData.read(dir.resolve("bad.jsonl")));
        assertTrue(e.getMessage().contains("bad.jsonl:1") && e.getMessage().contains("'text'"), e.getMessage());
        Files.copy(fsdd.resolve("3_george_1.wav"), Files.createDirectories(dir.resolve("odd")).resolve("hello.wav"));
        e = assertThrows(IOException.class, () -> SpeechData.read(dir.resolve("odd")));
        assertTrue(e.getMessage().contains("hello.wav") && e.getMessage().contains("manifest"), e.getMessage());
    }

    @Test
    void digitStringsAreSeededConcatenations() throws IOException {
        List<SpeechData.Utterance> fsdd = SpeechData.read(SharedData.dir("speech/fsdd")).subList(0, 200);
        List<SpeechData.Utterance> a = SpeechData.digitStrings(fsdd, 5, 8000, 3), b = SpeechData.digitStrings(fsdd, 5, 8000, 3);
        for (int i = 0; i < 5; i++) {
            String[] words = a.get(i).transcript().split(" ");
            assertTrue(words.length >= 3 && words.length <= 7, a.get(i).transcript());
            assertEquals(a.get(i).transcript(), b.get(i).transcript(), "same seed, same strings");
            assertEquals(a.get(i).samples().length, b.get(i).samples().length);
            assertTrue(a.get(i).load(8000).length > words.length * 1000);
        }
    }
}
