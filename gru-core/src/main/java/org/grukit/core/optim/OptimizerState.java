package org.grukit.core.optim;

import java.util.Map;

/** Validation of optimiser state restored from a checkpoint. */
final class OptimizerState {
    private OptimizerState() {}

    static float[] require(Map<String, float[]> state, String name, int size) {
        float[] v = state.get(name);
        if (v == null) throw new IllegalArgumentException("optimizer state has no '" + name + "'; it has " + state.keySet());
        if (v.length != size) {
            throw new IllegalArgumentException("optimizer state '" + name + "' has " + v.length + " values, expected "
                    + size + " (was it saved for another model?)");
        }
        return v;
    }
}
