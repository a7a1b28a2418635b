package org.grukit.attention.recurrent;

import org.grukit.core.Ops;
import org.grukit.core.Shape;
import org.grukit.core.Tensor;
import org.grukit.core.nn.RecurrentOutput;

/**
 * What the step-by-step recurrent variants share: checking a batch-first input, the per-step validity masks
 * of a ragged batch, and assembling the output (zero past each length) and the final state (each sequence's
 * state at its last valid step, because finished sequences keep their state).
 */
final class SequenceSteps {
    private SequenceSteps() {}

    static void checkInput(String layer, Tensor x, int inputSize, int[] lengths) {
        if (x.rank() != 3 || x.dim(2) != inputSize) {
            throw new IllegalArgumentException("expected " + layer + " input of shape [B, T, " + inputSize + "], got "
                    + Shape.str(x.shape()));
        }
        if (lengths != null) {
            if (lengths.length != x.dim(0)) {
                throw new IllegalArgumentException("expected " + x.dim(0) + " lengths, got " + lengths.length);
            }
            for (int len : lengths) {
                if (len < 0 || len > x.dim(1)) {
                    throw new IllegalArgumentException("lengths must be in [0, " + x.dim(1) + "], got " + len);
                }
            }
        }
    }

    /** [B, 1]: 1 where step t is within the sequence, or null when every sequence is full length. */
    static Tensor stepMask(int[] lengths, int t) {
        if (lengths == null) return null;
        Tensor m = Tensor.zeros(lengths.length, 1);
        for (int b = 0; b < lengths.length; b++) if (t < lengths[b]) m.set(1f, b, 0);
        return m;
    }

    /** m ? next : prev, differentiably; next when m is null. */
    static Tensor keep(Tensor m, Tensor next, Tensor prev) {
        if (m == null) return next;
        return Ops.add(prev, Ops.mul(m, Ops.sub(next, prev)));
    }

    /** Stacks per-step outputs [B, H] into [B, T, H], each zeroed past its sequence's length. */
    static RecurrentOutput assemble(Tensor[] outputs, Tensor[] masks, Tensor last) {
        Tensor[] masked = new Tensor[outputs.length];
        for (int t = 0; t < outputs.length; t++) masked[t] = masks[t] == null ? outputs[t] : Ops.mul(outputs[t], masks[t]);
        Tensor out = Ops.stack(1, masked);
        return new RecurrentOutput(out, Ops.reshape(last, 1, last.dim(0), last.dim(1)));
    }
}
