package org.grukit.core.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The small JSON file a task keeps beside its model bundle (how to turn inputs into the model's and back: labels,
 * feature pipeline, scaler, ...): written atomically and pretty-printed, read back with an error that names the
 * file and what it should have been.
 */
public final class JsonDescriptions {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonDescriptions() {}

    /** Writes {@code value} as {@code dir/file}, creating the folder. */
    public static void write(Path dir, String file, Object value) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.writeString(dir.resolve(file), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
    }

    /**
     * Reads {@code dir/file} as {@code type}.
     *
     * @param kind what the folder holds, for messages ("speech model", "summarizer", ...)
     */
    public static <T> T read(Path dir, String file, Class<T> type, String kind) throws IOException {
        Path p = dir.resolve(file);
        if (!Files.isRegularFile(p)) throw new IOException("no " + file + " in " + dir + ": not a grukit " + kind + " folder");
        try {
            return JSON.readValue(Files.readAllBytes(p), type);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(p + " is not a grukit " + kind + " description: " + e.getOriginalMessage());
        }
    }
}
