package org.grukit.core.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.grukit.core.ParameterArena;
import org.grukit.core.Tensor;

/**
 * What every optimiser over an arena shares: the arena, the current learning rate, the step count and the
 * parameter groups. Groups are resolved once into runs of the flat arena ({@link Segment}), so a step is still
 * one pass over contiguous memory; after it the arena's version is bumped, so no cached form of the old
 * weights survives a step.
 */
abstract class ArenaOptimizer implements Optimizer {
    /**
     * A run of the arena [start, end) whose parameters share a group: its lr is the optimiser's times
     * {@code lrScale}, its weight decay {@code weightDecay}.
     */
    protected record Segment(int start, int end, double lrScale, double weightDecay) {}

    protected final ParameterArena arena;
    protected double lr;
    protected long steps;
    private final List<Segment> segments;

    ArenaOptimizer(ParameterArena arena, double lr, double weightDecay, List<ParamGroup> groups) {
        this.arena = arena;
        this.lr = lr;
        this.segments = segments(arena, lr, weightDecay, groups);
    }

    /** Resolves the groups to arena runs, refusing unknown names and names in two groups, as torch does. */
    private static List<Segment> segments(ParameterArena arena, double lr, double weightDecay, List<ParamGroup> groups) {
        Map<String, Integer> groupOf = new LinkedHashMap<>();
        TreeSet<String> unknown = new TreeSet<>();
        for (int g = 0; g < groups.size(); g++) {
            ParamGroup group = groups.get(g);
            if (group.lr().isPresent() && lr == 0 && group.lr().getAsDouble() != 0) {
                throw new IllegalArgumentException("parameter group " + g + " has lr " + group.lr().getAsDouble()
                        + " but the optimizer's lr is 0; group lrs are kept as ratios to it, so it must be > 0");
            }
            for (String name : group.names()) {
                if (!arena.parameters().containsKey(name)) unknown.add(name);
                Integer before = groupOf.putIfAbsent(name, g);
                if (before != null) {
                    throw new IllegalArgumentException("parameter " + name + " appears in parameter groups " + before
                            + " and " + g + "; each parameter may be in one group only");
                }
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("parameter groups name parameters the model does not have: " + unknown
                    + "; it has " + arena.parameters().keySet());
        }
        List<Segment> out = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : arena.parameters().entrySet()) {
            Integer g = groupOf.get(e.getKey());
            ParamGroup group = g == null ? null : groups.get(g);
            double scale = group == null || group.lr().isEmpty() ? 1 : lr == 0 ? 0 : group.lr().getAsDouble() / lr;
            double wd = group == null || group.weightDecay().isEmpty() ? weightDecay : group.weightDecay().getAsDouble();
            int start = arena.offsetOf(e.getKey()), end = start + e.getValue().numel();
            Segment last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.end() == start && last.lrScale() == scale && last.weightDecay() == wd) {
                out.set(out.size() - 1, new Segment(last.start(), end, scale, wd));
            } else if (end > start) {
                out.add(new Segment(start, end, scale, wd));
            }
        }
        return List.copyOf(out);
    }

    /** The arena's runs with their group's lr scale and weight decay, in arena order, covering every parameter. */
    protected final List<Segment> segments() {
        return segments;
    }

    @Override
    public final void step() {
        steps++;
        update(arena.data(), arena.grad());
        arena.bumpVersion();
    }

    /** One update of the parameters {@code p} from the gradients {@code g}; {@link #steps} already counts it. */
    protected abstract void update(float[] p, float[] g);

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
