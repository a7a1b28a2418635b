package org.grukit.nlp.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The AESLC layout: a folder with a file per email, the body, then a line {@code @subject} and the subject, and
 * in dev/test {@code @ann0}, {@code @ann1}, {@code @ann2} with the annotators' subjects. Files are read in name
 * order; a file without {@code @subject} is malformed.
 */
public final class Aeslc {
    private Aeslc() {}

    /** One email: its file name, body, original subject, and the annotator subjects (empty for train). */
    public record Email(String name, String body, String subject, List<String> annotations) {}

    public static Read<Email> read(Path dir, BadRows bad) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException("no AESLC folder at " + dir);
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        List<Email> out = new ArrayList<>(files.size());
        List<String> problems = new ArrayList<>();
        int skipped = 0;
        for (Path f : files) {
            List<String> lines = TextFiles.readLines(f, StandardCharsets.UTF_8);
            int at = lines.indexOf("@subject");
            if (at < 0) {
                skipped = Table.skip(bad, new Row(List.of(), f.getFileName().toString()), "no '@subject' line", problems, skipped);
                continue;
            }
            String body = String.join("\n", lines.subList(0, at)).strip();
            String subject = section(lines, at);
            if (body.isEmpty() || subject.isEmpty()) {
                skipped = Table.skip(bad, new Row(List.of(), f.getFileName().toString()), body.isEmpty() ? "empty body" : "empty subject", problems, skipped);
                continue;
            }
            List<String> ann = new ArrayList<>();
            for (int k = 0; ; k++) {
                int a = lines.indexOf("@ann" + k);
                if (a < 0) break;
                ann.add(section(lines, a));
            }
            out.add(new Email(f.getFileName().toString(), body, subject, ann));
        }
        return new Read<>(out, skipped, problems);
    }

    /** The lines after a marker up to the next blank line or marker, joined by spaces. */
    private static String section(List<String> lines, int marker) {
        StringBuilder sb = new StringBuilder();
        for (int i = marker + 1; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.isBlank() || l.startsWith("@")) break;
            if (sb.length() > 0) sb.append(' ');
            sb.append(l.strip());
        }
        return sb.toString();
    }
}
