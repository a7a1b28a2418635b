package org.grukit.nlp.sentiment;

import static org.grukit.core.GradCheck.assertPasses;
import static org.grukit.core.GradCheck.check;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.grukit.attention.recurrent.GruVariant;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.data.Batching;
import org.grukit.core.SharedData;
import org.grukit.nlp.data.BadRows;
import org.grukit.nlp.data.LabelledText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sentiment model's gradients, training on MR, saving, concurrent prediction, metrics and bad input. */
class SentimentTest {
    @TempDir
    Path dir;

    @Test
    void everyPoolingHasCorrectGradients() {
        for (SentimentModel.Pooling pooling : SentimentModel.Pooling.values()) {
            Rng rng = new Rng(4);
            SentimentModel m = new SentimentModel(new SentimentModel.Config(9, List.of("a", "b", "c"), 3, 2, 1, true, GruVariant.GRU,
                    pooling, 3, 0f), rng);
            var batch = Batching.padIds(List.of(new int[] {4, 5, 6, 7}, new int[] {8, 5}), 0);
            List<Tensor> params = m.parameters();
            assertPasses("pooling " + pooling, check(x -> m.forward(batch).logits(), params.toArray(new Tensor[0])));
        }
    }

    @Test
    void trainsOnMovieReviewsSavesAndServesManyThreads() throws Exception {
        List<LabelledText> mr = SentimentData.read(SharedData.dir("sentiment/mr"), BadRows.FAIL).items();
        List<List<LabelledText>> parts = SentimentData.split(mr, 0.1, 7);
        SentimentClassifier.Settings d = SentimentClassifier.Settings.defaults();
        SentimentClassifier.Settings s = d.withSize(64, 64).withTraining(d.training().withEpochs(3).withLr(3e-3).withBatchSize(32));
        SentimentClassifier.Trained t = SentimentClassifier.train(parts.get(0), parts.get(1), s, dir.resolve("m"), false, null);
        System.out.printf("MR small model, 3 epochs: dev accuracy %.4f%n", t.dev().accuracy());
        assertTrue(t.dev().accuracy() > 0.65, "a small BiGRU, three short epochs, well above chance (0.5) on MR: " + t.dev().accuracy());
        assertEquals(List.of("neg", "pos"), t.classifier().labels());

        SentimentClassifier loaded = SentimentClassifier.load(dir.resolve("m"));
        List<String> texts = new ArrayList<>();
        for (LabelledText x : parts.get(1)) texts.add(x.text());
        List<SentimentClassifier.Prediction> expected = t.classifier().predict(texts);
        assertEquals(t.dev().accuracy(), loaded.evaluate(parts.get(1)).accuracy(), 1e-12, "the saved model is the best epoch's");
        var pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> all = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                all.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        SentimentClassifier.Prediction p = loaded.predict(texts.get(i));
                        if (!p.label().equals(expected.get(i).label()) || Math.abs(p.probability() - expected.get(i).probability()) > 1e-5) return false;
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : all) assertTrue(f.get(), "predictions from many threads equal the serial ones");
        } finally {
            pool.shutdown();
        }
        SentimentClassifier.Explanation e = loaded.explain("a gorgeous , witty , seductive movie .");
        double sum = 0;
        for (double w : e.weights()) sum += w;
        assertEquals(1.0, sum, 1e-5, "attention weights sum to one over the tokens");
        assertEquals(8, e.tokens().size());
        assertTrue(loaded.labels().contains(loaded.predict("").label()), "an empty text still gets a label");
    }

    @Test
    void macroF1AndConfusionByHand() {
        // truth  : a a a b b c ; predicted: a a b b c c
        Evaluation e = Evaluation.of(new int[] {0, 0, 0, 1, 1, 2}, new int[] {0, 0, 1, 1, 2, 2}, List.of("a", "b", "c"));
        assertEquals(4.0 / 6, e.accuracy(), 1e-12);
        // F1: a = 2*2/(4+0+1) = 0.8; b = 2*1/(2+1+1) = 0.5; c = 2*1/(2+1+0) = 2/3
        assertEquals((0.8 + 0.5 + 2.0 / 3) / 3, e.macroF1(), 1e-12);
        assertArrayEquals(new int[] {2, 1, 0}, e.confusion()[0]);
    }

    @Test
    void badInputIsNamed() {
        List<LabelledText> train = List.of(new LabelledText("good", "pos", "t:1"), new LabelledText("bad", "neg", "t:2"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SentimentClassifier.train(train,
                List.of(new LabelledText("meh", "neutral", "d:5")), SentimentClassifier.Settings.defaults().withEpochs(1), null, false, null));
        assertTrue(e.getMessage().contains("d:5: label 'neutral' is not among the training labels [neg, pos]"), e.getMessage());
        IOException missing = assertThrows(IOException.class, () -> SentimentClassifier.load(dir.resolve("nothing")));
        assertTrue(missing.getMessage().contains("nothing"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SentimentModel.Config(100, List.of("x", "x"), 8, 8, 1, true, GruVariant.GRU,
                SentimentModel.Pooling.MAX, 8, 0f));
    }

    @Test
    void integerLabelsOfAnyLengthSortAsNumbers() {
        List<org.grukit.nlp.data.LabelledText> data = List.of(new org.grukit.nlp.data.LabelledText("a", "123456789012345678901", "t:1"),
                new org.grukit.nlp.data.LabelledText("b", "-3", "t:2"), new org.grukit.nlp.data.LabelledText("c", "20", "t:3"));
        assertEquals(List.of("-3", "20", "123456789012345678901"), SentimentData.labels(data));
    }
}
