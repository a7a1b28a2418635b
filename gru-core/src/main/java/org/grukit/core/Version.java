package org.grukit.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The grukit version, as built (recorded in every saved model's provenance). */
public final class Version {
    private Version() {}

    private static final String VERSION = load();

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
