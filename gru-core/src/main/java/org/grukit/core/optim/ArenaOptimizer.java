package org.grukit.core.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import org.grukit.core.ParameterArena;

/** What every optimiser over an arena shares: the arena, the current learning rate and the step count. */
abstract class ArenaOptimizer implements Optimizer {
    protected final ParameterArena arena;
    protected double lr;
    protected long steps;

    ArenaOptimizer(ParameterArena arena, double lr) {
        this.arena = arena;
        this.lr = lr;
    }

    @Override
    public final ParameterArena arena() {
        return arena;
    }

    @Override
    public final double lr() {
        return lr;
    }

    @Override
    public final void setLr(double lr) {
        if (!(lr >= 0)) throw new IllegalArgumentException("lr must be >= 0, got " + lr);
        this.lr = lr;
    }

    @Override
    public final long steps() {
        return steps;
    }

    /** The moment buffers to checkpoint, by name. */
    protected abstract Map<String, float[]> buffers();

    /** Restores the moment buffers (absent names mean "not started"). */
    protected abstract void loadBuffers(Map<String, float[]> state);

    @Override
    public final Map<String, float[]> state() {
        Map<String, float[]> s = new LinkedHashMap<>();
        s.put("step", new float[] {steps, (float) lr});
        buffers().forEach((k, v) -> s.put(k, v.clone()));
        return s;
    }

    @Override
    public final void loadState(Map<String, float[]> state) {
        float[] st = OptimizerState.require(state, "step", 2);
        loadBuffers(state);
        steps = (long) st[0];
        lr = st[1];
    }
}
