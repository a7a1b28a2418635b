package org.grukit.core.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.grukit.core.ParameterArena;
import org.grukit.core.Rng;
import org.grukit.core.Shape;
import org.grukit.core.Tensor;

/**
 * Base of layers and models: named parameters and sub-modules, train/eval mode, and state dicts whose
 * names are PyTorch's ({@code encoder.gru.weight_ih_l0}).
 */
public abstract class Module {
    private final LinkedHashMap<String, Tensor> params = new LinkedHashMap<>();
    private final LinkedHashMap<String, Module> children = new LinkedHashMap<>();
    private final LinkedHashMap<String, Tensor> buffers = new LinkedHashMap<>();
    private final LinkedHashMap<String, Rng> randomStreams = new LinkedHashMap<>();
    private boolean training = true;
    private ParameterArena arena;

    protected final Tensor registerParameter(String name, Tensor value) {
        if (params.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("name " + name + " is already registered");
        }
        value.requiresGrad(true);
        params.put(name, value);
        arena = null;
        return value;
    }

    /**
     * A tensor that is part of the model's state but not trained (batch-norm running statistics): saved and
     * loaded with the state dict, absent from {@link #parameters()} and the optimiser's arena, as torch's
     * register_buffer.
     */
    protected final Tensor registerBuffer(String name, Tensor value) {
        if (params.containsKey(name) || children.containsKey(name) || buffers.containsKey(name)) {
            throw new IllegalArgumentException("name " + name + " is already registered");
        }
        buffers.put(name, value);
        return value;
    }

    /**
     * A random stream this module draws from in training (dropout masks). Registered streams are what
     * {@link #reseedRandomStreams} restarts, so training that resumes at an epoch draws the same masks.
     */
    protected final Rng registerRandomStream(String name, Rng rng) {
        if (randomStreams.containsKey(name)) throw new IllegalArgumentException("random stream " + name + " is already registered");
        randomStreams.put(name, rng);
        return rng;
    }

    /** The random streams of this module and its descendants, with dotted names, in registration order. */
    public Map<String, Rng> randomStreams() {
        LinkedHashMap<String, Rng> out = new LinkedHashMap<>();
        collectStreams("", out);
        return out;
    }

    private void collectStreams(String prefix, Map<String, Rng> out) {
        for (Map.Entry<String, Rng> e : randomStreams.entrySet()) out.put(prefix + e.getKey(), e.getValue());
        for (Map.Entry<String, Module> e : children.entrySet()) e.getValue().collectStreams(prefix + e.getKey() + ".", out);
    }

    /**
     * Restarts every random stream of this module tree from {@code seed} and the stream's name, so what the
     * streams draw next depends on the seed alone, not on how much was drawn before.
     */
    public void reseedRandomStreams(long seed) {
        reseed(randomStreams(), seed);
    }

    /** Restarts each stream of {@code streams} from {@code seed} and its name. */
    public static void reseed(Map<String, Rng> streams, long seed) {
        for (Map.Entry<String, Rng> e : streams.entrySet()) e.getValue().reseed(Rng.derive(seed, e.getKey().hashCode()));
    }

    protected final <M extends Module> M registerModule(String name, M module) {
        if (params.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("name " + name + " is already registered");
        }
        children.put(name, module);
        arena = null;
        return module;
    }

    /** Every parameter of this module and its descendants, in registration order, with dotted names. */
    public Map<String, Tensor> namedParameters() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Tensor> out) {
        for (Map.Entry<String, Tensor> e : params.entrySet()) out.put(prefix + e.getKey(), e.getValue());
        for (Map.Entry<String, Module> e : children.entrySet()) e.getValue().collect(prefix + e.getKey() + ".", out);
    }

    public List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    public Map<String, Module> children() {
        return java.util.Collections.unmodifiableMap(children);
    }

    /** The number of trainable values. */
    public long parameterCount() {
        long n = 0;
        for (Tensor t : namedParameters().values()) n += t.numel();
        return n;
    }

    /**
     * This model's parameters packed into one arena (packed on first call, and again if the module
     * tree changed since). Optimisers and checkpoints work on it.
     */
    public ParameterArena arena() {
        Map<String, Tensor> named = namedParameters();
        boolean stale = arena == null || arena.parameters().size() != named.size();
        if (!stale) {
            for (Tensor t : named.values()) {
                if (!arena.holds(t)) {
                    stale = true;
                    break;
                }
            }
        }
        if (stale) arena = new ParameterArena(named);
        return arena;
    }

    public void zeroGrad() {
        for (Tensor t : namedParameters().values()) t.zeroGrad();
    }

    public Module train(boolean on) {
        training = on;
        for (Module m : children.values()) m.train(on);
        return this;
    }

    public Module eval() {
        return train(false);
    }

    public boolean isTraining() {
        return training;
    }

    /** The parameters and buffers by name: a view of the live tensors, as torch's state_dict. */
    public Map<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collectState("", out);
        return out;
    }

    private void collectState(String prefix, Map<String, Tensor> out) {
        for (Map.Entry<String, Tensor> e : params.entrySet()) out.put(prefix + e.getKey(), e.getValue());
        for (Map.Entry<String, Tensor> e : buffers.entrySet()) out.put(prefix + e.getKey(), e.getValue());
        for (Map.Entry<String, Module> e : children.entrySet()) e.getValue().collectState(prefix + e.getKey() + ".", out);
    }

    /**
     * The names {@link #loadStateDict(Map, boolean)} found missing from the state dict and unexpected in it, as
     * torch's {@code _IncompatibleKeys}; both empty after a strict load.
     */
    public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {
        public LoadResult {
            missingKeys = List.copyOf(missingKeys);
            unexpectedKeys = List.copyOf(unexpectedKeys);
        }
    }

    /** {@link #loadStateDict(Map, boolean)} with {@code strict} on, as torch's default. */
    public LoadResult loadStateDict(Map<String, Tensor> state) {
        return loadStateDict(state, true);
    }

    /**
     * Copies values from {@code state} into this module's parameters and buffers, as torch's load_state_dict.
     * Strict: every name must be present with the same shape and no extra name may appear; otherwise nothing is
     * changed and the error lists what is missing, unexpected and mis-shaped. Not strict: the names both sides
     * have are loaded and the others returned; a shape mismatch is still an error that changes nothing.
     */
    public LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = stateDict();
        TreeSet<String> missing = new TreeSet<>(own.keySet());
        missing.removeAll(state.keySet());
        TreeSet<String> unexpected = new TreeSet<>(state.keySet());
        unexpected.removeAll(own.keySet());
        List<String> misShaped = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src != null && !Arrays.equals(src.shape(), e.getValue().shape())) {
                misShaped.add(e.getKey() + ": expected " + Shape.str(e.getValue().shape()) + ", got "
                        + Shape.str(src.shape()));
            }
        }
        boolean keysMatch = missing.isEmpty() && unexpected.isEmpty();
        if (!misShaped.isEmpty() || (strict && !keysMatch)) {
            StringBuilder sb = new StringBuilder("state dict does not match the model:");
            if (strict && !missing.isEmpty()) sb.append(" missing ").append(missing).append(';');
            if (strict && !unexpected.isEmpty()) sb.append(" unexpected ").append(unexpected).append(';');
            if (!misShaped.isEmpty()) sb.append(" mis-shaped ").append(misShaped).append(';');
            throw new IllegalArgumentException(sb.substring(0, sb.length() - 1));
        }
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src != null) e.getValue().copyFrom(src);
        }
        return new LoadResult(new ArrayList<>(missing), new ArrayList<>(unexpected));
    }
}
