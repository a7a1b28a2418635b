package org.grukit.core.io;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.grukit.core.Rng;
import org.grukit.core.nn.Gru;
import org.grukit.core.nn.GruConfig;
import org.grukit.core.nn.Module;

/**
 * The registry of model types that bundles can hold: a stable logical name, the config record's class and
 * a factory. Names are stable words, never class names, so renaming a Java class cannot break saved models. The
 * core registers {@code "gru"}; each module lists its own in a {@link ModelTypeProvider} service, read the first
 * time a name is not found; {@link #register} adds a type by hand.
 */
public final class ModelTypes {
    private ModelTypes() {}

    /** One registered type. */
    public record Type<C>(String name, Class<C> configClass, Function<C, ? extends Module> factory) {}

    private static final Map<String, Type<?>> TYPES = new ConcurrentHashMap<>();

    static {
        register("gru", GruConfig.class, cfg -> new Gru(cfg, new Rng(0)));
    }

    /** Registers a type; registering the same name again with the same config class is a no-op. */
    public static synchronized <C> void register(String name, Class<C> configClass, Function<C, ? extends Module> factory) {
        if (name == null || !name.matches("[a-z][a-z0-9.-]*")) {
            throw new IllegalArgumentException("model type names are lower-case words with '-' or '.', got " + name);
        }
        Type<?> existing = TYPES.get(name);
        if (existing != null) {
            if (existing.configClass() != configClass) {
                throw new IllegalStateException("model type " + name + " is already registered with config "
                        + existing.configClass().getSimpleName());
            }
            return;
        }
        TYPES.put(name, new Type<>(name, configClass, factory));
    }

    /** The registered type of that name, looking through the {@link ModelTypeProvider}s on the class path once. */
    public static Type<?> lookup(String name) {
        Type<?> t = TYPES.get(name);
        if (t == null) {
            discover();
            t = TYPES.get(name);
        }
        if (t == null) {
            throw new IllegalArgumentException("unknown model type '" + name + "'; known types: "
                    + new TreeMap<>(TYPES).keySet() + " (is the module that defines it on the classpath and registered?)");
        }
        return t;
    }

    private static volatile boolean discovered;

    private static synchronized void discover() {
        if (discovered) return;
        // The context class loader sees an application's (or a Spark job's) classes; grukit's own loader sees grukit's.
        for (ClassLoader loader : new ClassLoader[] {Thread.currentThread().getContextClassLoader(), ModelTypes.class.getClassLoader()}) {
            if (loader == null) continue;
            for (ModelTypeProvider p : ServiceLoader.load(ModelTypeProvider.class, loader)) {
                for (Type<?> t : p.modelTypes()) add(t);
            }
        }
        discovered = true;
    }

    private static <C> void add(Type<C> t) {
        register(t.name(), t.configClass(), t.factory());
    }
}
