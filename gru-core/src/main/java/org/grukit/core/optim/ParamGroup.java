package org.grukit.core.optim;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Predicate;
import org.grukit.core.ParameterArena;

/**
 * Parameters that take their own learning rate or weight decay, as one of torch.optim's {@code param_groups}.
 * Parameters named in no group form the default group, which takes the optimiser config's values; a value a
 * group leaves empty is the config's too. A learning-rate schedule scales every group's lr by the same
 * factor, so a group keeps its ratio to the default lr, as torch's multiplicative schedules do.
 *
 * <pre>{@code
 * ParameterArena arena = model.arena();
 * Adam opt = new Adam(arena, Adam.Config.adamW(1e-3), List.of(ParamGroup.biasesAndNorms(arena).withWeightDecay(0)));
 * }</pre>
 */
public record ParamGroup(Set<String> names, OptionalDouble lr, OptionalDouble weightDecay) {
    public ParamGroup {
        if (names == null || names.isEmpty()) throw new IllegalArgumentException("a parameter group needs parameter names");
        names = Set.copyOf(new LinkedHashSet<>(names));
        if (lr.isPresent() && !(lr.getAsDouble() >= 0)) {
            throw new IllegalArgumentException("a group's lr must be >= 0, got " + lr.getAsDouble());
        }
        if (weightDecay.isPresent() && !(weightDecay.getAsDouble() >= 0)) {
            throw new IllegalArgumentException("a group's weightDecay must be >= 0, got " + weightDecay.getAsDouble());
        }
    }

    /** The named parameters, with the optimiser's lr and weight decay until {@code with...} says otherwise. */
    public static ParamGroup of(Collection<String> names) {
        return new ParamGroup(Set.copyOf(names), OptionalDouble.empty(), OptionalDouble.empty());
    }

    /** The arena's parameters whose names {@code test} accepts. */
    public static ParamGroup matching(ParameterArena arena, Predicate<String> test) {
        return of(arena.parameters().keySet().stream().filter(test).toList());
    }

    /**
     * The biases and the norm layers' scales: every parameter of fewer than two dimensions, the usual set that
     * takes no weight decay.
     */
    public static ParamGroup biasesAndNorms(ParameterArena arena) {
        return of(arena.parameters().entrySet().stream().filter(e -> e.getValue().rank() < 2).map(Map.Entry::getKey)
                .toList());
    }

    public ParamGroup withLr(double value) {
        return new ParamGroup(names, OptionalDouble.of(value), weightDecay);
    }

    public ParamGroup withWeightDecay(double value) {
        return new ParamGroup(names, lr, OptionalDouble.of(value));
    }
}
