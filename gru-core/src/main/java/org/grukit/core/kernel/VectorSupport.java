package org.grukit.core.kernel;

/**
 * Whether the Vector API kernels can run here, and the one notice a user gets when they cannot. Without
 * {@code --add-modules jdk.incubator.vector} grukit still gives the same answers, on plain-Java kernels 4-8x
 * slower to train and about 3.7x slower to predict; that must not happen silently. The notice goes through
 * the JDK's logging facade ({@link System.Logger}): java.util.logging prints it by default, and an
 * application that routes System.Logger to its own logging (SLF4J, Log4j) sees it there.
 */
public final class VectorSupport {
    private VectorSupport() {}

    static final String MODULE = "jdk.incubator.vector";
    private static final System.Logger LOG = System.getLogger("org.grukit.kernels");
    private static volatile String notice;

    /** True unless {@code -Dgrukit.vector=false} chose the plain kernels on purpose. */
    static boolean wanted() {
        return !"false".equalsIgnoreCase(System.getProperty("grukit.vector"));
    }

    /** True when this JVM was started with the incubator module. */
    static boolean present() {
        return ModuleLayer.boot().findModule(MODULE).isPresent();
    }

    /**
     * Called by each kernel family when it falls back to plain Java; logs once per JVM, and only when the module
     * is missing (a choice made with {@code -Dgrukit.vector=false} is not news).
     */
    static synchronized void fellBack(String family) {
        if (notice != null || !wanted() || present()) return;
        notice = "grukit is running its plain-Java " + family + " kernels: the same results, but 4-8x slower to"
                + " train and about 3.7x slower to predict, because this JVM was started without the Vector API"
                + " module. Add --add-modules " + MODULE + " to the java command (Maven Surefire: <argLine>;"
                + " java -jar: before -jar; Gradle: jvmArgs; Spark: spark.driver.extraJavaOptions and"
                + " spark.executor.extraJavaOptions); see the README's 'Running fast'. -Dgrukit.vector=false"
                + " chooses the plain kernels on purpose and silences this.";
        LOG.log(System.Logger.Level.WARNING, notice);
    }

    /** The notice logged in this JVM, or null when none was (the fast kernels run, or were turned off on purpose). */
    public static String notice() {
        return notice;
    }
}
