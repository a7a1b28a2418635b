package org.grukit.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.grukit.core.Fuzz;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.nn.Gru;
import org.grukit.core.nn.GruConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated safetensors files and model folders, in the fuzz suite's small heap: every one loads (with no more values
 * than the file holds) or is refused naming the file; nothing else, no hang. Model folders are mutated with the
 * digest check skipped, so that every mutation reaches the checks behind it (with the check, each one is refused
 * by its digest).
 */
class SafeTensorsFuzzTest {
    @TempDir
    Path dir;

    private Gru gru() {
        return new Gru(GruConfig.of(3, 4).withNumLayers(2), new Rng(1));
    }

    @Test
    @Timeout(300)
    void mutatedSafetensorsLoadOrAreRefusedNamingTheFile() throws IOException {
        Path file = dir.resolve("w.safetensors");
        SafeTensors.write(file, gru().stateDict(), Map.of("format", "pt"));
        byte[] good = Files.readAllBytes(file);
        Fuzz.Counts c = Fuzz.run("safetensors", file, good, "{}[]\":,0123456789F_ABCDEINT", Fuzz.rounds(3000), 5, f -> SafeTensors.load(f),
                r -> {
                    long values = 0;
                    for (Tensor t : ((Map<?, Tensor>) r).values()) values += t.numel();
                    return values * 4 <= good.length;
                });
        assertEquals(c.inputs(), c.results() + c.clearErrors());
    }

    @Test
    @Timeout(300)
    void mutatedModelFoldersLoadOrAreRefusedNamingTheFile() throws IOException {
        Path folder = dir.resolve("m");
        ModelBundle.save(folder, gru(), ModelBundle.Provenance.of(1, "fuzz"));
        Path json = folder.resolve(ModelBundle.MODEL_JSON), weights = folder.resolve(ModelBundle.WEIGHTS);
        byte[] goodJson = Files.readAllBytes(json), goodWeights = Files.readAllBytes(weights);
        System.setProperty(FolderIntegrity.SKIP_PROPERTY, "true");
        try {
            int rounds = Fuzz.rounds(2000);
            Fuzz.Counts a = Fuzz.run("model.json", json, goodJson, "{}[]\":,0123456789-.etruflsn", rounds, 6,
                    f -> ModelBundle.load(folder), r -> ((Gru) r).parameterCount() * 4 <= goodWeights.length);
            Files.write(json, goodJson);
            Fuzz.Counts b = Fuzz.run("model weights", weights, goodWeights, "{}[]\":,0123456789F_ABCDEINT", rounds, 7,
                    f -> ModelBundle.load(folder), r -> r instanceof Gru);
            assertEquals(2 * rounds, a.results() + a.clearErrors() + b.results() + b.clearErrors());
        } finally {
            System.clearProperty(FolderIntegrity.SKIP_PROPERTY);
        }
    }
}
