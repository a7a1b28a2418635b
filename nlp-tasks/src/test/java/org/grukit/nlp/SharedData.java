package org.grukit.nlp;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** The shared datasets beside the project, read in place; a test that needs one skips only when it is absent. */
public final class SharedData {
    private SharedData() {}

    public static Path dir(String relative) {
        Path p = Path.of(System.getProperty("grukit.shared", "../shared"), "data", relative);
        Assumptions.assumeTrue(Files.isDirectory(p), "shared data not present: " + p);
        return p;
    }
}
