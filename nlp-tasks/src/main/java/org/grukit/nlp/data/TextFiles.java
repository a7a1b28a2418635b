package org.grukit.nlp.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.LineNumberReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading text files strictly: bytes that are not valid in the charset are an error naming the file and line
 * (not a silent U+FFFD), a UTF-8 byte-order mark is dropped, and line ends are LF, CRLF or CR.
 */
public final class TextFiles {
    private TextFiles() {}

    /** A line reader that knows the line number it is on. */
    public static final class Lines implements AutoCloseable {
        private final Path path;
        private final Charset charset;
        private final LineNumberReader in;

        Lines(Path path, Charset charset) throws IOException {
            this.path = path;
            this.charset = charset;
            if (!Files.isRegularFile(path)) throw new NoSuchFileException(path.toString(), null, "no such file");
            var decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            in = new LineNumberReader(new InputStreamReader(Files.newInputStream(path), decoder), 1 << 16);
        }

        /** The next line without its terminator, or null at the end. */
        public String next() throws IOException {
            String line;
            try {
                line = in.readLine();
            } catch (CharacterCodingException e) {
                throw new IOException(path + ":" + (in.getLineNumber() + 1) + ": not valid " + charset.name()
                        + " text; give the file's charset (MR's rt-polarity files are windows-1252)", e);
            }
            if (line != null && in.getLineNumber() == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') line = line.substring(1);
            return line;
        }

        /** The number of the line {@link #next} returned last (1-based). */
        public int lineNumber() {
            return in.getLineNumber();
        }

        public String origin() {
            return path.getFileName() + ":" + in.getLineNumber();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    public static Lines lines(Path path, Charset charset) throws IOException {
        return new Lines(path, charset);
    }

    /** Every line of a file. */
    public static List<String> readLines(Path path, Charset charset) throws IOException {
        List<String> out = new ArrayList<>();
        try (Lines l = lines(path, charset)) {
            for (String s; (s = l.next()) != null; ) out.add(s);
        }
        return out;
    }

    public static List<String> readLines(Path path) throws IOException {
        return readLines(path, StandardCharsets.UTF_8);
    }

    /** Every line of a file, each labelled (MR's layout: a file per class, a sentence a line); blank lines skipped. */
    public static List<LabelledText> labelledLines(Path path, Charset charset, String label) throws IOException {
        List<LabelledText> out = new ArrayList<>();
        try (Lines l = lines(path, charset)) {
            for (String s; (s = l.next()) != null; ) if (!s.isBlank()) out.add(new LabelledText(s, label, l.origin()));
        }
        return out;
    }

    /** A reader for a whole file, strict as {@link #lines}. */
    static BufferedReader reader(Path path, Charset charset) throws IOException {
        var decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        return new BufferedReader(new InputStreamReader(Files.newInputStream(path), decoder));
    }
}
