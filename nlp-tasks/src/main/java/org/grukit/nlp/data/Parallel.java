package org.grukit.nlp.data;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Parallel corpora as two files, a sentence a line, line i of one translating line i of the other (Multi30k). */
public final class Parallel {
    private Parallel() {}

    public static List<TextPair> read(Path source, Path target) throws IOException {
        return read(source, target, StandardCharsets.UTF_8);
    }

    /** The aligned pairs; files of different lengths are an error naming both counts. */
    public static List<TextPair> read(Path source, Path target, Charset charset) throws IOException {
        List<String> s = TextFiles.readLines(source, charset), t = TextFiles.readLines(target, charset);
        if (s.size() != t.size()) {
            throw new IOException("parallel files differ in length: " + source.getFileName() + " has " + s.size() + " lines, "
                    + target.getFileName() + " has " + t.size());
        }
        List<TextPair> out = new ArrayList<>(s.size());
        for (int i = 0; i < s.size(); i++) out.add(new TextPair(s.get(i), t.get(i), source.getFileName() + ":" + (i + 1)));
        return out;
    }
}
