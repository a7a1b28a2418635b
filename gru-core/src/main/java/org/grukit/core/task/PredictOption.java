package org.grukit.core.task;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A setting a caller may give with one prediction request (a translation's beam size, how many hypotheses to return):
 * a whole number within bounds, with the value a request that omits it gets. Generic code (the model server) reads a
 * task's options from {@link TaskModel#predictOptions()} and checks a request's values with {@link #resolve}.
 *
 * @param name         the name a request uses ("beam", "n_best")
 * @param min          the smallest value taken
 * @param max          the largest value taken
 * @param defaultValue the value when a request gives none
 * @param description  what it does, for a help text or a model's description
 */
public record PredictOption(String name, int min, int max, int defaultValue, String description) {
    public PredictOption {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("a predict option needs a name");
        if (min > max || defaultValue < min || defaultValue > max) {
            throw new IllegalArgumentException(name + ": need min <= default <= max, got " + min + ", " + defaultValue + ", " + max);
        }
        description = description == null ? "" : description;
    }

    /** A search's beam size, 1 (greedy) to 64. */
    public static PredictOption beam(int defaultBeam) {
        return new PredictOption("beam", 1, 64, defaultBeam, "the beam size; 1 is greedy decoding");
    }

    /** How many of a search's hypotheses to return ({@code what}: "translations"), best first; at most the beam. */
    public static PredictOption nBest(String what) {
        return new PredictOption("n_best", 1, 64, 1, "how many " + what + " to return, best first (at most the beam)");
    }

    /** Checks, in resolved values, that option {@code small} does not exceed option {@code large} ("n_best", "beam"). */
    public static void requireAtMost(Map<String, Integer> values, String small, String large) {
        if (values.get(small) > values.get(large)) {
            throw new IllegalArgumentException("'" + small + "' (" + values.get(small) + ") must not exceed '" + large + "' (" + values.get(large) + ")");
        }
    }

    /**
     * Every option's value for a request: the given ones, checked against their bounds, and the defaults for the rest.
     * A name not among {@code options} or a value out of bounds is an {@link IllegalArgumentException} naming it.
     */
    public static Map<String, Integer> resolve(List<PredictOption> options, Map<String, Integer> given) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (PredictOption o : options) {
            Integer v = given.get(o.name());
            if (v != null && (v < o.min() || v > o.max())) {
                throw new IllegalArgumentException("'" + o.name() + "' must be in [" + o.min() + ", " + o.max() + "], got " + v);
            }
            out.put(o.name(), v == null ? o.defaultValue() : v);
        }
        for (String name : given.keySet()) {
            if (!out.containsKey(name)) {
                throw new IllegalArgumentException("unknown option '" + name + "'; this model takes "
                        + (options.isEmpty() ? "none" : options.stream().map(PredictOption::name).toList()));
            }
        }
        return out;
    }
}
