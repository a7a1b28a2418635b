package org.grukit.core.nn;

import org.grukit.core.Tensor;

/**
 * What a recurrent layer returns, as torch.nn.GRU: {@code output} [T, B, D*H] (or [B, T, D*H] batch-first),
 * zero past each sequence's length, and {@code hN} [L*D, B, H], each sequence's state at its last valid step.
 */
public record RecurrentOutput(Tensor output, Tensor hN) {}
