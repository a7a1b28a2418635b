package org.grukit.examples.api;

import org.grukit.core.nn.RecurrentOutput;
import java.nio.file.Path;
import java.util.Map;
import org.grukit.core.GradMode;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.io.SafeTensors;
import org.grukit.core.nn.Gru;
import org.grukit.core.nn.GruConfig;

/**
 * Runs a torch.nn.GRU trained in PyTorch. In Python:
 * <pre>
 *   from safetensors.torch import save_file
 *   gru = torch.nn.GRU(4, 6, num_layers=2, bidirectional=True, batch_first=True)
 *   ... train ...
 *   save_file(gru.state_dict(), "gru.safetensors")
 * </pre>
 * then {@code java -cp examples/target/grukit.jar org.grukit.examples.api.LoadPytorchGru gru.safetensors}.
 */
public final class LoadPytorchGru {
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: LoadPytorchGru FILE.safetensors   (a state_dict of GRU(4, 6, num_layers=2,"
                    + " bidirectional=True, batch_first=True))");
            System.exit(2);
        }
        Map<String, Tensor> stateDict = SafeTensors.load(Path.of(args[0]));
        GruConfig config = GruConfig.of(4, 6).withNumLayers(2).withBidirectional(true).withBatchFirst(true);
        Gru gru = new Gru(config, new Rng(0));
        gru.loadStateDict(stateDict); // names and shapes must match exactly: weight_ih_l0, ..., bias_hh_l1_reverse
        gru.eval();

        Tensor x = Tensor.randn(new Rng(1), 3, 7, 4); // [batch, time, features]
        try (GradMode noGrad = GradMode.noGrad()) {
            RecurrentOutput out = gru.forward(x, null, new int[] {7, 5, 2}); // per-sequence lengths, any order
            System.out.println("output " + out.output()); // [3, 7, 12]
            System.out.println("h_n    " + out.hN()); // [4, 3, 6]
        }
    }
}
