package org.grukit.nlp.text;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Locale;
import org.eclipse.collections.impl.list.mutable.primitive.FloatArrayList;
import org.eclipse.collections.impl.map.mutable.primitive.ObjectIntHashMap;
import org.grukit.core.Tensor;
import org.grukit.core.nn.Embedding;
import org.grukit.nlp.data.TextFiles;

/**
 * Pre-trained word vectors in GloVe's text format (a word and its values a line) or word2vec's text format (the
 * same after a first line "count dim"), read strictly: every line must have the same number of finite values.
 * Only the words a vocabulary needs are kept when one is given, so a large file does not fill memory.
 */
public final class WordVectors {
    private final int dim;
    private final ObjectIntHashMap<String> rows, lowerRows; // word -> row; lower-cased word -> its first row
    private final float[] values; // [rows][dim]

    private WordVectors(int dim, ObjectIntHashMap<String> rows, float[] values) {
        this.dim = dim;
        this.rows = rows;
        this.values = values;
        lowerRows = new ObjectIntHashMap<>(rows.size());
        String[] byRow = new String[rows.size()];
        rows.forEachKeyValue((w, r) -> byRow[r] = w);
        for (int r = 0; r < byRow.length; r++) {
            String lower = byRow[r].toLowerCase(Locale.ROOT);
            if (!lowerRows.containsKey(lower)) lowerRows.put(lower, r);
        }
    }

    /** Every vector of the file. */
    public static WordVectors read(Path path, Charset charset) throws IOException {
        return read(path, charset, null);
    }

    /** The largest vector size read (published vectors have at most a few thousand). */
    static final int MAX_DIM = 100_000;

    /** The vectors of the words {@code keep} has (ignoring case); null keeps every word. */
    public static WordVectors read(Path path, Charset charset, Vocabulary keep) throws IOException {
        java.util.Set<String> wanted = new java.util.HashSet<>();
        if (keep != null) for (String t : keep.tokens()) wanted.add(t.toLowerCase(Locale.ROOT));
        ObjectIntHashMap<String> rows = new ObjectIntHashMap<>();
        FloatArrayList values = new FloatArrayList();
        int dim = -1;
        try (TextFiles.Lines lines = TextFiles.lines(path, charset)) {
            for (String line; (line = lines.next()) != null; ) {
                if (line.isBlank()) continue;
                String[] parts = line.trim().split(" +");
                if (lines.lineNumber() == 1 && parts.length == 2 && isInt(parts[0]) && isInt(parts[1])) {
                    // word2vec's header: count and dimension; a dimension beyond any real vectors' is a damaged header.
                    long d = parts[1].length() > 9 ? Long.MAX_VALUE : Long.parseLong(parts[1]);
                    if (d <= 0 || d > MAX_DIM) {
                        throw new IOException(lines.origin() + ": word2vec header gives dimension " + parts[1] + ", expected 1 to " + MAX_DIM);
                    }
                    dim = (int) d;
                    continue;
                }
                if (dim < 0) dim = parts.length - 1;
                if (dim <= 0 || parts.length < dim + 1) {
                    throw new IOException(lines.origin() + ": expected a word and " + Math.max(dim, 1) + " values, found " + parts.length + " fields");
                }
                // A word may itself contain spaces (GloVe 840B has some): the values are the last dim fields.
                String word = parts.length == dim + 1 ? parts[0] : String.join(" ", java.util.Arrays.copyOf(parts, parts.length - dim));
                if (keep != null && !wanted.contains(word.toLowerCase(Locale.ROOT))) continue;
                if (rows.containsKey(word)) continue; // the first vector of a repeated word wins
                rows.put(word, rows.size());
                for (int j = parts.length - dim; j < parts.length; j++) {
                    float v;
                    try {
                        v = Float.parseFloat(parts[j]);
                    } catch (NumberFormatException e) {
                        throw new IOException(lines.origin() + ": value " + (j - parts.length + dim) + " is not a number: '" + parts[j] + "'");
                    }
                    if (!Float.isFinite(v)) throw new IOException(lines.origin() + ": value " + (j - parts.length + dim) + " is " + v);
                    values.add(v);
                }
            }
        }
        if (dim < 0) throw new IOException(path + " holds no vectors");
        return new WordVectors(dim, rows, values.toArray());
    }

    private static boolean isInt(String s) {
        for (int i = 0; i < s.length(); i++) if (!Character.isDigit(s.charAt(i))) return false;
        return !s.isEmpty();
    }

    public int dim() {
        return dim;
    }

    public int size() {
        return rows.size();
    }

    /** The vector of a word, or null. */
    public float[] vector(String word) {
        int r = rows.getIfAbsent(word, -1);
        return r < 0 ? null : java.util.Arrays.copyOfRange(values, r * dim, (r + 1) * dim);
    }

    /**
     * Copies the vector of each vocabulary word into its embedding row: the exact word's, else the first vector
     * whose word matches it ignoring case. Words without a
     * vector keep the embedding's own initialisation (N(0, 1), as torch.nn.Embedding), special tokens too, and
     * the padding row stays zero. Returns how many rows were set.
     */
    public int initialise(Embedding embedding, Vocabulary vocabulary) {
        Tensor w = embedding.weight();
        if (w.dim(1) != dim) throw new IllegalArgumentException("embedding dim " + w.dim(1) + " does not match the vectors' " + dim);
        if (w.dim(0) != vocabulary.size()) {
            throw new IllegalArgumentException("embedding has " + w.dim(0) + " rows for a vocabulary of " + vocabulary.size());
        }
        float[] data = w.array();
        int found = 0;
        for (int id = 0; id < vocabulary.size(); id++) {
            if (vocabulary.isSpecial(id) || embedding.paddingIdx().equals(java.util.OptionalInt.of(id))) continue;
            String t = vocabulary.token(id);
            int r = rows.getIfAbsent(t, lowerRows.getIfAbsent(t.toLowerCase(Locale.ROOT), -1));
            if (r < 0) continue;
            System.arraycopy(values, r * dim, data, w.offset() + id * dim, dim);
            found++;
        }
        w.bumpVersion();
        return found;
    }
}
