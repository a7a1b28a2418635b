package org.grukit.core;

/**
 * Whether operations on this thread record a graph for backward. Inference runs inside
 * {@code try (var g = GradMode.noGrad()) { ... }} and records nothing, keeping no activations.
 */
public final class GradMode implements AutoCloseable {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});
    private final boolean previous;

    private GradMode(boolean enabled) {
        boolean[] state = ENABLED.get();
        previous = state[0];
        state[0] = enabled;
    }

    /** Disables recording until the returned scope is closed. */
    public static GradMode noGrad() {
        return new GradMode(false);
    }

    /** Enables recording until the returned scope is closed. */
    public static GradMode enableGrad() {
        return new GradMode(true);
    }

    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    @Override
    public void close() {
        ENABLED.get()[0] = previous;
    }
}
