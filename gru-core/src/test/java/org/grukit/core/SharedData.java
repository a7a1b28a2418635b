package org.grukit.core;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The shared datasets beside the project ({@code -Dgrukit.shared}, default {@code ../shared}), read in place. A test that
 * needs one skips when it is absent, except under {@code -Dgrukit.sharedData.required=true} (the {@code ci} profile)
 * while the shared data folder itself is there: a dataset missing from it, or moved, then fails the build instead of
 * silently skipping what should have run.
 */
public final class SharedData {
    private SharedData() {}

    /** The shared data folder. */
    public static Path root() {
        return Path.of(System.getProperty("grukit.shared", "../shared"), "data");
    }

    /** A folder under the shared data; the test is skipped (or, when required, failed) if it is absent. */
    public static Path dir(String relative) {
        Path p = root().resolve(relative);
        require(Files.isDirectory(p), p);
        return p;
    }

    /** A file under the shared data; the test is skipped (or, when required, failed) if it is absent. */
    public static Path file(String relative) {
        Path p = root().resolve(relative);
        require(Files.isRegularFile(p), p);
        return p;
    }

    /** A folder under the shared data, or null when it is absent (and not required) for a test that has a fallback. */
    public static Path dirOrNull(String relative) {
        Path p = root().resolve(relative);
        if (Files.isDirectory(p)) return p;
        require(false, p, false);
        return null;
    }

    private static void require(boolean present, Path p) {
        require(present, p, true);
    }

    private static void require(boolean present, Path p, boolean skip) {
        if (present) return;
        if (Boolean.getBoolean("grukit.sharedData.required") && Files.isDirectory(root())) {
            Assertions.fail("shared data folder " + root() + " is present but " + p + " is not; the ci profile runs every dataset test");
        }
        if (skip) Assumptions.assumeTrue(false, "shared data not present: " + p);
    }
}
