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

    /** "Translation" that needs attention and reordering: words mapped one to one, and the sentence reversed. */
    private static List<TextPair> pairs(int n, Rng rng) {
        String[] src = {"ka", "lu", "mi", "to", "re", "sa", "po", "ni", "da", "fe"};
        String[] tgt = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"};
        List<TextPair> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = 3 + rng.nextInt(5);
            StringBuilder s = new StringBuilder(), t = new StringBuilder();
            int[] w = new int[len];
            for (int k = 0; k < len; k++) w[k] = rng.nextInt(src.length);
            for (int k = 0; k < len; k++) s.append(k > 0 ? " " : "").append(src[w[k]]);
            for (int k = len - 1; k >= 0; k--) t.append(k < len - 1 ? " " : "").append(tgt[w[k]]);
            out.add(new TextPair(s.toString(), t.toString(), "made:" + i));
        }
        return out;
    }

    @Test
    void learnsAReversingLanguageAndTranslatesAfterLoading() throws Exception {
        Rng rng = new Rng(5);
        List<TextPair> train = pairs(3000, rng), dev = pairs(100, rng);
        Translator.Settings s = Translator.Settings.defaults().withSize(32, 64, 64).withEpochs(6);
        Translator.Trained t = Translator.train(train, dev, s, dir, false);
        List<String> src = new ArrayList<>(), ref = new ArrayList<>();
        for (TextPair p : dev) {
            src.add(p.source());
            ref.add(p.target());
        }
        Translator loaded = Translator.load(dir);
        Translator.Scores greedy = loaded.evaluate(src, ref, 1), beam = loaded.evaluate(src, ref, 4);
        System.out.printf("made-up reversing language: dev BLEU greedy %.1f, beam 4 %.1f, chrF %.1f%n", greedy.bleu(), beam.bleu(), beam.chrf());
        assertTrue(greedy.bleu() > 60, "attention learns to reverse: BLEU " + greedy.bleu());
        assertTrue(beam.bleu() >= greedy.bleu() - 5, "beam search is no worse than greedy by much: " + beam.bleu() + " vs " + greedy.bleu());
        assertEquals(t.translator().translate(src.subList(0, 10), 1), greedy.hypotheses().subList(0, 10), "the saved model is the trained one");
    }
}
