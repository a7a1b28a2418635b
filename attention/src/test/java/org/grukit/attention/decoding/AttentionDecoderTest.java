package org.grukit.attention.decoding;

import static org.grukit.core.Fixtures.assertForward;
import static org.grukit.core.Fixtures.assertGrad;
import static org.grukit.core.GradCheck.assertPasses;
import static org.grukit.core.GradCheck.check;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grukit.core.Fixtures;
import org.grukit.core.GradMode;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.grukit.attention.LuongAttention;
import org.grukit.attention.Masks;

/** The attention decoders against PyTorch, by finite differences, and their search against exhaustive search. */
class AttentionDecoderTest {

    private static AttentionDecoder decoder(AttentionDecoder.Style style, int vocab, Rng rng) {
        AttentionDecoder.Config cfg = style == AttentionDecoder.Style.BAHDANAU
                ? AttentionDecoder.Config.bahdanau(vocab, 4, 5, 6)
                : AttentionDecoder.Config.luong(vocab, 4, 5, 6, LuongAttention.Score.GENERAL);
        return new AttentionDecoder(cfg, rng);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bahdanau", "luong"})
    void teacherForcingMatchesTorch(String style) {
        Map<String, Tensor> f = Fixtures.load("decoder_" + style);
        AttentionDecoder dec = decoder(AttentionDecoder.Style.valueOf(style.toUpperCase()), 7, new Rng(0));
        Map<String, Tensor> params = new LinkedHashMap<>();
        for (String k : dec.namedParameters().keySet()) params.put(k, f.get(k));
        dec.loadStateDict(params);
        Tensor memory = f.get("memory").copy().requiresGrad(true), h0 = f.get("h0").copy().requiresGrad(true);
        AttentionDecoder.Output out = dec.forward(dec.start(memory, f.get("key_padding_mask"), h0),
                Fixtures.ints(f.get("inputs")), 3);
        assertForward(style + " logits", f.get("logits"), out.logits());
        assertForward(style + " weights", f.get("weights"), out.weights());
        Ops.add(Ops.sum(Ops.mul(out.logits(), f.get("w_logits"))), Ops.sum(Ops.mul(out.weights(), f.get("w_weights"))))
                .backward();
        assertGrad(style + " grad memory", f.get("grad.memory"), memory.grad());
        assertGrad(style + " grad h0", f.get("grad.h0"), h0.grad());
        dec.namedParameters().forEach((k, p) -> assertGrad(style + " grad " + k, f.get("grad." + k), p.grad()));
    }

    @Test
    void luongDecoderGradients() {
        Rng rng = new Rng(3);
        AttentionDecoder dec = decoder(AttentionDecoder.Style.LUONG, 6, rng);
        Tensor memory = Tensor.randn(rng, 2, 3, 6).requiresGrad(true);
        Tensor mask = Masks.keyPadding(new int[] {2, 3}, 3);
        List<Tensor> all = new ArrayList<>(List.of(memory));
        all.addAll(dec.parameters());
        assertPasses("luong decoder", check(x -> {
            AttentionDecoder.Output o = dec.forward(dec.start(x[0], mask, null), new int[] {1, 2, 3, 1, 4, 5}, 3);
            return Ops.concat(0, Ops.reshape(o.logits(), -1), Ops.reshape(o.weights(), -1));
        }, all.toArray(new Tensor[0])));
    }

    @Test
    void tiedEmbeddingDecoderGradientsAndSteps() {
        Rng rng = new Rng(4);
        AttentionDecoder dec = new AttentionDecoder(AttentionDecoder.Config.bahdanau(6, 4, 5, 6).withTiedEmbeddings(true), rng);
        assertTrue(dec.namedParameters().containsKey("out_proj.weight") && !dec.namedParameters().containsKey("out.weight"));
        Tensor memory = Tensor.randn(rng, 2, 3, 6).requiresGrad(true);
        Tensor mask = Masks.keyPadding(new int[] {2, 3}, 3);
        List<Tensor> all = new ArrayList<>(List.of(memory));
        all.addAll(dec.parameters());
        // The embedding matrix gets gradient from the input lookups and from the output layer.
        assertPasses("tied decoder", check(x -> Ops.reshape(dec.forward(dec.start(x[0], mask, null), new int[] {1, 2, 3, 1, 4, 5}, 3).logits(), -1),
                all.toArray(new Tensor[0])));
        try (GradMode g = GradMode.noGrad()) {
            AttentionDecoder.State s = dec.start(memory, mask, null);
            Tensor teacher = dec.forward(s, new int[] {1, 2, 1, 4}, 2).logits();
            AttentionDecoder.Step first = dec.step(s, new int[] {1, 1});
            for (int b = 0; b < 2; b++) {
                for (int v = 0; v < 6; v++) assertEquals(teacher.get(b, 0, v), first.logits().get(b, v), 1e-6f, "step and teacher forcing agree");
            }
        }
    }

    /** Total log-probability of emitting {@code seq} (without the start token) from {@code start}. */
    private static double logProb(AttentionDecoder dec, AttentionDecoder.State start, int[] seq, int bos) {
        try (GradMode g = GradMode.noGrad()) {
            AttentionDecoder.State s = start;
            int prev = bos;
            double total = 0;
            for (int tok : seq) {
                AttentionDecoder.Step st = dec.step(s, new int[] {prev});
                total += Ops.logSoftmax(st.logits(), -1).get(0, tok);
                s = st.state();
                prev = tok;
            }
            return total;
        }
    }

    @Test
    void wideBeamFindsTheExhaustiveOptimumAndBeamOneIsGreedy() {
        int vocab = 5, bos = 1, eos = 2, maxLen = 3;
        for (AttentionDecoder.Style style : AttentionDecoder.Style.values()) {
            Rng rng = new Rng(11);
            AttentionDecoder dec = decoder(style, vocab, rng);
            dec.eval();
            AttentionDecoder.State start = dec.start(Tensor.randn(rng, 1, 3, 6), null, Tensor.randn(rng, 1, 5));
            // Every sequence of length <= 3 that ends at its first eos, plus the unfinished ones of length 3.
            List<int[]> all = new ArrayList<>();
            enumerate(new int[0], vocab, eos, maxLen, all);
            double best = Double.NEGATIVE_INFINITY;
            int[] bestSeq = null;
            for (int[] seq : all) {
                double lp = logProb(dec, start, seq, bos);
                if (lp > best) {
                    best = lp;
                    bestSeq = seq;
                }
            }
            Decoding.BeamConfig wide = new Decoding.BeamConfig(64, maxLen, 0, new Decoding.LengthPenalty.None(), 5, bos, eos, 0);
            List<Decoding.Hypothesis> hyps = Decoding.beamSearch(dec, start, wide).get(0);
            assertArrayEquals(bestSeq, hyps.get(0).tokens(), style + ": wide beam misses the optimum");
            assertEquals(best, hyps.get(0).logProb(), 1e-4);
            for (int i = 1; i < hyps.size(); i++) {
                assertTrue(hyps.get(i - 1).score() >= hyps.get(i).score(), "n-best sorted");
                assertFalse(java.util.Arrays.equals(hyps.get(i - 1).tokens(), hyps.get(i).tokens()), "n-best distinct");
                assertEquals(logProb(dec, start, hyps.get(i).tokens(), bos), hyps.get(i).logProb(), 1e-4, "scores are true");
            }
            int[] greedy = Decoding.greedy(dec, start, bos, eos, maxLen).get(0);
            Decoding.Hypothesis one = Decoding.beamSearch(dec, start, new Decoding.BeamConfig(1, maxLen, 0,
                    new Decoding.LengthPenalty.None(), 1, bos, eos, 0)).get(0).get(0);
            assertArrayEquals(greedy, one.tokens(), style + ": beam of one is greedy");
            Decoding.Hypothesis g = Decoding.greedySearch(dec, start, bos, eos, maxLen, new Decoding.LengthPenalty.None()).get(0);
            assertArrayEquals(greedy, g.tokens());
            assertEquals(logProb(dec, start, g.tokens(), bos), g.logProb(), 1e-4, "greedy's log-probability is true");
            assertArrayEquals(g.alignment(), one.alignment(), style + ": the same path has the same alignment");
        }
    }

    private static void enumerate(int[] prefix, int vocab, int eos, int maxLen, List<int[]> out) {
        if (prefix.length > 0 && prefix[prefix.length - 1] == eos || prefix.length == maxLen) {
            out.add(prefix);
            return;
        }
        for (int tok = 0; tok < vocab; tok++) {
            int[] next = java.util.Arrays.copyOf(prefix, prefix.length + 1);
            next[prefix.length] = tok;
            enumerate(next, vocab, eos, maxLen, out);
        }
    }

    @Test
    void batchedBeamSearchMatchesOneRowAtATimeAndMarksUnfinished() {
        Rng rng = new Rng(5);
        AttentionDecoder dec = decoder(AttentionDecoder.Style.BAHDANAU, 9, rng);
        dec.eval();
        Tensor memory = Tensor.randn(rng, 3, 4, 6);
        Tensor mask = Masks.keyPadding(new int[] {4, 2, 3}, 4);
        Decoding.BeamConfig cfg = Decoding.BeamConfig.of(4, 6, 1, 2).withNBest(3)
                .withLengthPenalty(new Decoding.LengthPenalty.Gnmt(0.6));
        List<List<Decoding.Hypothesis>> batched = Decoding.beamSearch(dec, dec.start(memory, mask, null), cfg);
        for (int b = 0; b < 3; b++) {
            int[] row = {b};
            AttentionDecoder.State one = dec.start(Ops.indexSelect(memory, row), Ops.indexSelect(mask, row), null);
            List<Decoding.Hypothesis> single = Decoding.beamSearch(dec, one, cfg).get(0);
            assertEquals(single.size(), batched.get(b).size());
            for (int i = 0; i < single.size(); i++) {
                assertArrayEquals(single.get(i).tokens(), batched.get(b).get(i).tokens(), "row " + b + " hypothesis " + i);
                assertEquals(single.get(i).score(), batched.get(b).get(i).score(), 1e-5);
            }
            int realLength = new int[] {4, 2, 3}[b];
            for (Decoding.Hypothesis h : batched.get(b)) {
                assertEquals(h.finished(), h.tokens()[h.tokens().length - 1] == 2, "finished iff it ends with eos");
                assertTrue(h.tokens().length <= 6);
                assertEquals(h.tokens().length, h.alignment().length, "one aligned source position per token");
                for (int a : h.alignment()) assertTrue(a >= 0 && a < realLength, "aligned to a real source position, not padding: " + a);
            }
        }
    }

    /** With a limit per row, a row decodes as it does alone with its own limit, whatever rows share its batch. */
    @Test
    void perRowLengthLimitsMakeARowIndependentOfItsBatch() {
        Rng rng = new Rng(7);
        AttentionDecoder dec = decoder(AttentionDecoder.Style.BAHDANAU, 9, rng);
        dec.eval();
        Tensor memory = Tensor.randn(rng, 3, 4, 6);
        Tensor mask = Masks.keyPadding(new int[] {4, 2, 3}, 4);
        int[] limits = {2, 7, 4};
        Decoding.BeamConfig cfg = Decoding.BeamConfig.of(3, 7, 1, 2).withNBest(2);
        AttentionDecoder.State start = dec.start(memory, mask, null);
        List<List<Decoding.Hypothesis>> beams = Decoding.beamSearch(Decoding.stepper(dec), start, cfg, limits);
        List<Decoding.Hypothesis> greedy = Decoding.greedySearch(Decoding.stepper(dec), start, 1, 2, limits, new Decoding.LengthPenalty.None());
        for (int b = 0; b < 3; b++) {
            int[] row = {b};
            AttentionDecoder.State one = dec.start(Ops.indexSelect(memory, row), Ops.indexSelect(mask, row), null);
            List<Decoding.Hypothesis> alone = Decoding.beamSearch(dec, one, Decoding.BeamConfig.of(3, limits[b], 1, 2).withNBest(2)).get(0);
            assertEquals(alone.size(), beams.get(b).size(), "row " + b);
            for (int i = 0; i < alone.size(); i++) {
                assertArrayEquals(alone.get(i).tokens(), beams.get(b).get(i).tokens(), "row " + b + " hypothesis " + i);
                assertEquals(alone.get(i).score(), beams.get(b).get(i).score(), 1e-5);
                assertTrue(beams.get(b).get(i).tokens().length <= limits[b]);
            }
            Decoding.Hypothesis g = Decoding.greedySearch(dec, one, 1, 2, limits[b], new Decoding.LengthPenalty.None()).get(0);
            assertArrayEquals(g.tokens(), greedy.get(b).tokens(), "greedy row " + b);
            assertEquals(g.logProb(), greedy.get(b).logProb(), 1e-5);
        }
    }
}
