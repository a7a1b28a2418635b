package org.grukit.core.optim;

import java.util.Map;
import org.grukit.core.ParameterArena;

/**
 * An optimiser over a model's {@link ParameterArena}: each step is one pass over the flat parameter,
 * gradient and moment arrays. The learning rate may be changed between steps (by a schedule).
 */
public interface Optimizer {
    /** Applies one update from the current gradients. */
    void step();

    ParameterArena arena();

    double lr();

    void setLr(double lr);

    /** Steps taken so far. */
    long steps();

    /** The optimiser's state (moment buffers and step count) by name, for checkpoints. */
    Map<String, float[]> state();

    /** Restores {@link #state()}; the arrays must have the arena's size. */
    void loadState(Map<String, float[]> state);

    default void zeroGrad() {
        arena().zeroGrad();
    }
}
