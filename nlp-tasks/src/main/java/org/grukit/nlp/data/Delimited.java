package org.grukit.nlp.data;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Tab- and comma-separated files. TSV fields are split on tabs and never unquoted (SST-2's sentences contain
 * literal double quotes); CSV follows RFC 4180 (quoted fields with doubled quotes, commas and line breaks
 * inside quotes). A header is detected when the first row names a known column (text, sentence, label, ...) or
 * is all non-numeric above a row with a number in the same place; or it is stated.
 */
public record Delimited(char delimiter, boolean quoted, Charset charset, Header header) {
    /** Whether the first row is a header. */
    public enum Header { AUTO, YES, NO }

    public Delimited {
        if (charset == null || header == null) throw new IllegalArgumentException("charset and header are required");
    }

    public static Delimited tsv() {
        return new Delimited('\t', false, StandardCharsets.UTF_8, Header.AUTO);
    }

    public static Delimited csv() {
        return new Delimited(',', true, StandardCharsets.UTF_8, Header.AUTO);
    }

    public Delimited withCharset(Charset c) {
        return new Delimited(delimiter, quoted, c, header);
    }

    public Delimited withHeader(Header h) {
        return new Delimited(delimiter, quoted, charset, h);
    }

    public Table read(Path path) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (TextFiles.Lines lines = TextFiles.lines(path, charset)) {
            for (String line; (line = lines.next()) != null; ) {
                String origin = lines.origin();
                if (line.isEmpty()) continue; // a trailing or blank line is no record
                List<String> fields = quoted ? parseQuoted(line, lines, path) : split(line, delimiter);
                rows.add(new Row(fields, origin));
            }
        }
        boolean hasHeader = switch (header) {
            case YES -> !rows.isEmpty();
            case NO -> false;
            case AUTO -> detectHeader(rows);
        };
        List<String> names = hasHeader ? rows.get(0).fields() : null;
        return new Table(path.getFileName().toString(), names, hasHeader ? rows.subList(1, rows.size()) : rows);
    }

    private static List<String> split(String line, char d) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == d) {
                out.add(line.substring(start, i));
                start = i + 1;
            }
        }
        out.add(line.substring(start));
        return out;
    }

    /** One RFC 4180 record starting at {@code line}, reading more lines while a quote is open. */
    private List<String> parseQuoted(String line, TextFiles.Lines lines, Path path) throws IOException {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean inQuotes = false, wasQuoted = false;
        int startLine = lines.lineNumber();
        String s = line;
        int i = 0;
        while (true) {
            if (i == s.length()) {
                if (!inQuotes) break;
                String more = lines.next();
                if (more == null) throw new IOException(path.getFileName() + ":" + startLine + ": a quoted field is not closed before the end of the file");
                field.append('\n');
                s = more;
                i = 0;
                continue;
            }
            char c = s.charAt(i++);
            if (inQuotes) {
                if (c == '"') {
                    if (i < s.length() && s.charAt(i) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        inQuotes = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.isEmpty() && !wasQuoted) {
                inQuotes = true;
                wasQuoted = true;
            } else if (c == delimiter) {
                out.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
            } else {
                field.append(c);
            }
        }
        out.add(field.toString());
        return out;
    }

    private static boolean detectHeader(List<Row> rows) {
        if (rows.isEmpty()) return false;
        List<String> first = rows.get(0).fields();
        for (String f : first) if (Table.looksLikeHeaderName(f)) return true;
        if (rows.size() < 2) return false;
        List<String> second = rows.get(1).fields();
        for (int i = 0; i < Math.min(first.size(), second.size()); i++) {
            if (isNumber(first.get(i))) return false;
            if (isNumber(second.get(i))) return true;
        }
        return false;
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s.trim());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
