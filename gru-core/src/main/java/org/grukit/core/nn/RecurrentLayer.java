package org.grukit.core.nn;

import org.grukit.core.Tensor;

/**
 * A recurrent sequence layer with torch.nn.GRU's calling convention, so that the GRU and its variants (a
 * stacked GRU with residual or highway connections, tau-GRU, minGRU, light GRU) are interchangeable in a
 * model.
 */
public interface RecurrentLayer {
    /**
     * @param input   [T, B, I] or [B, T, I] per the layer's batch-first setting
     * @param h0      initial state or null for zeros
     * @param lengths each sequence's length, or null when all are T
     */
    RecurrentOutput forward(Tensor input, Tensor h0, int[] lengths);

    /** The width of the output's last dimension. */
    int outputSize();
}
