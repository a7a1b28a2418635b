package org.grukit.nlp.summarize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.grukit.nlp.data.Aeslc;
import org.grukit.nlp.data.BadRows;
import org.grukit.nlp.data.Delimited;
import org.grukit.nlp.data.JsonLinesTable;
import org.grukit.nlp.data.Read;
import org.grukit.nlp.data.TextPair;

/**
 * Documents with their summaries, from an AESLC folder (a file per email: body, {@code @subject}, and in dev/test
 * {@code @ann0..2}), a JSON-lines file (fields {@code document} and {@code summary}) or a TSV file (columns
 * {@code document} and {@code summary} by header, else the first two). The AESLC annotators' subjects are kept
 * as extra references.
 */
public final class SummaryData {
    private SummaryData() {}

    /**
     * One document: an id (file name or file:line), its text, its summary (AESLC: the original subject) and any
     * further references (AESLC dev/test: the annotators' subjects; else empty).
     */
    public record Document(String id, String text, String summary, List<String> annotations) {
        public Document {
            annotations = List.copyOf(annotations);
        }
    }

    /** Reads a folder in the AESLC layout, a .jsonl file or a .tsv file; malformed entries fail or are skipped. */
    public static Read<Document> read(Path path, BadRows bad) throws IOException {
        if (Files.isDirectory(path)) {
            Read<Aeslc.Email> r = Aeslc.read(path, bad);
            List<Document> out = new ArrayList<>(r.items().size());
            for (Aeslc.Email e : r.items()) out.add(new Document(e.name(), e.body(), e.subject(), e.annotations()));
            return new Read<>(out, r.skipped(), r.problems());
        }
        if (!Files.isRegularFile(path)) throw new IOException("no summarisation data at " + path + " (expected an AESLC folder, .jsonl or .tsv)");
        String name = path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        Read<TextPair> pairs;
        if (name.endsWith(".jsonl") || name.endsWith(".json")) {
            pairs = JsonLinesTable.read(path, bad, "document", "summary").pairs("document", "summary", bad);
        } else if (name.endsWith(".tsv") || name.endsWith(".txt")) {
            var table = Delimited.tsv().read(path);
            boolean named = table.header() != null && table.header().contains("document") && table.header().contains("summary");
            pairs = named ? table.pairs("document", "summary", bad) : table.pairs("0", "1", bad);
        } else {
            throw new IOException("unknown summarisation data format: " + path + " (expected an AESLC folder, .jsonl or .tsv)");
        }
        List<Document> out = new ArrayList<>(pairs.items().size());
        for (TextPair p : pairs.items()) out.add(new Document(p.origin(), p.source(), p.target(), List.of()));
        return new Read<>(out, pairs.skipped(), pairs.problems());
    }
}
