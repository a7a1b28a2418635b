package org.grukit.core.io;

import org.grukit.core.nn.RecurrentOutput;
import static org.grukit.core.Fixtures.assertForward;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.grukit.core.Fixtures;
import org.grukit.core.GradMode;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.nn.Gru;
import org.grukit.core.nn.GruConfig;
import org.junit.jupiter.api.Test;

/**
 * A GRU trained in PyTorch and saved with its state_dict names loads into grukit and gives PyTorch's
 * outputs; saved again by grukit, its tensors are bit-identical. The file written here,
 * gru-core/target/pytorch-roundtrip/gru.safetensors, is what tools/reference/check_roundtrip.py loads
 * back into torch.nn.GRU for the other direction.
 */
class PyTorchRoundTripTest {
    @Test
    void pytorchToGrukitAndBack() throws IOException {
        Map<String, Tensor> weights = SafeTensors.load(Fixtures.path("pytorch_gru"));
        Map<String, Tensor> io = Fixtures.load("pytorch_gru_io");
        Gru gru = new Gru(GruConfig.of(4, 6).withNumLayers(2).withBidirectional(true).withBatchFirst(true), new Rng(0));
        gru.loadStateDict(weights);
        try (GradMode g = GradMode.noGrad()) {
            RecurrentOutput out = gru.forward(io.get("x"));
            assertForward("pytorch-trained GRU output", io.get("output"), out.output());
            assertForward("pytorch-trained GRU h_n", io.get("h_n"), out.hN());
        }
        Path outDir = Path.of("target", "pytorch-roundtrip");
        Files.createDirectories(outDir);
        Path file = outDir.resolve("gru.safetensors");
        SafeTensors.write(file, gru.stateDict(), Map.of("format", "pt"));
        Map<String, Tensor> back = SafeTensors.load(file);
        for (Map.Entry<String, Tensor> e : weights.entrySet()) {
            assertArrayEquals(e.getValue().toArray(), back.get(e.getKey()).toArray(), 0f, e.getKey());
        }
    }
}
