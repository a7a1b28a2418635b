package org.grukit.nlp.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.grukit.core.Rng;
import org.grukit.core.data.PaddedBatch;
import org.grukit.core.nn.Embedding;
import org.grukit.core.SharedData;
import org.grukit.nlp.data.BadRows;
import org.grukit.nlp.data.Delimited;
import org.grukit.nlp.data.LabelledText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Vocabulary order and limits, the pipeline's batches and round trips, saving, and pre-trained vectors. */
class VocabularyTest {
    @TempDir
    Path dir;

    @Test
    void specialsFirstThenByFrequencyThenByString() {
        Vocabulary v = Vocabulary.builder().add(List.of("b", "a", "c", "a", "b", "d")).add("rare", 1).minFrequency(1).build();
        assertEquals(List.of("<pad>", "<unk>", "<bos>", "<eos>", "a", "b", "c", "d", "rare"), v.tokens());
        Vocabulary small = Vocabulary.builder().add(List.of("b", "a", "c", "a", "b", "d")).minFrequency(2).build();
        assertEquals(List.of("<pad>", "<unk>", "<bos>", "<eos>", "a", "b"), small.tokens());
        Vocabulary capped = Vocabulary.builder().special("<sep>").add(List.of("b", "a", "c", "a", "b")).maxSize(6).build();
        assertEquals(List.of("<pad>", "<unk>", "<bos>", "<eos>", "<sep>", "a"), capped.tokens());
        assertTrue(capped.isSpecial(4) && !capped.isSpecial(5));
        assertEquals(Vocabulary.UNK_ID, v.id("never seen"));
        assertArrayEquals(new int[] {2, 4, 1, 3}, v.encode(List.of("a", "zzz"), true, true));
        assertEquals(List.of("a", "<unk>"), v.decode(new int[] {2, 4, 1, 3, 5, 0}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.token(99));
        assertTrue(e.getMessage().contains("token id 99 is outside the vocabulary [0, 9)"), e.getMessage());
    }

    @Test
    void sst2PipelineBatchesSavesAndLoads() throws IOException {
        List<LabelledText> train = Delimited.tsv().read(SharedData.dir("sentiment/sst2").resolve("train.tsv"))
                .labelled("sentence", "label", BadRows.FAIL).items();
        List<String> texts = new ArrayList<>();
        for (LabelledText x : train) texts.add(x.text());
        TextPipeline p = TextPipeline.fit(TextPipeline.Config.of("simple").withLowerCase(true).withBosEos(false, true).withMaxLength(20),
                OpenNlpTokenizer.simple(), texts, Vocabulary.builder().minFrequency(2));
        assertTrue(p.vocabulary().size() > 10_000 && p.vocabulary().size() < 16_000, "SST-2 words seen twice: " + p.vocabulary().size());
        PaddedBatch b = p.batch(texts.subList(0, 8));
        assertEquals(8, b.batch());
        for (int i = 0; i < 8; i++) {
            int[] ids = p.encode(texts.get(i));
            assertEquals(ids.length, b.lengths()[i]);
            assertTrue(ids.length <= 20 && ids[ids.length - 1] == Vocabulary.EOS_ID, "truncated to 20 with EOS kept");
            for (int t = 0; t < b.maxLength(); t++) assertEquals(t < ids.length ? ids[t] : Vocabulary.PAD_ID, b.id(i, t));
        }
        assertEquals("contains no wit, only labored gags", p.decode(p.encode("contains no wit , only labored gags ")));
        List<int[]> encoded = p.encodeAll(texts);
        long padded = 0, real = 0;
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int[] idx : TextPipeline.buckets(encoded, 32, new Rng(3))) {
            PaddedBatch pb = TextPipeline.batch(encoded, idx);
            padded += (long) pb.batch() * pb.maxLength();
            for (int i : idx) {
                real += encoded.get(i).length;
                assertTrue(seen.add(i), "each text once per epoch");
            }
        }
        assertEquals(texts.size(), seen.size());
        assertTrue(real > 0.95 * padded, "bucketing keeps padding under 5%: " + real + " of " + padded);
        TextPipeline back = throughJson(p, "");
        assertEquals(p.vocabulary(), back.vocabulary());
        assertEquals(p.config(), back.config());
        for (String t : texts.subList(0, 500)) assertArrayEquals(p.encode(t), back.encode(t));
        var e = assertThrows(com.fasterxml.jackson.core.JacksonException.class, () -> org.grukit.core.io.Json.bind(
                org.grukit.core.io.Json.parse("{\"config\": {\"tokenizer\": \"simple\", \"lowerCase\": false, \"nfkc\": false, "
                        + "\"addBos\": false, \"addEos\": false, \"maxLength\": 0}}"), TextPipeline.File.class));
        assertTrue(e.getMessage().contains("needs 'config' and 'vocabulary'"), e.getMessage());
    }

    @Test
    void bpePipelineDecodesExactlyAndSavesItsModel() throws IOException {
        List<String> en = org.grukit.nlp.data.TextFiles.readLines(SharedData.dir("translation/multi30k").resolve("train.en"));
        Bpe bpe = Bpe.train(en, 2000);
        TextPipeline p = TextPipeline.fit(TextPipeline.Config.of("bpe").withBosEos(true, true), bpe, en, Vocabulary.builder());
        assertEquals(2004, p.vocabulary().size());
        String s = "A dog runs   through the Straße, 😀!";
        assertEquals(s, p.decode(p.encode(s)));
        TextPipeline back = throughJson(p, "target.");
        assertTrue(Files.isRegularFile(dir.resolve("target.bpe.json")));
        assertEquals("bpe:target.bpe.json", back.config().tokenizer());
        assertArrayEquals(p.encode(s), back.encode(s));
        assertEquals(s, back.decode(back.encode(s)));
    }

    @Test
    void gloveAndWord2vecVectorsInitialiseAnEmbedding() throws IOException {
        Path glove = dir.resolve("glove.txt"), w2v = dir.resolve("w2v.txt");
        Files.writeString(glove, "the 0.1 0.2 0.3\nFilm 1 2 3\ngood -1 -2 -3.5\nunused 9 9 9\n");
        Files.writeString(w2v, "3 3\nthe 0.1 0.2 0.3\nfilm 1 2 3\ngood -1 -2 -3.5\n");
        Vocabulary v = Vocabulary.builder().add(List.of("the", "film", "Good", "bad")).build();
        for (Path f : List.of(glove, w2v)) {
            WordVectors vectors = WordVectors.read(f, java.nio.charset.StandardCharsets.UTF_8, v);
            assertEquals(3, vectors.dim());
            assertEquals(3, vectors.size(), "only the vocabulary's words are kept");
            Embedding e = new Embedding(v.size(), 3, Vocabulary.PAD_ID, new Rng(1));
            float before = e.weight().get(v.id("bad"), 0);
            assertEquals(3, vectors.initialise(e, v));
            assertEquals(-3.5f, e.weight().get(v.id("Good"), 2), "Good finds good");
            assertEquals(2f, e.weight().get(v.id("film"), 1), "film finds Film");
            assertEquals(before, e.weight().get(v.id("bad"), 0), "a word without a vector keeps N(0, 1)");
            assertEquals(0f, e.weight().get(Vocabulary.PAD_ID, 0), "the padding row stays zero");
        }
        Files.writeString(glove, "the 0.1 0.2 0.3\nfilm 1 2\n");
        IOException e = assertThrows(IOException.class, () -> WordVectors.read(glove, java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(e.getMessage().contains("glove.txt:2: expected a word and 3 values, found 3 fields"), e.getMessage());
        Files.writeString(glove, "the 0.1 NaN 0.3\n");
        e = assertThrows(IOException.class, () -> WordVectors.read(glove, java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(e.getMessage().contains("glove.txt:1: value 1 is NaN"), e.getMessage());
        for (String header : new String[] {"3 99999999999", "3 0", "3 2147483648"}) { // overflowed NumberFormatException before
            Files.writeString(glove, header + "\nthe 0.1 0.2\n");
            e = assertThrows(IOException.class, () -> WordVectors.read(glove, java.nio.charset.StandardCharsets.UTF_8));
            assertTrue(e.getMessage().contains("glove.txt:1: word2vec header gives dimension " + header.substring(2)), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> WordVectors.read(w2v, java.nio.charset.StandardCharsets.UTF_8)
                .initialise(new Embedding(v.size(), 4, 0, new Rng(1)), v));
    }

    /** The pipeline saved into {@code dir} and read back through its JSON text, as model.json holds it. */
    private TextPipeline throughJson(TextPipeline p, String prefix) throws IOException {
        String json = org.grukit.core.io.Json.pretty(p.save(dir, prefix));
        return TextPipeline.of(org.grukit.core.io.Json.bind(org.grukit.core.io.Json.parse(json), TextPipeline.File.class), dir);
    }

    /** A pipeline written before identifiers took one spelling ("tokeniser") still loads. */
    @Test
    void aPipelineSavedWithTheOldSpellingLoads() throws IOException {
        TextPipeline fitted = TextPipeline.fit(TextPipeline.Config.of("simple"), Tokenizers.of("simple", Path.of("")),
                List.of("the cat sat", "the dog ran"), Vocabulary.builder());
        String json = org.grukit.core.io.Json.pretty(fitted.save(dir, ""));
        assertTrue(json.contains("\"tokenizer\""), json);
        TextPipeline old = TextPipeline.of(org.grukit.core.io.Json.bind(org.grukit.core.io.Json.parse(
                json.replace("\"tokenizer\"", "\"tokeniser\"")), TextPipeline.File.class), dir);
        assertEquals("simple", old.config().tokenizer());
        assertArrayEquals(fitted.encode("the cat ran"), old.encode("the cat ran"));
    }
}
