package org.grukit.core.kernel;

/**
 * The GRU gate kernels this JVM runs: the Vector API ones when jdk.incubator.vector is enabled (and not
 * turned off with {@code -Dgrukit.vector=false}), the plain-Java ones otherwise. Both give the same results
 * to float rounding and are tested against each other.
 */
public final class GruKernels {
    private GruKernels() {}

    public static final GruGates GATES = choose();

    private static GruGates choose() {
        if (VectorSupport.wanted() && VectorSupport.present()) {
            try {
                return (GruGates) Class.forName("org.grukit.core.kernel.VectorGruKernels").getDeclaredConstructor()
                        .newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                // Plain Java: slower, same results.
            }
        }
        VectorSupport.fellBack("GRU gate");
        return new ScalarGruKernels();
    }

    /** The plain-Java kernels, for tests and comparison. */
    public static GruGates scalar() {
        return new ScalarGruKernels();
    }
}
