package org.grukit.core.optim;

import java.util.Map;

/**
 * Sets an optimiser's learning rate as training goes, with the semantics of the torch.optim.lr_scheduler
 * class of the same name. A scheduler steps either after every optimiser step or after every epoch (with
 * the epoch's monitored metric, used by {@link ReduceLrOnPlateau}).
 */
public interface LrScheduler {
    enum Interval { STEP, EPOCH }

    Interval interval();

    /** Advances one step or epoch and sets the optimiser's lr; {@code metric} is NaN when there is none. */
    void step(Optimizer optimizer, double metric);

    /** State to checkpoint (counters, best metric), restored by {@link #loadState}. */
    Map<String, Double> state();

    void loadState(Map<String, Double> state);
}
