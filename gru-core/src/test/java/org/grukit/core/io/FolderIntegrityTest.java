package org.grukit.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.nn.Gru;
import org.grukit.core.nn.GruConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Edits that keep a folder loadable but change what it answers are refused at load, naming the file: tensors of one
 * shape swapped, and a cell type changed in model.json (reset-after to reset-before keeps every name and shape).
 * Other files of the folder may change; the explicit skip loads an edited folder.
 */
class FolderIntegrityTest {
    @TempDir
    Path dir;

    private Gru saved() throws IOException {
        Gru g = new Gru(GruConfig.of(4, 8).withNumLayers(2), new Rng(1));
        ModelBundle.save(dir, g, ModelBundle.Provenance.none());
        return g;
    }

    @Test
    void swappedTensorsOfOneShapeAreRefusedNamingTheWeightsFile() throws IOException {
        saved();
        Map<String, Tensor> w = new LinkedHashMap<>(SafeTensors.load(dir.resolve(ModelBundle.WEIGHTS)));
        Tensor a = w.get("weight_hh_l0"), b = w.get("weight_hh_l1");
        w.put("weight_hh_l0", b);
        w.put("weight_hh_l1", a);
        SafeTensors.write(dir.resolve(ModelBundle.WEIGHTS), w, Map.of("format", "pt"));
        IOException e = assertThrows(IOException.class, () -> ModelBundle.load(dir));
        assertTrue(e.getMessage().contains(ModelBundle.WEIGHTS) && e.getMessage().contains("changed after the model was saved"), e.getMessage());
    }

    @Test
    void aChangedCellTypeInModelJsonIsRefused() throws IOException {
        saved();
        Path json = dir.resolve(ModelBundle.MODEL_JSON);
        String text = Files.readString(json);
        assertTrue(text.contains("\"resetAfter\" : true"), text);
        Files.writeString(json, text.replace("\"resetAfter\" : true", "\"resetAfter\" : false"));
        IOException e = assertThrows(IOException.class, () -> ModelBundle.load(dir));
        assertTrue(e.getMessage().contains("model.json was edited after the model was saved"), e.getMessage());
    }

    @Test
    void aMissingFileIsNamedAndOtherFilesMayChange() throws IOException {
        Gru g = saved();
        Files.writeString(dir.resolve("metrics.jsonl"), "anything");
        ModelBundle.recordProvenance(dir, Map.of("note", "added by grukit: resealed"));
        assertArrayEquals(g.arena().data(), ModelBundle.load(dir, Gru.class).arena().data(), 0f);
        String pretty = Files.readString(dir.resolve(ModelBundle.MODEL_JSON), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(ModelBundle.MODEL_JSON), pretty.replace("\n", "\r\n")); // white space is not content
        ModelBundle.load(dir);
        Files.delete(dir.resolve(ModelBundle.WEIGHTS));
        IOException e = assertThrows(IOException.class, () -> ModelBundle.open(dir));
        assertTrue(e.getMessage().contains(ModelBundle.WEIGHTS + " is missing"), e.getMessage());
    }

    @Test
    void theSkipLoadsAFolderEditedOnPurpose() throws IOException {
        saved();
        Path json = dir.resolve(ModelBundle.MODEL_JSON);
        Files.writeString(json, Files.readString(json).replace("\"resetAfter\" : true", "\"resetAfter\" : false"));
        assertThrows(IOException.class, () -> ModelBundle.load(dir));
        System.setProperty(FolderIntegrity.SKIP_PROPERTY, "true");
        try {
            Gru edited = ModelBundle.load(dir, Gru.class);
            assertTrue(!edited.config().resetAfter(), "the edit is what loads");
        } finally {
            System.clearProperty(FolderIntegrity.SKIP_PROPERTY);
        }
    }
}
