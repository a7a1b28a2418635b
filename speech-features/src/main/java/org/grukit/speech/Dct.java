package org.grukit.speech;

/**
 * The orthonormal DCT-II that turns log mel energies into cepstra, the same matrix in both presets (Kaldi's
 * and torchaudio's create_dct(norm='ortho')): y_k = sqrt((k == 0 ? 1 : 2) / n) sum_i x_i cos(pi / n (i + 1/2) k).
 * Frames are multiplied one at a time, in float32 as torchaudio multiplies them, so memory holds one row of
 * log-mel values, not the whole input's.
 */
final class Dct {
    /** Writes one frame's log-mel values into dst[off .. off + inputs). */
    interface Rows {
        void fill(int frame, float[] dst, int off);
    }

    private final int inputs, outputs;
    private final float[] matrix; // [inputs][outputs]

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
        matrix = m;
    }

    /**
     * The DCT of {@code frames} rows produced in order by {@code rows}: [frames][outputs]. Each row on its own, in
     * the same order of sums whether a recording's frames come all at once or one at a time as it streams.
     */
    float[][] transform(int frames, Rows rows) {
        float[][] out = new float[frames][];
        float[] in = new float[inputs];
        for (int f = 0; f < frames; f++) {
            rows.fill(f, in, 0);
            float[] cep = new float[outputs];
            for (int i = 0; i < inputs; i++) {
                float v = in[i];
                int m = i * outputs;
                for (int k = 0; k < outputs; k++) cep[k] += v * matrix[m + k];
            }
            out[f] = cep;
        }
        return out;
    }
}
