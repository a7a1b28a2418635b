package org.grukit.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * How many times a stretch of tensor storage has been written through grukit's API, as PyTorch's
 * {@code tensor._version}. Every tensor grukit makes over the same storage (a reshape, a detached view, the
 * parameters re-pointed into a {@link ParameterArena}) shares one counter, and every write through the API
 * bumps it, so a cached form derived from the values (packed weight panels) is keyed to the counter's
 * identity and value and can never outlive the values it was made from.
 */
final class StorageVersion {
    private static final VarHandle COUNT;

    static {
        try {
            COUNT = MethodHandles.lookup().findVarHandle(StorageVersion.class, "count", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The counter of gradient views ({@link Tensor#grad()}): backward writes gradients without bumping, so
     * nothing derived from a gradient's values may be cached.
     */
    static final StorageVersion UNTRACKED = new StorageVersion(false);

    /** False for storage whose writes are not all counted: caches must not be kept for it. */
    final boolean tracked;
    @SuppressWarnings("unused") // through COUNT
    private volatile long count;

    StorageVersion() {
        this(true);
    }

    private StorageVersion(boolean tracked) {
        this.tracked = tracked;
    }

    long get() {
        return count;
    }

    void bump() {
        if (tracked) COUNT.getAndAdd(this, 1L);
    }
}
