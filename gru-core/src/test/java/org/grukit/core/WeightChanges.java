package org.grukit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import org.grukit.core.nn.Module;
import org.grukit.core.optim.Adam;

/**
 * Checks that a module which caches anything derived from its weights (packed panels) follows every change of
 * them: the module is run (filling its caches), its weights are changed in one of the ways a user changes
 * weights, and it must then answer exactly as a freshly made module holding the new weights, outputs and
 * gradients alike. Shared with the other modules' tests, whose layers cache through the same ops.
 */
public final class WeightChanges {
    private WeightChanges() {}

    /** The ways weights change: through the API, through the raw array with a version bump, by an optimiser. */
    public enum Change {
        /** Every weight negated, loaded with {@code loadStateDict}: sign flips a weak checksum cancels. */
        NEGATE,
        /** Every weight doubled, through {@code copyFrom} on each tensor. */
        DOUBLE,
        /** Every weight halved, written into the raw array and then {@code bumpVersion()}, as documented. */
        HALVE,
        /** The first two rows of every matrix (and the first two values of every vector) swapped with {@code set}. */
        SWAP_ROWS,
        /** The state dict of the same module made from another seed, loaded with {@code loadStateDict}. */
        LOAD_RELATED_STATE,
        /** Every weight plus 0.25, through {@code ParameterArena.load}, as the trainer restores its best epoch. */
        ARENA_LOAD,
        /** One Adam step (lr 0.05) on the gradients of a loss over the input. */
        OPTIMIZER_STEP
    }

    /**
     * For each change: {@code make(1)} is run on {@code input} with and without gradients, changed, and compared
     * with {@code make(2)} given the changed weights, exactly (same kernels, same values: the same bits).
     *
     * @param make  builds the module from a seed (different seeds give different weights)
     * @param run   the module's output for an input
     * @param input the input; its gradient is compared too when it requires one
     */
    public static <M extends Module> void assertFollowsWeights(String what, IntFunction<M> make,
                                                               BiFunction<M, Tensor, Tensor> run, Tensor input) {
        for (Change change : Change.values()) {
            M module = make.apply(1);
            module.arena(); // parameters in one arena, as in training: the optimiser and the caches see its storage
            Map<String, Tensor> before = copies(module.stateDict());
            // Run twice in each mode: the first fills the caches, the second is served from them.
            for (int i = 0; i < 2; i++) {
                try (var g = GradMode.noGrad()) {
                    run.apply(module, input);
                }
                outputAndGrads(module, run, input);
            }
            apply(change, module, make, run, input);
            assertFalse(sameValues(before, module.stateDict()), what + " " + change + ": the weights did not change");

            M fresh = make.apply(2);
            fresh.loadStateDict(copies(module.stateDict()));
            String at = what + " after " + change;
            try (var g = GradMode.noGrad()) {
                assertSame(at + " (inference output)", run.apply(fresh, input), run.apply(module, input));
            }
            Map<String, float[]> expected = outputAndGrads(fresh, run, input);
            Map<String, float[]> actual = outputAndGrads(module, run, input);
            for (String k : expected.keySet()) {
                assertArrayEquals(expected.get(k), actual.get(k), 0f, at + ": " + k + " differs from a fresh module's");
            }
        }
    }

    private static <M extends Module> void apply(Change change, M module, IntFunction<M> make,
                                                 BiFunction<M, Tensor, Tensor> run, Tensor input) {
        Map<String, Tensor> state = module.stateDict();
        switch (change) {
            case NEGATE -> {
                Map<String, Tensor> negated = new LinkedHashMap<>();
                state.forEach((k, v) -> negated.put(k, Ops.neg(v.detach()).copy()));
                module.loadStateDict(negated);
            }
            case DOUBLE -> state.values().forEach(t -> t.copyFrom(Ops.mulScalar(t.detach(), 2f).copy()));
            case HALVE -> state.values().forEach(t -> {
                float[] d = t.array();
                for (int i = 0; i < t.numel(); i++) d[t.offset() + i] *= 0.5f;
                t.bumpVersion();
            });
            case SWAP_ROWS -> state.values().forEach(WeightChanges::swapFirstRows);
            case LOAD_RELATED_STATE -> module.loadStateDict(copies(make.apply(3).stateDict()));
            case ARENA_LOAD -> {
                float[] values = module.arena().data().clone();
                for (int i = 0; i < values.length; i++) values[i] += 0.25f;
                module.arena().load(values);
            }
            case OPTIMIZER_STEP -> {
                Adam adam = new Adam(module.arena(), Adam.Config.adam(0.05));
                adam.zeroGrad();
                lossOf(run.apply(module, input)).backward();
                adam.step();
            }
        }
    }

    private static void swapFirstRows(Tensor t) {
        if (t.numel() < 2) return;
        int row = t.rank() >= 2 ? t.numel() / t.dim(0) : 1;
        if (t.rank() >= 2 && t.dim(0) < 2) return;
        for (int j = 0; j < row; j++) {
            int a = j, b = row + j;
            float va = t.array()[t.offset() + a], vb = t.array()[t.offset() + b];
            t.set(vb, unravel(t, a));
            t.set(va, unravel(t, b));
        }
    }

    private static int[] unravel(Tensor t, int flat) {
        int[] idx = new int[t.rank()];
        for (int d = t.rank() - 1; d >= 0; d--) {
            idx[d] = flat % t.dim(d);
            flat /= t.dim(d);
        }
        return idx;
    }

    /** sum(out * w) for fixed pseudo-random w, so every output element's gradient differs. */
    private static Tensor lossOf(Tensor out) {
        return Ops.sum(Ops.mul(out, Tensor.randn(new Rng(7), out.shape())));
    }

    /** The output, the input's gradient and every parameter's gradient, as arrays by name. */
    private static <M extends Module> Map<String, float[]> outputAndGrads(M module, BiFunction<M, Tensor, Tensor> run,
                                                                         Tensor input) {
        module.zeroGrad();
        input.zeroGrad();
        Tensor out = run.apply(module, input);
        lossOf(out).backward();
        Map<String, float[]> r = new LinkedHashMap<>();
        r.put("output", out.toArray());
        if (input.requiresGrad()) r.put("input gradient", input.grad().toArray());
        module.namedParameters().forEach((k, v) -> r.put("gradient of " + k, v.grad() == null ? null : v.grad().toArray()));
        return r;
    }

    private static void assertSame(String what, Tensor expected, Tensor actual) {
        assertArrayEquals(expected.toArray(), actual.toArray(), 0f, what + " differs from a fresh module's");
    }

    private static Map<String, Tensor> copies(Map<String, Tensor> state) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        state.forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }

    private static boolean sameValues(Map<String, Tensor> a, Map<String, Tensor> b) {
        for (String k : a.keySet()) {
            if (!java.util.Arrays.equals(a.get(k).toArray(), b.get(k).toArray())) return false;
        }
        return true;
    }
}
