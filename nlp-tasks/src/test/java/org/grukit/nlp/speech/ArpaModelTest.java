package org.grukit.nlp.speech;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ARPA back-off models: the format's own arithmetic, worked by hand on a small trigram model, and broken files named. */
class ArpaModelTest {
    @TempDir
    Path dir;

    private static final String MODEL = """
            \\data\\
            ngram 1=5
            ngram 2=4
            ngram 3=1

            \\1-grams:
            -99\t<s>\t-0.5
            -1.0\t</s>
            -0.7\tone\t-0.3
            -0.9\ttwo\t-0.2
            -1.5\t<unk>

            \\2-grams:
            -0.2\t<s> one\t-0.1
            -0.4\tone two
            -0.1\ttwo </s>
            -0.6\t<s> two

            \\3-grams:
            -0.05\t<s> one two

            \\end\\
            """;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void scoresBackOffAsTheFormatDefines() throws Exception {
        ArpaModel m = ArpaModel.read(write("m.arpa", MODEL));
        assertEquals(3, m.order());
        assertArrayEquals(new int[] {5, 4, 1}, new int[] {m.size(1), m.size(2), m.size(3)});
        double ln10 = Math.log(10);
        assertEquals(-0.2 * ln10, m.score(List.of(), "one"), 1e-6, "P(one | <s>), a listed bigram");
        assertEquals(-0.05 * ln10, m.score(List.of("one"), "two"), 1e-6, "P(two | <s> one), a listed trigram");
        assertEquals(-0.4 * ln10, m.score(List.of("two", "one"), "two"), 1e-6, "'two one' has no back-off weight: P(two | one)");
        assertEquals((-0.1 - 0.3 - 0.7) * ln10, m.score(List.of("one"), "one"), 1e-6, "bow(<s> one) bow(one) P(one)");
        assertEquals((-0.2 - 0.7) * ln10, m.score(List.of("one", "two"), "one"), 1e-6, "bow(two) P(one)");
        assertEquals((-0.1 - 0.3 - 1.5) * ln10, m.score(List.of("one"), "three"), 1e-6, "an unknown word is <unk>");
        assertTrue(ArpaModel.isArpa(dir.resolve("m.arpa")));
        assertTrue(!ArpaModel.isArpa(write("text.txt", "one two\n")));
    }

    @Test
    void gzippedModelsReadToo() throws Exception {
        Path gz = dir.resolve("m.arpa.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(MODEL.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        assertTrue(ArpaModel.isArpa(gz));
        assertEquals(ArpaModel.read(write("m.arpa", MODEL)).score(List.of("one"), "two"), ArpaModel.read(gz).score(List.of("one"), "two"));
    }

    @Test
    void brokenFilesNameTheFileAndLine() throws Exception {
        IOException e = assertThrows(IOException.class, () -> ArpaModel.read(write("a.arpa", MODEL.replace("\\end\\\n", ""))));
        assertTrue(e.getMessage().endsWith("a.arpa: ends without \\end\\ (truncated file?)"), e.getMessage());
        e = assertThrows(IOException.class, () -> ArpaModel.read(write("b.arpa", MODEL.replace("ngram 2=4", "ngram 2=5"))));
        assertTrue(e.getMessage().contains("b.arpa:19: \\data\\ promised 5 2-grams, the section has 4"), e.getMessage());
        e = assertThrows(IOException.class, () -> ArpaModel.read(write("c.arpa", MODEL.replace("-0.4\tone two", "x\tone two"))));
        assertTrue(e.getMessage().contains("c.arpa:15: expected log10 numbers, found 'x\tone two'"), e.getMessage());
        e = assertThrows(IOException.class, () -> ArpaModel.read(write("d.arpa", "one two\n")));
        assertTrue(e.getMessage().contains("d.arpa:1: expected \\data\\"), e.getMessage());
        e = assertThrows(IOException.class, () -> ArpaModel.read(write("e.arpa", MODEL.replace("-0.05\t<s> one two", "-0.05\t<s> one"))));
        assertTrue(e.getMessage().contains("e.arpa:20: a 3-gram line has"), e.getMessage());
    }

    @Test
    void beamSearchOverWordOutputsTakesTheLanguageModelsWord() throws Exception {
        ArpaModel m = ArpaModel.read(write("m.arpa", MODEL));
        List<String> labels = List.of("<blank>", "one", "won");
        // One frame where "won" sounds a little likelier than "one", between blanks.
        float[] lp = {-0.01f, -6f, -6f, -2f, -0.75f, -0.7f, -0.01f, -6f, -6f};
        CtcDecoder.BeamOptions plain = CtcDecoder.BeamOptions.of(0, 4);
        assertArrayEquals(new int[] {2}, CtcDecoder.beamSearch(lp, 0, 3, 3, plain).get(0).labels());
        CtcDecoder.BeamOptions withLm = plain.withWords(CtcDecoder.EVERY_LABEL, labels::get, m, 0.5, 0);
        assertArrayEquals(new int[] {1}, CtcDecoder.beamSearch(lp, 0, 3, 3, withLm).get(0).labels(), "'won' is <unk> to the model");
    }
}
