package org.grukit.nlp.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.grukit.core.Rng;
import org.grukit.nlp.data.TextPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seq2seq translator learns a small made-up language pair end to end, and survives saving. */
class TranslatorTest {
    @TempDir
    Path dir;

    /**
     * "Translation" that needs attention and reordering: words mapped one to one, and the sentence reversed. Every
     * other sentence also holds a made-up name, seen once, so it is unknown to both vocabularies, and carried over
     * unchanged to the mirrored position.
     */
    private static List<TextPair> pairs(int n, Rng rng) {
        String[] src = {"ka", "lu", "mi", "to", "re", "sa", "po", "ni", "da", "fe"};
        String[] tgt = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"};
        List<TextPair> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = 3 + rng.nextInt(5);
            String[] s = new String[len], t = new String[len];
            for (int k = 0; k < len; k++) {
                int w = rng.nextInt(src.length);
                s[k] = src[w];
                t[len - 1 - k] = tgt[w];
            }
            if (i % 2 == 0) {
                int at = rng.nextInt(len);
                s[at] = t[len - 1 - at] = name(rng);
            }
            out.add(new TextPair(String.join(" ", s), String.join(" ", t), "made:" + i));
        }
        return out;
    }

    private static String name(Rng rng) {
        String letters = "bcdgklmnprstvz", vowels = "aeiou";
        StringBuilder sb = new StringBuilder("Q");
        for (int i = 0; i < 4; i++) sb.append(letters.charAt(rng.nextInt(letters.length()))).append(vowels.charAt(rng.nextInt(vowels.length())));
        return sb.toString();
    }

    private static List<String> sources(List<TextPair> pairs) {
        List<String> out = new ArrayList<>();
        for (TextPair p : pairs) out.add(p.source());
        return out;
    }

    private static List<String> targets(List<TextPair> pairs) {
        List<String> out = new ArrayList<>();
        for (TextPair p : pairs) out.add(p.target());
        return out;
    }

    @Test
    void learnsAReversingLanguageAndTranslatesAfterLoading() throws Exception {
        Rng rng = new Rng(5);
        List<TextPair> train = pairs(3000, rng), dev = pairs(100, rng);
        Translator.Settings s = Translator.Settings.defaults().withSize(32, 64, 64).withEpochs(6);
        Translator.Trained t = Translator.train(train, dev, s, dir, false);
        List<String> src = sources(dev), ref = targets(dev);
        Translator loaded = Translator.load(dir);
        Translator.Scores greedy = loaded.evaluate(src, ref, 1), beam = loaded.evaluate(src, ref, 4);
        Translator.Scores keepUnk = loaded.evaluate(src, ref, Translator.Decode.beam(4).withReplaceUnknown(false));
        System.out.printf("made-up reversing language: dev BLEU greedy %.1f, beam 4 %.1f (%.1f keeping <unk>), chrF %.1f%n",
                greedy.bleu(), beam.bleu(), keepUnk.bleu(), beam.chrf());
        assertTrue(greedy.bleu() > 60, "attention learns to reverse: BLEU " + greedy.bleu());
        assertTrue(beam.bleu() >= greedy.bleu() - 5, "beam search is no worse than greedy by much: " + beam.bleu() + " vs " + greedy.bleu());
        assertEquals(t.translator().translate(src.subList(0, 10), 1), greedy.hypotheses().subList(0, 10), "the saved model is the trained one");

        // Unknown names come back through the attention weights, and only with replacement on.
        int names = 0, copied = 0, copiedWithout = 0;
        for (int i = 0; i < dev.size(); i += 2) {
            String name = java.util.Arrays.stream(src.get(i).split(" ")).filter(w -> w.startsWith("Q")).findFirst().orElseThrow();
            names++;
            if (java.util.Arrays.asList(beam.hypotheses().get(i).split(" ")).contains(name)) copied++;
            if (keepUnk.hypotheses().get(i).contains(name)) copiedWithout++;
        }
        assertTrue(copied >= 0.8 * names, "names copied through attention: " + copied + " of " + names);
        assertEquals(0, copiedWithout, "without replacement a name cannot appear");

        // n-best lists: distinct, best first; the attention of a reversal runs along the anti-diagonal.
        List<List<Translator.Translation>> nBest = loaded.translate(src.subList(0, 20), Translator.Decode.beam(4).withNBest(3));
        for (List<Translator.Translation> list : nBest) {
            assertEquals(3, list.size());
            for (int i = 1; i < list.size(); i++) {
                assertTrue(list.get(i - 1).score() >= list.get(i).score(), "sorted by score");
                assertTrue(!java.util.Arrays.equals(list.get(i - 1).tokens(), list.get(i).tokens()), "distinct hypotheses");
            }
        }
        int onDiagonal = 0, cells = 0;
        for (int i = 1; i < 20; i += 2) {
            Translator.Alignment a = loaded.attention(src.get(i), Translator.Decode.beam(4));
            int n = a.sourceTokens().size();
            assertEquals(a.targetTokens().size(), a.weights().length);
            for (int row = 0; row < a.weights().length; row++) {
                float sum = 0;
                int best = 0;
                for (int col = 0; col < n; col++) {
                    sum += a.weights()[row][col];
                    if (a.weights()[row][col] > a.weights()[row][best]) best = col;
                }
                assertEquals(1f, sum, 1e-4f, "attention rows are distributions");
                if (row < n) {
                    cells++;
                    if (best == n - 1 - row) onDiagonal++;
                }
            }
        }
        assertTrue(onDiagonal >= 0.8 * cells, "output word i attends to source word n-1-i: " + onDiagonal + " of " + cells);
    }

    @Test
    void sharedBpeVocabularyTiedEmbeddingsAndLuongAttention() throws Exception {
        Rng rng = new Rng(6);
        List<TextPair> train = pairs(3000, rng), dev = pairs(100, rng);
        Translator.Settings d = Translator.Settings.defaults().withSize(32, 64, 64).withEpochs(6);
        Translator.Settings s = d.withModel(d.model().withAttention(Translator.Attention.LUONG_GENERAL).withTiedEmbeddings(true))
                .withText(d.text().withBpeVocab(300).withSharedVocabulary(true));
        Translator.Trained t = Translator.train(train, dev, s, dir, false);
        Translator loaded = Translator.load(dir);
        TranslationModel.Config c = loaded.model().config();
        assertEquals(c.sourceVocab(), c.targetVocab(), "one vocabulary for both sides");
        assertTrue(c.tiedEmbeddings() && c.style() == org.grukit.attention.decoding.AttentionDecoder.Style.LUONG);
        assertTrue(!loaded.model().namedParameters().containsKey("decoder.out.weight"), "no separate output matrix when tied");
        Translator.Scores sc = loaded.evaluate(sources(dev), targets(dev), 4);
        System.out.printf("shared BPE, tied, Luong general: dev BLEU beam 4 %.1f, chrF %.1f%n", sc.bleu(), sc.chrf());
        assertTrue(sc.bleu() > 50, "BLEU " + sc.bleu());
        assertEquals(t.translator().translate(sources(dev).subList(0, 10), 1), loaded.translate(sources(dev).subList(0, 10), 1));
    }
}
