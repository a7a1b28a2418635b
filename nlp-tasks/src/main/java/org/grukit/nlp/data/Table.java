package org.grukit.nlp.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The rows of a delimited or JSON-lines file, with the header if it had one, and typed views of them: labelled
 * texts (classification) and text pairs (translation, summarisation). A column is named by its header name or
 * by its 0-based index.
 */
public record Table(String file, List<String> header, List<Row> rows) {
    public Table {
        header = header == null ? null : List.copyOf(header);
        rows = List.copyOf(rows);
    }

    /** The index of a column given by header name (case-insensitive) or 0-based index. */
    public int column(String nameOrIndex) {
        if (header != null) {
            for (int i = 0; i < header.size(); i++) if (header.get(i).trim().equalsIgnoreCase(nameOrIndex)) return i;
        }
        try {
            int i = Integer.parseInt(nameOrIndex);
            if (i >= 0) return i;
        } catch (NumberFormatException ignored) {
            // not an index: fall through to the error naming the header
        }
        throw new IllegalArgumentException(file + ": no column '" + nameOrIndex + "'" + (header == null ? " (the file has no header; use a 0-based index)"
                : "; columns: " + header));
    }

    /** Texts and labels from two columns; a row without them (or with an empty text) is malformed. */
    public Read<LabelledText> labelled(String textColumn, String labelColumn, BadRows bad) {
        int t = column(textColumn), l = column(labelColumn);
        List<LabelledText> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int skipped = 0;
        for (Row r : rows) {
            String problem = check(r, t, l);
            if (problem == null) {
                out.add(new LabelledText(r.fields().get(t), r.fields().get(l).trim(), r.origin()));
            } else {
                skipped = skip(bad, r, problem, problems, skipped);
            }
        }
        return new Read<>(out, skipped, problems);
    }

    /** Source and target texts from two columns; a row without both (or with either empty) is malformed. */
    public Read<TextPair> pairs(String sourceColumn, String targetColumn, BadRows bad) {
        int s = column(sourceColumn), t = column(targetColumn);
        List<TextPair> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int skipped = 0;
        for (Row r : rows) {
            String problem = check(r, s, t);
            if (problem == null) {
                out.add(new TextPair(r.fields().get(s), r.fields().get(t), r.origin()));
            } else {
                skipped = skip(bad, r, problem, problems, skipped);
            }
        }
        return new Read<>(out, skipped, problems);
    }

    private static String check(Row r, int a, int b) {
        int need = Math.max(a, b) + 1;
        if (r.fields().size() < need) return "expected at least " + need + " fields, found " + r.fields().size();
        if (r.fields().get(a).isBlank()) return "field " + a + " is empty";
        if (r.fields().get(b).isBlank()) return "field " + b + " is empty";
        return null;
    }

    static int skip(BadRows bad, Row r, String problem, List<String> problems, int skipped) {
        String message = r.origin() + ": " + problem;
        if (bad == BadRows.FAIL) throw new MalformedRowException(message + " (to skip and count such rows: --skip-bad-rows on the command line, BadRows.SKIP in Java)");
        if (problems.size() < 20) problems.add(message);
        return skipped + 1;
    }

    /** Names that mark a first row as a header when detection is automatic. */
    static boolean looksLikeHeaderName(String field) {
        return switch (field.trim().toLowerCase(Locale.ROOT)) {
            case "text", "sentence", "label", "labels", "review", "sentiment", "source", "target", "src", "tgt", "document",
                 "summary", "id", "question", "answer", "title", "body", "subject", "class", "category", "en", "de", "fr" -> true;
            default -> false;
        };
    }

    /** Thrown for a malformed row when rows are not skipped: names the file and line. */
    public static final class MalformedRowException extends IllegalArgumentException {
        public MalformedRowException(String message) {
            super(message);
        }
    }
}
