package org.grukit.attention;

import static org.grukit.core.Fixtures.assertForward;
import static org.grukit.core.Fixtures.assertGrad;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.grukit.core.Fixtures;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.nn.Module;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every attention against PyTorch (tools/reference/make_attention_fixtures.py): torch.nn.MultiheadAttention
 * itself, and the Bahdanau, Luong and pooling equations written with torch ops. Values within 1e-5,
 * gradients of every input and parameter within 1e-4 relative.
 */
class AttentionParityTest {

    /** Loads the module's parameters from the fixture and returns fresh leaf copies of the named inputs. */
    private static Map<String, Tensor> setUp(Module m, Map<String, Tensor> f, String... inputs) {
        Map<String, Tensor> params = new LinkedHashMap<>();
        for (String k : m.namedParameters().keySet()) params.put(k, f.get(k));
        m.loadStateDict(params);
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (String name : inputs) in.put(name, f.get(name).copy().requiresGrad(true));
        return in;
    }

    /** A fixture's 0/1 mask (written from a torch.bool one) as a boolean mask; null when the case has none. */
    private static BoolMask boolMask(Tensor m) {
        return m == null ? null : BoolMask.of(m);
    }

    private static void check(String what, Module m, Map<String, Tensor> f, Map<String, Tensor> in, Attended a,
                              String outName) {
        assertForward(what + " " + outName, f.get(outName), a.context());
        assertForward(what + " weights", f.get("weights"), a.weights());
        Ops.add(Ops.sum(Ops.mul(a.context(), f.get("w_" + outName))), Ops.sum(Ops.mul(a.weights(), f.get("w_weights"))))
                .backward();
        in.forEach((k, t) -> assertGrad(what + " grad " + k, f.get("grad." + k), t.grad()));
        m.namedParameters().forEach((k, p) -> assertGrad(what + " grad " + k, f.get("grad." + k), p.grad()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mha_batch_first_masks", "mha_seq_first_per_head", "mha_self_causal"})
    void multiheadAttentionMatchesTorch(String name) {
        var contents = Fixtures.read(name);
        Map<String, Tensor> f = contents.tensors();
        boolean batchFirst = contents.metadata().get("batch_first").equals("True");
        boolean average = contents.metadata().get("average").equals("True");
        boolean self = contents.metadata().get("self").equals("True");
        MultiheadAttention mha = new MultiheadAttention(MultiheadAttention.Config.of(8, 2).withBatchFirst(batchFirst),
                new Rng(0));
        Map<String, Tensor> in = self ? setUp(mha, f, "query") : setUp(mha, f, "query", "key", "value");
        Tensor q = in.get("query");
        MultiheadAttention.Options opt = MultiheadAttention.Options.defaults().withWeights(true, average)
                .withKeyPaddingMask(boolMask(f.get("key_padding_mask"))).withAttnMask(boolMask(f.get("attn_mask")));
        Attended a = self ? mha.forward(q, q, q, opt) : mha.forward(q, in.get("key"), in.get("value"), opt);
        check(name, mha, f, in, a, "output");
    }

    /** PyTorch adds a float mask to the scores: finite entries shift them, -inf masks. */
    @ParameterizedTest
    @ValueSource(strings = {"mha_float_masks", "mha_float_padding", "mha_bool_padding_float_attn"})
    void floatMasksAreAddedAsInTorch(String name) {
        var contents = Fixtures.read(name);
        Map<String, Tensor> f = contents.tensors();
        MultiheadAttention mha = new MultiheadAttention(MultiheadAttention.Config.of(8, 2).withBatchFirst(true),
                new Rng(0));
        Map<String, Tensor> in = setUp(mha, f, "query", "key", "value");
        MultiheadAttention.Options opt = MultiheadAttention.Options.defaults();
        if (f.containsKey("attn_mask")) opt = opt.withAttnMask(f.get("attn_mask"));
        opt = contents.metadata().get("key_padding_bool").equals("True")
                ? opt.withKeyPaddingMask(BoolMask.of(f.get("key_padding_mask")))
                : opt.withKeyPaddingMask(f.get("key_padding_mask"));
        check(name, mha, f, in, mha.forward(in.get("query"), in.get("key"), in.get("value"), opt), "output");
    }

    @Test
    void aFloatMaskOfZerosAndOnesIsRefusedAsAmbiguous() {
        Tensor zeroOne = BoolMask.causal(3).toTensor();
        var e = assertThrows(IllegalArgumentException.class,
                () -> MultiheadAttention.Options.defaults().withAttnMask(zeroOne));
        assertTrue(e.getMessage().contains("BoolMask.of"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> MultiheadAttention.Options.defaults().withKeyPaddingMask(Masks.keyPadding(new int[] {1, 3}, 3)));
        // Not ambiguous: all zeros adds nothing and masks nothing either way; 0/-inf is a float mask.
        MultiheadAttention.Options.defaults().withAttnMask(Tensor.zeros(3, 3));
        var bad = assertThrows(IllegalArgumentException.class, () -> BoolMask.of(Tensor.full(0.5f, 2, 2)));
        assertTrue(bad.getMessage().contains("0.5"), bad.getMessage());
    }

    @Test
    void additiveMatchesTorch() {
        Map<String, Tensor> f = Fixtures.load("additive");
        AdditiveAttention attn = new AdditiveAttention(4, 6, 7, new Rng(0));
        Map<String, Tensor> in = setUp(attn, f, "query", "keys", "values");
        Attended a = attn.forward(in.get("query"), in.get("keys"), in.get("values"), f.get("key_padding_mask"));
        check("additive", attn, f, in, a, "context");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dot", "general", "concat"})
    void luongMatchesTorch(String mode) {
        Map<String, Tensor> f = Fixtures.load("luong_" + mode);
        LuongAttention attn = new LuongAttention(LuongAttention.Score.valueOf(mode.toUpperCase()), 6, 6, 7, new Rng(0));
        Map<String, Tensor> in = setUp(attn, f, "query", "keys");
        Attended a = attn.forward(in.get("query"), in.get("keys"), null, f.get("key_padding_mask"));
        check("luong " + mode, attn, f, in, a, "context");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void poolingMatchesTorch(int hops) {
        Map<String, Tensor> f = Fixtures.load("pooling_" + hops);
        AttentionPooling pool = new AttentionPooling(6, 7, hops, new Rng(0));
        Map<String, Tensor> in = setUp(pool, f, "h");
        Attended a = pool.forward(in.get("h"), f.get("key_padding_mask"));
        check("pooling " + hops, pool, f, in, a, "pooled");
    }
}
