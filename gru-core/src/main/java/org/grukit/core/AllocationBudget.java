package org.grukit.core;

/**
 * A cap on the tensor values this thread may allocate while it is open: building a model from a file's config must
 * not allocate more than the file could hold, so a config that lies about its sizes (a hidden size of 50 million, 50
 * million layers) fails at once with a message instead of an OutOfMemoryError or an hour of allocation.
 * {@link Tensor#zeros} and the factories built on it charge it.
 */
public final class AllocationBudget implements AutoCloseable {
    private static final ThreadLocal<AllocationBudget> CURRENT = new ThreadLocal<>();

    private final AllocationBudget outer;
    private final String what;
    private final long limit;
    private long left;

    private AllocationBudget(long values, String what) {
        this.outer = CURRENT.get();
        this.what = what;
        this.limit = values;
        this.left = values;
    }

    /** Opens a budget of {@code values} tensor values on this thread; {@code what} says whose, for the message. */
    public static AllocationBudget open(long values, String what) {
        AllocationBudget b = new AllocationBudget(values, what);
        CURRENT.set(b);
        return b;
    }

    static void charge(long values) {
        AllocationBudget b = CURRENT.get();
        if (b == null) return;
        b.left -= values;
        if (b.left < 0) {
            throw new IllegalArgumentException(b.what + " needs more than " + b.limit + " tensor values, more than it can hold;"
                    + " its sizes are wrong");
        }
    }

    @Override
    public void close() {
        CURRENT.set(outer);
    }
}
