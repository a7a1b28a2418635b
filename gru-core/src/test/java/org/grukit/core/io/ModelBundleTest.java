package org.grukit.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.grukit.core.Fixtures;
import org.grukit.core.GradMode;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.nn.Gru;
import org.grukit.core.nn.GruConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model bundles: exact round trips, and refusal of anything that would give a wrong model. */
class ModelBundleTest {
    @TempDir
    Path dir;

    private final GruConfig cfg = GruConfig.of(3, 5).withNumLayers(2).withBidirectional(true).withBatchFirst(true)
            .withResetAfter(false);

    private Gru saved() throws IOException {
        Gru gru = new Gru(cfg, new Rng(42));
        ModelBundle.save(dir, gru, ModelBundle.Provenance.of(42, "unit test"));
        return gru;
    }

    @Test
    void roundTripGivesIdenticalOutputs() throws IOException {
        Gru gru = saved();
        Gru loaded = ModelBundle.load(dir, Gru.class);
        assertEquals(cfg, loaded.config());
        Tensor x = Tensor.randn(new Rng(1), 2, 4, 3);
        try (GradMode g = GradMode.noGrad()) {
            assertArrayEquals(gru.forward(x).output().toArray(), loaded.forward(x).output().toArray(), 0f);
        }
        var desc = ModelBundle.readDescriptor(dir);
        assertEquals(ModelBundle.FORMAT_VERSION, desc.get("formatVersion").asInt());
        assertEquals("gru", desc.get("type").asText());
        assertEquals(42, desc.get("provenance").get("seed").asLong());
        assertTrue(desc.get("provenance").has("grukitVersion"));
        assertEquals(gru.parameterCount(), desc.get("weights").get("parameters").asLong());
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary files left behind");
        }
    }

    private void editJson(String from, String to) throws IOException {
        Path p = dir.resolve(ModelBundle.MODEL_JSON);
        String s = Files.readString(p);
        assertTrue(s.contains(from), "fixture text not found: " + from);
        Files.writeString(p, s.replace(from, to));
    }

    /**
     * The edit is refused, and refused for what it is when the digests are not checked (someone who edits on purpose
     * still gets every check a constructor makes).
     */
    private void assertLoadFails(String fragment) {
        assertThrows(IOException.class, () -> ModelBundle.load(dir));
        System.setProperty(FolderIntegrity.SKIP_PROPERTY, "true");
        try {
            IOException e = assertThrows(IOException.class, () -> ModelBundle.load(dir));
            assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
        } finally {
            System.clearProperty(FolderIntegrity.SKIP_PROPERTY);
        }
    }

    @Test
    void unknownVersionOrTypeIsRefused() throws IOException {
        saved();
        editJson("\"formatVersion\" : 3", "\"formatVersion\" : 4");
        assertLoadFails("formatVersion 4 was written by a newer grukit");
        saved();
        editJson("\"formatVersion\" : 3", "\"formatVersion\" : 2.5");
        assertLoadFails("formatVersion is missing (expected an integer)");
        saved();
        editJson("\"type\" : \"gru\"", "\"type\" : \"lstm\"");
        assertLoadFails("unknown model type 'lstm'");
        saved();
        editJson("\"hiddenSize\" : 5", "\"hiddenSize\" : -5");
        assertLoadFails("hiddenSize must be > 0");
    }

    /** Sizes in model.json are checked against what the weights file can hold before anything is allocated. */
    @Test
    @org.junit.jupiter.api.Timeout(20)
    void sizesThatLieAreRefusedBeforeTheyAreAllocated() throws IOException {
        saved();
        editJson("\"hiddenSize\" : 5", "\"hiddenSize\" : 50000000");
        assertLoadFails("its sizes are wrong");
        saved();
        editJson("\"hiddenSize\" : 5", "\"hiddenSize\" : 20000");
        assertLoadFails("needs more than");
        saved();
        editJson("\"numLayers\" : 2", "\"numLayers\" : 50000000");
        assertLoadFails("numLayers must be in [1, 1024], got 50000000");
    }

    @Test
    void aNonFiniteWeightIsRefusedNamingTheTensor() throws IOException {
        Gru gru = saved();
        Map<String, Tensor> sd = new LinkedHashMap<>(gru.stateDict());
        Tensor bias = sd.get("bias_hh_l1").detach();
        float[] v = bias.toArray();
        v[2] = Float.NaN;
        sd.put("bias_hh_l1", Tensor.of(v, bias.shape()));
        SafeTensors.write(dir.resolve(ModelBundle.WEIGHTS), sd, null);
        assertLoadFails("tensor 'bias_hh_l1' holds NaN at element 2");
    }

    @Test
    void missingExtraOrMisShapedWeightsAreRefused() throws IOException {
        Gru gru = saved();
        Path w = dir.resolve(ModelBundle.WEIGHTS);
        Map<String, Tensor> sd = new LinkedHashMap<>(gru.stateDict());
        sd.remove("bias_hh_l1_reverse");
        SafeTensors.write(w, sd, null);
        assertLoadFails("missing [bias_hh_l1_reverse]");

        sd = new LinkedHashMap<>(gru.stateDict());
        sd.put("weight_ih_l2", Tensor.zeros(15, 10));
        SafeTensors.write(w, sd, null);
        assertLoadFails("unexpected [weight_ih_l2]");

        sd = new LinkedHashMap<>(gru.stateDict());
        sd.put("weight_hh_l0", Tensor.zeros(15, 4));
        SafeTensors.write(w, sd, null);
        assertLoadFails("weight_hh_l0: expected [15, 5], got [15, 4]");

        byte[] bytes = Files.readAllBytes(Fixtures.path("gru_1layer"));
        Files.write(w, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        assertThrows(IOException.class, () -> ModelBundle.load(dir));

        Files.delete(dir.resolve(ModelBundle.MODEL_JSON));
        assertLoadFails("model.json not found");
    }
}
