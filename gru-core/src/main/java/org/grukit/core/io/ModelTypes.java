package org.grukit.core.io;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.grukit.core.Rng;
import org.grukit.core.nn.Gru;
import org.grukit.core.nn.GruConfig;
import org.grukit.core.nn.Module;

/**
 * The registry of model types that bundles can hold: a stable logical name, the config record's class and
 * a factory. Names are registered explicitly (never class names, never classpath scanning), so renaming
 * a Java class cannot break saved models. The core registers {@code "gru"}; each task registers its own.
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

    public static Type<?> lookup(String name) {
        Type<?> t = TYPES.get(name);
        if (t == null) {
            throw new IllegalArgumentException("unknown model type '" + name + "'; known types: "
                    + new TreeMap<>(TYPES).keySet() + " (is the module that defines it on the classpath and registered?)");
        }
        return t;
    }
}
