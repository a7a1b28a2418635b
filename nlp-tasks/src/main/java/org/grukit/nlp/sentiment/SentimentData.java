package org.grukit.nlp.sentiment;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.grukit.core.Rng;
import org.grukit.nlp.data.BadRows;
import org.grukit.nlp.data.Delimited;
import org.grukit.nlp.data.JsonLinesTable;
import org.grukit.nlp.data.LabelledText;
import org.grukit.nlp.data.Read;
import org.grukit.nlp.data.Table;
import org.grukit.nlp.data.TextFiles;

/**
 * Labelled text for the sentiment task from whatever a user has: a TSV or CSV with a header (text column
 * "sentence" or "text", label column "label", else the first and last columns), JSON lines with "text" and
 * "label", or a folder in MR's layout (rt-polarity.pos / .neg, windows-1252).
 */
public final class SentimentData {
    private SentimentData() {}

    /**
     * Which columns hold the text and the label (a header name or a 0-based index; null: guessed, and the guess
     * reported in {@link Read#guessed()}) and the files' charset (null: UTF-8, MR's folder windows-1252).
     */
    public record Columns(String text, String label, Charset charset) {
        /** Everything guessed. */
        public static final Columns GUESS = new Columns(null, null, null);
    }

    public static Read<LabelledText> read(Path path, BadRows bad) throws IOException {
        return read(path, bad, Columns.GUESS);
    }

    public static Read<LabelledText> read(Path path, BadRows bad, Columns columns) throws IOException {
        if (Files.isDirectory(path)) {
            Path pos = path.resolve("rt-polarity.pos"), neg = path.resolve("rt-polarity.neg");
            if (!Files.isRegularFile(pos) || !Files.isRegularFile(neg)) {
                throw new IOException(path + " is a folder without rt-polarity.pos and rt-polarity.neg (MR's layout)");
            }
            Charset cs = columns.charset() != null ? columns.charset() : Charset.forName("windows-1252");
            List<LabelledText> all = new ArrayList<>(TextFiles.labelledLines(neg, cs, "neg"));
            all.addAll(TextFiles.labelledLines(pos, cs, "pos"));
            return new Read<>(all, 0, List.of());
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        String textColumn = columns.text() != null ? columns.text() : "text", labelColumn = columns.label() != null ? columns.label() : "label";
        if (name.endsWith(".jsonl") || name.endsWith(".json")) {
            return JsonLinesTable.read(path, bad, textColumn, labelColumn).labelled(textColumn, labelColumn, bad);
        }
        Delimited format = name.endsWith(".csv") ? Delimited.csv() : Delimited.tsv();
        Table t = (columns.charset() != null ? format.withCharset(columns.charset()) : format).read(path);
        String text = columns.text(), label = columns.label();
        if (text != null && label != null) return t.labelled(text, label, bad);
        if (t.header() == null) {
            int last = t.rows().isEmpty() ? 1 : t.rows().get(0).fields().size() - 1;
            if (text == null) text = "0";
            if (label == null) label = Integer.toString(Math.max(1, last));
        } else {
            if (text == null) text = has(t, "sentence") ? "sentence" : has(t, "text") ? "text" : "0";
            if (label == null) label = has(t, "label") ? "label" : Integer.toString(t.header().size() - 1);
        }
        return t.labelled(text, label, bad).withGuessed("text column " + describe(t, text) + ", label column " + describe(t, label));
    }

    private static String describe(Table t, String column) {
        int i = t.column(column);
        return t.header() == null ? "#" + i + " (no header)" : "'" + t.header().get(i).trim() + "' (#" + i + ")";
    }

    private static boolean has(Table t, String column) {
        for (String h : t.header()) if (h.trim().equalsIgnoreCase(column)) return true;
        return false;
    }

    /** The labels in a stable order: numerically if all are integers, else alphabetically. */
    public static List<String> labels(List<LabelledText> data) {
        java.util.TreeSet<String> set = new java.util.TreeSet<>();
        for (LabelledText x : data) set.add(x.label());
        List<String> out = new ArrayList<>(set);
        // Integers of any length ("123456789012345678901" is a label, not an overflow).
        if (out.stream().allMatch(s -> s.matches("-?\\d+"))) out.sort(java.util.Comparator.comparing(java.math.BigInteger::new));
        return out;
    }

    /** A seeded split: the first list holds 1 - heldOut of the data, shuffled. */
    public static List<List<LabelledText>> split(List<LabelledText> data, double heldOut, long seed) {
        if (!(heldOut > 0 && heldOut < 1)) throw new IllegalArgumentException("heldOut must be in (0, 1), got " + heldOut);
        List<LabelledText> shuffled = new ArrayList<>(data);
        Rng rng = new Rng(seed);
        for (int i = shuffled.size() - 1; i > 0; i--) java.util.Collections.swap(shuffled, i, rng.nextInt(i + 1));
        int cut = (int) Math.round(shuffled.size() * (1 - heldOut));
        return List.of(shuffled.subList(0, cut), shuffled.subList(cut, shuffled.size()));
    }
}
