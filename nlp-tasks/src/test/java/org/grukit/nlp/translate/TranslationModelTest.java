package org.grukit.nlp.translate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.grukit.attention.decoding.AttentionDecoder;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.data.PaddedBatch;
import org.grukit.core.nn.Losses;
import org.junit.jupiter.api.Test;

/** The training loss that skips padding rows is the plain ignore-index loss, value and gradients. */
class TranslationModelTest {
    @Test
    void paddingFreeLossEqualsIgnoreIndexCrossEntropy() {
        for (AttentionDecoder.Style style : AttentionDecoder.Style.values()) for (boolean tied : new boolean[] {false, true}) {
            TranslationModel m = new TranslationModel(new TranslationModel.Config(11, 13, 6, 5, 1, 7, style,
                    style == AttentionDecoder.Style.LUONG ? org.grukit.attention.LuongAttention.Score.GENERAL : null, 0f, tied), new Rng(3));
            m.train(true);
            // Three sentences of different lengths, padded with 0; targets start with BOS (2).
            PaddedBatch src = new PaddedBatch(new int[] {5, 6, 7, 8, 9, 10, 0, 0, 4, 0, 0, 0}, 3, 4, new int[] {4, 2, 1}, 0);
            PaddedBatch tgt = new PaddedBatch(new int[] {2, 5, 6, 7, 3, 2, 8, 3, 0, 0, 2, 3, 0, 0, 0}, 3, 5, new int[] {5, 3, 2}, 0);

            Tensor fast = m.loss(src, tgt, 0.1f, 0);
            fast.backward();
            Map<String, float[]> fastGrads = grads(m);

            Tensor logits = m.forward(src, tgt).logits();
            int[] next = new int[3 * 4];
            for (int i = 0; i < 3; i++) System.arraycopy(tgt.ids(), i * 5 + 1, next, i * 4, 4);
            Tensor full = Losses.crossEntropy(Ops.reshape(logits, 12, -1), next,
                    Losses.CrossEntropyOptions.defaults().withIgnoreIndex(0).withLabelSmoothing(0.1f));
            full.backward();
            Map<String, float[]> fullGrads = grads(m);

            assertEquals(full.item(), fast.item(), 1e-6f, style + " loss");
            for (String name : fullGrads.keySet()) {
                float[] a = fullGrads.get(name), b = fastGrads.get(name);
                for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-6f, style + " gradient of " + name + "[" + i + "]");
            }
            assertArrayEquals(new int[] {3, 4, 13}, logits.shape());
        }
    }

    /** A copy of every parameter's gradient, then zeroed. */
    private static Map<String, float[]> grads(TranslationModel m) {
        Map<String, float[]> out = new java.util.TreeMap<>();
        m.namedParameters().forEach((name, p) -> out.put(name, p.grad() == null ? new float[p.numel()] : p.grad().toArray()));
        m.arena().zeroGrad();
        return out;
    }
}
