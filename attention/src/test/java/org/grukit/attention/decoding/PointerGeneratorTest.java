package org.grukit.attention.decoding;

import static org.grukit.core.Fixtures.assertForward;
import static org.grukit.core.Fixtures.assertGrad;
import static org.grukit.core.GradCheck.assertPasses;
import static org.grukit.core.GradCheck.check;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import org.grukit.attention.Masks;

/**
 * The pointer-generator against PyTorch (tools/reference/make_pointer_fixtures.py: the final distribution by
 * scatter_add, the decoder from See et al.'s equations), by finite differences, and its search: distributions
 * that sum to one over the extended vocabulary, copying of source-only words, n-gram blocking.
 */
class PointerGeneratorTest {

    @Test
    void copyMixtureMatchesTorch() {
        Map<String, Tensor> f = Fixtures.load("copy_mixture");
        Tensor logits = f.get("logits").copy().requiresGrad(true), z = f.get("switch").copy().requiresGrad(true);
        Tensor w = f.get("weights").copy().requiresGrad(true);
        int[] ids = Fixtures.ints(f.get("source_ids")), y = Fixtures.ints(f.get("targets"));
        Tensor nll = CopyMixture.nll(logits, z, w, ids, y);
        assertForward("nll", f.get("nll"), nll);
        Ops.sum(Ops.mul(nll, f.get("w"))).backward();
        assertGrad("grad logits", f.get("grad.logits"), logits.grad());
        assertGrad("grad switch", f.get("grad.switch"), z.grad());
        assertGrad("grad weights", f.get("grad.weights"), w.grad());
        float[] logDist = CopyMixture.logDistribution(logits, z, w, ids, 3), expected = f.get("log_dist").toArray();
        assertEquals(expected.length, logDist.length);
        for (int i = 0; i < expected.length; i++) {
            if (Float.isInfinite(expected[i])) assertEquals(expected[i], logDist[i], "log 0 at " + i);
            else assertEquals(expected[i], logDist[i], 1e-5, "log P at " + i);
        }
    }

    @Test
    void copyMixtureGradientsByFiniteDifferences() {
        Rng rng = new Rng(5);
        int[] ids = {2, 6, 2, -1, 7, 1, 6, 3};
        int[] y = {2, 7};
        Tensor logits = Tensor.randn(rng, 2, 6).requiresGrad(true), z = Tensor.randn(rng, 2).requiresGrad(true);
        Tensor raw = Tensor.randn(rng, 2, 4).requiresGrad(true);
        assertPasses("copy mixture", check(x -> CopyMixture.nll(x[0], x[1], Ops.softmax(x[2], -1), ids, y), logits, z, raw));
    }

    @Test
    void badInputsAreNamed() {
        Tensor logits = Tensor.zeros(2, 5), z = Tensor.zeros(2), w = Tensor.zeros(2, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> CopyMixture.nll(logits, z, w, new int[5], new int[2]));
        assertTrue(e.getMessage().contains("2 x 3 source ids, got 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CopyMixture.nll(logits, Tensor.zeros(3), w, new int[6], new int[2]));
        assertTrue(e.getMessage().contains("[2]") && e.getMessage().contains("[3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CopyMixture.logDistribution(logits, z, w, new int[] {0, 1, 9, 0, 0, 0}, 2));
        assertTrue(e.getMessage().contains("source id 9"), e.getMessage());
    }

    private static PointerGeneratorDecoder decoder(boolean pointer, boolean coverage, int vocab) {
        return new PointerGeneratorDecoder(new PointerGeneratorDecoder.Config(vocab, 4, 5, 6, 5, pointer, coverage, 0f, 0, 1), new Rng(0));
    }

    /** Per-row NLL [B, T] of teacher forcing, through the decoder's own loss. */
    private static Tensor nll(PointerGeneratorDecoder dec, PointerGeneratorDecoder.Step out, int[] sourceIds, int[] targets, int b, int t) {
        int s = out.weights().dim(2);
        int[] rowIds = new int[b * t * s];
        for (int r = 0; r < b * t; r++) System.arraycopy(sourceIds, (r / t) * s, rowIds, r * s, s);
        Tensor z = out.switchLogits() == null ? null : Ops.reshape(out.switchLogits(), b * t);
        return Ops.reshape(dec.nll(Ops.reshape(out.features(), b * t, -1), z, Ops.reshape(out.weights(), b * t, s), rowIds, targets), b, t);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pointer_decoder_pointer_coverage", "pointer_decoder"})
    void teacherForcingMatchesTorch(String name) {
        Map<String, Tensor> f = Fixtures.load(name);
        boolean pointer = name.contains("_pointer"), coverage = name.contains("coverage");
        PointerGeneratorDecoder dec = decoder(pointer, coverage, 9);
        Map<String, Tensor> params = new LinkedHashMap<>();
        for (String k : dec.namedParameters().keySet()) params.put(k, f.get(k));
        assertEquals(params.size(), f.keySet().stream().filter(k -> k.startsWith("grad.") && !k.equals("grad.memory") && !k.equals("grad.h0")).count(),
                "the decoder has exactly the reference's parameters");
        dec.loadStateDict(params);
        Tensor memory = f.get("memory").copy().requiresGrad(true), h0 = f.get("h0").copy().requiresGrad(true);
        int[] sourceIds = Fixtures.ints(f.get("source_ids"));
        PointerGeneratorDecoder.Step out = dec.features(dec.start(memory, f.get("key_padding_mask"), h0, sourceIds),
                Fixtures.ints(f.get("inputs")), 3);
        Tensor nll = nll(dec, out, sourceIds, Fixtures.ints(f.get("targets")), 2, 3);
        assertForward(name + " nll", f.get("nll"), nll);
        assertForward(name + " weights", f.get("weights"), out.weights());
        Tensor loss = Ops.add(Ops.sum(Ops.mul(nll, f.get("w_nll"))), Ops.sum(Ops.mul(out.weights(), f.get("w_weights"))));
        if (coverage) {
            assertForward(name + " coverage loss", f.get("coverage_loss"), out.coverageLoss());
            loss = Ops.add(loss, Ops.sum(Ops.mul(out.coverageLoss(), f.get("w_coverage_loss"))));
        }
        loss.backward();
        assertGrad(name + " grad memory", f.get("grad.memory"), memory.grad());
        assertGrad(name + " grad h0", f.get("grad.h0"), h0.grad());
        dec.namedParameters().forEach((k, p) -> assertGrad(name + " grad " + k, f.get("grad." + k), p.grad()));
    }

    @Test
    void decoderGradientsByFiniteDifferences() {
        Rng rng = new Rng(8);
        PointerGeneratorDecoder dec = decoder(true, true, 7);
        Tensor memory = Tensor.randn(rng, 2, 3, 6).requiresGrad(true);
        Tensor mask = Masks.keyPadding(new int[] {2, 3}, 3);
        int[] sourceIds = {3, 7, -1, 8, 2, 7};
        List<Tensor> all = new ArrayList<>(List.of(memory));
        all.addAll(dec.parameters());
        assertPasses("pointer-generator decoder", check(x -> {
            PointerGeneratorDecoder.Step o = dec.features(dec.start(x[0], mask, null, sourceIds), new int[] {2, 7, 3, 2, 8, 4}, 3);
            return Ops.concat(0, Ops.reshape(nll(dec, o, sourceIds, new int[] {7, 3, 2, 8, 5, 7}, 2, 3), -1),
                    Ops.reshape(o.coverageLoss(), -1));
        }, all.toArray(new Tensor[0])));
    }

    @Test
    void searchSpansTheExtendedVocabularyAndCopies() {
        PointerGeneratorDecoder dec = decoder(true, true, 7);
        Rng rng = new Rng(2);
        Tensor memory = Tensor.randn(rng, 2, 3, 6);
        int[] sourceIds = {3, 7, 8, 9, 2, 1}; // row 0 holds extended ids 7 and 8; row 1 holds 9 (the widest: extra 3)
        PointerGeneratorDecoder.State start = dec.start(memory, null, null, sourceIds);
        assertEquals(3, start.extra());
        try (GradMode g = GradMode.noGrad()) {
            Decoding.Scored<PointerGeneratorDecoder.State> s = dec.stepper().step(start, new int[] {2, 2});
            assertEquals(10, s.width());
            for (int r = 0; r < 2; r++) {
                double sum = 0;
                for (int k = 0; k < 10; k++) sum += Math.exp(s.logProbs()[r * 10 + k]);
                assertEquals(1.0, sum, 1e-5, "row " + r + " sums to one");
            }
            assertEquals(Float.NEGATIVE_INFINITY, s.logProbs()[9], "row 0 cannot produce the extended id only row 1 holds");
            assertTrue(s.logProbs()[7] > Float.NEGATIVE_INFINITY && s.logProbs()[10 + 9] > Float.NEGATIVE_INFINITY);
        }
        // A switch that always copies makes every output token a source token, out-of-vocabulary ones included.
        Map<String, Tensor> p = new LinkedHashMap<>(dec.namedParameters());
        p.put("switch.bias", Tensor.of(new float[] {-40f}, 1));
        p.put("switch.weight", Tensor.zeros(1, 6 + 5 + 4));
        dec.loadStateDict(p);
        List<List<Decoding.Hypothesis>> hyps = Decoding.beamSearch(dec.stepper(), start, Decoding.BeamConfig.of(3, 4, 2, 0));
        for (int r = 0; r < 2; r++) {
            for (int tok : hyps.get(r).get(0).tokens()) {
                boolean inSource = false;
                for (int i = 0; i < 3; i++) inSource |= sourceIds[r * 3 + i] == tok;
                assertTrue(inSource, "row " + r + " produced " + tok + ", not in its source");
            }
        }
    }

    @Test
    void repeatedNgramsAreBlocked() {
        int v = 5;
        int[][] seqs = {{1, 2, 3, 1, 2}, {4, 4}, {}};
        float[] logp = new float[3 * v];
        Decoding.blockRepeats(logp, v, seqs, 3);
        assertArrayEquals(new float[] {0, 0, 0, Float.NEGATIVE_INFINITY, 0}, java.util.Arrays.copyOfRange(logp, 0, v), "1 2 -> 3 was seen");
        assertArrayEquals(new float[5], java.util.Arrays.copyOfRange(logp, v, 2 * v), "no trigram yet");
        logp = new float[3 * v];
        Decoding.blockRepeats(logp, v, seqs, 2);
        assertEquals(Float.NEGATIVE_INFINITY, logp[v + 4], "4 -> 4 was seen");
        assertEquals(Float.NEGATIVE_INFINITY, logp[3], "2 -> 3 was seen");
        float[] unigram = new float[3 * v];
        Decoding.blockRepeats(unigram, v, seqs, 1);
        assertEquals(3, java.util.stream.IntStream.range(0, v).filter(k -> unigram[k] == Float.NEGATIVE_INFINITY).count(), "unigrams: no token twice");
    }

    @Test
    void beamSearchWithBlockingNeverRepeatsAnNgram() {
        PointerGeneratorDecoder dec = decoder(false, false, 6);
        Tensor memory = Tensor.randn(new Rng(4), 1, 3, 6);
        var cfg = Decoding.BeamConfig.of(3, 12, 1, 0).withMinLength(12).withNoRepeatNgram(2);
        int[] tokens = Decoding.beamSearch(dec.stepper(), dec.start(memory, null, null, new int[] {2, 3, 4}), cfg).get(0).get(0).tokens();
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (int i = 0; i + 1 < tokens.length; i++) assertTrue(seen.add(tokens[i] * 100L + tokens[i + 1]), "bigram repeated in " + java.util.Arrays.toString(tokens));
    }
}
