package org.grukit.attention.recurrent;

import org.grukit.core.Ops;
import org.grukit.core.Tensor;
import org.grukit.core.nn.Module;
import org.grukit.core.nn.RecurrentLayer;
import org.grukit.core.nn.RecurrentOutput;

/**
 * Any one-directional recurrent layer run both ways (batch-first): the {@code reverse} layer reads each
 * sequence backwards from its own last valid step, and the outputs are concatenated as torch.nn.GRU's
 * bidirectional output ([B, T, 2H]; h_n [2, B, H], forward then reverse).
 */
public final class Bidirectional extends Module implements RecurrentLayer {
    private final RecurrentLayer forward, reverse;

    public <L extends Module & RecurrentLayer> Bidirectional(L forward, L reverse) {
        if (forward.outputSize() != reverse.outputSize()) {
            throw new IllegalArgumentException("both directions need the same width, got " + forward.outputSize() + " and "
                    + reverse.outputSize());
        }
        this.forward = registerModule("forward", forward);
        this.reverse = registerModule("reverse", reverse);
    }

    @Override
    public int outputSize() {
        return 2 * forward.outputSize();
    }

    /** h0 [2, B, H] (forward, reverse) or null. */
    @Override
    public RecurrentOutput forward(Tensor x, Tensor h0, int[] lengths) {
        Tensor h0f = h0 == null ? null : Ops.narrow(h0, 0, 0, 1), h0r = h0 == null ? null : Ops.narrow(h0, 0, 1, 1);
        RecurrentOutput f = forward.forward(x, h0f, lengths);
        int[] order = reversal(x.dim(0), x.dim(1), lengths);
        RecurrentOutput r = reverse.forward(reverseSteps(x, order), h0r, lengths);
        Tensor back = reverseSteps(r.output(), order);
        return new RecurrentOutput(Ops.concat(2, f.output(), back), Ops.concat(0, f.hN(), r.hN()));
    }

    /** Row map over [B*T]: step t of sequence b reads step len_b - 1 - t; padded steps stay where they are. */
    static int[] reversal(int batch, int steps, int[] lengths) {
        int[] order = new int[batch * steps];
        for (int b = 0; b < batch; b++) {
            int len = lengths == null ? steps : lengths[b];
            for (int t = 0; t < steps; t++) order[b * steps + t] = b * steps + (t < len ? len - 1 - t : t);
        }
        return order;
    }

    /** Applies a reversal to [B, T, F] (it is its own inverse). */
    static Tensor reverseSteps(Tensor x, int[] order) {
        int b = x.dim(0), t = x.dim(1), f = x.dim(2);
        return Ops.reshape(Ops.indexSelect(Ops.reshape(x, b * t, f), order), b, t, f);
    }
}
