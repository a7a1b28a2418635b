package org.grukit.speech;

import org.grukit.core.kernel.Gemm;

/**
 * The orthonormal DCT-II that turns log mel energies into cepstra, the same matrix in both presets (Kaldi's
 * and torchaudio's create_dct(norm='ortho')): y_k = sqrt((k == 0 ? 1 : 2) / n) sum_i x_i cos(pi / n (i + 1/2) k).
 * Frames go through the core's GEMM a block at a time, in float32 as torchaudio multiplies them, so memory holds
 * one block of log-mel rows, not the whole input's.
 */
final class Dct {
    private static final int BLOCK = 64;

    /** Writes one frame's log-mel values into dst[off .. off + inputs). */
    interface Rows {
        void fill(int frame, float[] dst, int off);
    }

    private final int inputs, outputs;
    private final Gemm.Packed matrix; // [inputs][outputs]

    Dct(int inputs, int outputs) {
        this.inputs = inputs;
        this.outputs = outputs;
        float[] m = new float[inputs * outputs];
        for (int i = 0; i < inputs; i++) {
            for (int k = 0; k < outputs; k++) {
                double scale = Math.sqrt((k == 0 ? 1.0 : 2.0) / inputs);
                m[i * outputs + k] = (float) (k == 0 ? scale : scale * Math.cos(Math.PI / inputs * (i + 0.5) * k));
            }
        }
        matrix = Gemm.pack(m, 0, outputs, false, inputs, outputs);
    }

    /** The DCT of {@code frames} rows produced in order by {@code rows}: [frames][outputs]. */
    float[][] transform(int frames, Rows rows) {
        float[][] out = new float[frames][];
        float[] in = new float[BLOCK * inputs], cep = new float[BLOCK * outputs];
        for (int start = 0; start < frames; start += BLOCK) {
            int count = Math.min(BLOCK, frames - start);
            for (int r = 0; r < count; r++) rows.fill(start + r, in, r * inputs);
            java.util.Arrays.fill(cep, 0f);
            Gemm.gemmSerial(cep, 0, outputs, in, 0, inputs, false, matrix, count);
            for (int r = 0; r < count; r++) out[start + r] = java.util.Arrays.copyOfRange(cep, r * outputs, (r + 1) * outputs);
        }
        return out;
    }
}
