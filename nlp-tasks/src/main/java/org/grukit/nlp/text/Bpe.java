package org.grukit.nlp.text;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.collections.api.iterator.IntIterator;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.eclipse.collections.impl.map.mutable.primitive.IntIntHashMap;
import org.eclipse.collections.impl.map.mutable.primitive.LongIntHashMap;
import org.eclipse.collections.impl.map.mutable.primitive.LongObjectHashMap;
import org.eclipse.collections.impl.map.mutable.primitive.ObjectIntHashMap;
import org.eclipse.collections.impl.set.mutable.primitive.IntHashSet;
import org.eclipse.collections.impl.set.mutable.primitive.LongHashSet;
import org.grukit.core.io.AtomicFiles;

/**
 * Byte-pair encoding (Sennrich et al. 2016) with byte fallback, so that any text encodes and decodes back to
 * exactly itself. Text is first cut into segments as GPT-2 cuts it (a word with the space before it, a number,
 * a run of punctuation, a run of white space); merges never cross a segment. A space is the piece U+2581, as
 * SentencePiece writes it. Characters outside the learned alphabet (rare ones, and a literal U+2581) become
 * their UTF-8 bytes, the pieces {@code <0x00>} to {@code <0xFF>}, which are ids 0 to 255. Piece strings are
 * unique, so pieces and ids convert both ways. An instance is immutable and safe to share between threads.
 */
public final class Bpe implements Tokenizer {
    /** How a space is written inside a piece. */
    public static final char SPACE = '\u2581';
    static final int BYTES = 256;
    /** Longer segments are cut, so a pathological line (a megabyte without a space) costs linear time. */
    static final int MAX_SEGMENT = 64;
    private static final Pattern SEGMENT =
            Pattern.compile(" ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");
    private static final Pattern BYTE_PIECE = Pattern.compile("<0x[0-9A-F]{2}>");
    private static final int CACHE_LIMIT = 1 << 18;
    private static final String FORMAT = "grukit-bpe";
    private static final int FORMAT_VERSION = 1;

    private final String[] pieces; // id -> piece
    private final ObjectIntHashMap<String> ids; // piece -> id
    private final IntIntHashMap alphabet; // code point -> id; ' ' -> the id of U+2581
    private final LongIntHashMap ranks; // (a << 32 | b) -> merge rank
    private final int[][] merges; // rank -> {a, b, result}
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    private Bpe(List<String> pieces, int[][] merges) {
        this.pieces = pieces.toArray(new String[0]);
        this.merges = merges;
        ids = new ObjectIntHashMap<>(pieces.size() * 2);
        alphabet = new IntIntHashMap();
        for (int id = 0; id < this.pieces.length; id++) {
            String p = this.pieces[id];
            if (ids.containsKey(p)) throw new IllegalArgumentException("BPE piece '" + p + "' appears twice (ids " + ids.get(p) + " and " + id + ")");
            ids.put(p, id);
            if (id < BYTES) {
                if (!p.equals(bytePiece(id))) throw new IllegalArgumentException("BPE piece " + id + " must be " + bytePiece(id) + ", got '" + p + "'");
            } else if (p.isEmpty()) {
                throw new IllegalArgumentException("BPE piece " + id + " is empty");
            } else if (p.codePointCount(0, p.length()) == 1) { // merged pieces have two or more
                alphabet.put(p.charAt(0) == SPACE ? ' ' : p.codePointAt(0), id);
            }
        }
        if (!alphabet.containsKey(' ')) throw new IllegalArgumentException("BPE pieces must include the space piece " + SPACE);
        ranks = new LongIntHashMap(merges.length * 2);
        for (int r = 0; r < merges.length; r++) {
            int[] m = merges[r];
            if (m.length != 3) throw new IllegalArgumentException("BPE merge " + r + " must be [a, b, result], got " + Arrays.toString(m));
            for (int id : m) {
                if (id < BYTES || id >= this.pieces.length) {
                    throw new IllegalArgumentException("BPE merge " + r + " refers to id " + id + ", outside the merged pieces [" + BYTES + ", " + this.pieces.length + ")");
                }
            }
            if (!this.pieces[m[2]].equals(this.pieces[m[0]] + this.pieces[m[1]])) {
                throw new IllegalArgumentException("BPE merge " + r + ": '" + this.pieces[m[0]] + "' + '" + this.pieces[m[1]] + "' is not '" + this.pieces[m[2]] + "'");
            }
            ranks.put(key(m[0], m[1]), r);
        }
    }

    static String bytePiece(int b) {
        return String.format("<0x%02X>", b);
    }

    private static long key(int a, int b) {
        return (long) a << 32 | (b & 0xffffffffL);
    }

    /** Learns merges on {@code lines} until there are {@code vocabSize} pieces, with 99.99% character coverage. */
    public static Bpe train(Iterable<String> lines, int vocabSize) {
        return train(lines, vocabSize, 0.9999);
    }

    /**
     * Learns merges on {@code lines} until there are {@code vocabSize} pieces (256 bytes, the space, the
     * alphabet, and merges) or nothing is left to merge. The alphabet is the most frequent characters covering
     * {@code coverage} of all characters; ties are broken by code point and merges by pair ids, so training is
     * deterministic.
     */
    public static Bpe train(Iterable<String> lines, int vocabSize, double coverage) {
        if (vocabSize < BYTES + 1) throw new IllegalArgumentException("vocabSize must be >= " + (BYTES + 1) + " (256 byte pieces and the space), got " + vocabSize);
        if (!(coverage > 0 && coverage <= 1)) throw new IllegalArgumentException("coverage must be in (0, 1], got " + coverage);
        ObjectIntHashMap<String> segments = new ObjectIntHashMap<>();
        for (String line : lines) forEachSegment(line, (s, start, end) -> segments.addToValue(line.substring(start, end), 1));
        IntIntHashMap chars = new IntIntHashMap();
        long total = 0;
        for (var e : segments.keyValuesView()) {
            String s = e.getOne();
            for (int i = 0; i < s.length(); ) {
                int cp = s.codePointAt(i);
                i += Character.charCount(cp);
                if (cp == ' ' || cp == SPACE) continue;
                chars.addToValue(cp, e.getTwo());
                total += e.getTwo();
            }
        }
        int[] byCount = chars.keySet().toArray();
        Integer[] boxed = Arrays.stream(byCount).boxed().toArray(Integer[]::new);
        Arrays.sort(boxed, (x, y) -> chars.get(x) != chars.get(y) ? Integer.compare(chars.get(y), chars.get(x)) : Integer.compare(x, y));
        List<String> pieces = new ArrayList<>(vocabSize);
        for (int b = 0; b < BYTES; b++) pieces.add(bytePiece(b));
        pieces.add(String.valueOf(SPACE));
        long covered = 0;
        for (int cp : boxed) {
            if (pieces.size() >= vocabSize || (total > 0 && covered >= coverage * total)) break;
            String p = new String(Character.toChars(cp));
            if (BYTE_PIECE.matcher(p).matches()) continue;
            pieces.add(p);
            covered += chars.get(cp);
        }
        Bpe base = new Bpe(pieces, new int[0][]);

        // The word types as symbol sequences, with their counts; and the counts of adjacent pairs.
        int n = segments.size();
        int[][] words = new int[n][];
        int[] freq = new int[n];
        int wi = 0;
        for (var e : segments.keyValuesView()) {
            words[wi] = base.symbols(e.getOne());
            freq[wi++] = e.getTwo();
        }
        LongIntHashMap pairCount = new LongIntHashMap();
        LongObjectHashMap<IntHashSet> where = new LongObjectHashMap<>();
        for (int w = 0; w < n; w++) {
            int[] s = words[w];
            for (int i = 0; i + 1 < s.length; i++) {
                if (s[i] < BYTES || s[i + 1] < BYTES) continue;
                long k = key(s[i], s[i + 1]);
                pairCount.addToValue(k, freq[w]);
                where.getIfAbsentPut(k, IntHashSet::new).add(w);
            }
        }
        // Highest count first; among equal counts the smaller pair key, so the order never depends on hashing.
        PriorityQueue<long[]> heap = new PriorityQueue<>((x, y) -> x[0] != y[0] ? Long.compare(y[0], x[0]) : Long.compare(x[1], y[1]));
        pairCount.forEachKeyValue((k, c) -> heap.add(new long[] {c, k}));
        ObjectIntHashMap<String> pieceIds = new ObjectIntHashMap<>();
        for (int id = 0; id < pieces.size(); id++) pieceIds.put(pieces.get(id), id);
        List<int[]> merges = new ArrayList<>();
        while (pieces.size() < vocabSize && !heap.isEmpty()) {
            long[] top = heap.poll();
            long k = top[1];
            if (pairCount.getIfAbsent(k, 0) != top[0] || top[0] <= 0) continue; // stale entry
            int a = (int) (k >>> 32), b = (int) k;
            String merged = pieces.get(a) + pieces.get(b);
            pairCount.remove(k);
            IntHashSet users = where.remove(k);
            if (BYTE_PIECE.matcher(merged).matches()) continue; // would read as a byte piece
            int c = pieceIds.getIfAbsent(merged, -1);
            if (c < 0) {
                c = pieces.size();
                pieces.add(merged);
                pieceIds.put(merged, c);
            }
            merges.add(new int[] {a, b, c});
            LongHashSet changed = new LongHashSet();
            IntIterator it = users.intIterator();
            while (it.hasNext()) {
                int w = it.next();
                int[] old = words[w];
                int[] now = mergeAll(old, a, b, c);
                if (now == old) continue; // the index is lazy: this word lost the pair in an earlier merge
                int f = freq[w];
                for (int i = 0; i + 1 < old.length; i++) {
                    if (old[i] < BYTES || old[i + 1] < BYTES) continue;
                    long p = key(old[i], old[i + 1]);
                    if (p == k) continue;
                    pairCount.addToValue(p, -f);
                    changed.add(p);
                }
                for (int i = 0; i + 1 < now.length; i++) {
                    if (now[i] < BYTES || now[i + 1] < BYTES) continue;
                    long p = key(now[i], now[i + 1]);
                    pairCount.addToValue(p, f);
                    where.getIfAbsentPut(p, IntHashSet::new).add(w);
                    changed.add(p);
                }
                words[w] = now;
            }
            changed.forEach(p -> {
                int count = pairCount.getIfAbsent(p, 0);
                if (count > 0) heap.add(new long[] {count, p});
            });
        }
        return new Bpe(pieces, merges.toArray(new int[0][]));
    }

    /** Every non-overlapping (a, b), left to right, replaced by c; the same array if there is none. */
    private static int[] mergeAll(int[] s, int a, int b, int c) {
        int[] out = null;
        int o = 0;
        for (int i = 0; i < s.length; i++) {
            if (i + 1 < s.length && s[i] == a && s[i + 1] == b) {
                if (out == null) {
                    out = new int[s.length - 1];
                    System.arraycopy(s, 0, out, 0, i);
                    o = i;
                }
                out[o++] = c;
                i++;
            } else if (out != null) {
                out[o++] = s[i];
            }
        }
        return out == null ? s : Arrays.copyOf(out, o);
    }

    interface SegmentVisitor {
        void visit(String text, int start, int end);
    }

    /** The segments of {@code text}: consecutive, covering it exactly. */
    static void forEachSegment(String text, SegmentVisitor v) {
        Matcher m = SEGMENT.matcher(text);
        int pos = 0;
        while (m.find()) {
            if (m.start() != pos) throw new IllegalStateException("segments must cover the text; gap at " + pos);
            int s = m.start(), e = m.end();
            while (s < e) { // cut long segments, never inside a surrogate pair
                int cut = Math.min(e, s + MAX_SEGMENT);
                if (cut < e && Character.isHighSurrogate(text.charAt(cut - 1)) && Character.isLowSurrogate(text.charAt(cut))) cut--;
                v.visit(text, s, cut);
                s = cut;
            }
            pos = e;
        }
        if (pos != text.length()) throw new IllegalStateException("segments must cover the text; " + (text.length() - pos) + " chars left");
    }

    /** The initial symbols of a segment: alphabet ids, the space piece, or UTF-8 bytes. */
    private int[] symbols(String seg) {
        int[] out = new int[seg.length() * 4];
        int n = 0;
        for (int i = 0; i < seg.length(); ) {
            int cp = seg.codePointAt(i);
            i += Character.charCount(cp);
            int id = cp == SPACE ? -1 : alphabet.getIfAbsent(cp, -1);
            if (id >= 0) {
                out[n++] = id;
            } else {
                n = utf8(cp, out, n);
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** UTF-8 bytes of a code point (a lone surrogate too, as WTF-8 does, so every Java string round-trips). */
    private static int utf8(int cp, int[] out, int n) {
        if (cp < 0x80) {
            out[n++] = cp;
        } else if (cp < 0x800) {
            out[n++] = 0xC0 | cp >> 6;
            out[n++] = 0x80 | cp & 0x3F;
        } else if (cp < 0x10000) {
            out[n++] = 0xE0 | cp >> 12;
            out[n++] = 0x80 | cp >> 6 & 0x3F;
            out[n++] = 0x80 | cp & 0x3F;
        } else {
            out[n++] = 0xF0 | cp >> 18;
            out[n++] = 0x80 | cp >> 12 & 0x3F;
            out[n++] = 0x80 | cp >> 6 & 0x3F;
            out[n++] = 0x80 | cp & 0x3F;
        }
        return n;
    }

    /** The ids of one segment: lowest-ranked merge first, as training applied them. */
    private int[] encodeSegment(String seg) {
        int[] cached = cache.get(seg);
        if (cached != null) return cached;
        int[] s = symbols(seg);
        while (s.length > 1) {
            int best = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < s.length; i++) {
                if (s[i] < BYTES || s[i + 1] < BYTES) continue;
                int r = ranks.getIfAbsent(key(s[i], s[i + 1]), Integer.MAX_VALUE);
                if (r < best) best = r;
            }
            if (best == Integer.MAX_VALUE) break;
            int[] m = merges[best];
            s = mergeAll(s, m[0], m[1], m[2]);
        }
        if (cache.size() >= CACHE_LIMIT) cache.clear(); // bounded: a stream of unique segments cannot grow it forever
        cache.put(seg, s);
        return s;
    }

    /** The piece ids of {@code text}. */
    public int[] encode(String text) {
        IntArrayList out = new IntArrayList(text.length() / 3 + 1);
        forEachSegment(text, (t, start, end) -> out.addAll(encodeSegment(t.substring(start, end))));
        return out.toArray();
    }

    @Override
    public List<Token> tokenize(String text) {
        List<Token> out = new ArrayList<>();
        forEachSegment(text, (t, start, end) -> {
            int pos = start, groupLeft = 0, groupChars = 0;
            for (int id : encodeSegment(t.substring(start, end))) {
                if (id >= BYTES) {
                    int len = pieces[id].length();
                    out.add(new Token(pieces[id], pos, pos + len));
                    pos += len;
                    continue;
                }
                if (groupLeft == 0) { // a lead byte: how many bytes and chars its code point takes
                    groupLeft = id < 0x80 ? 1 : id >= 0xF0 ? 4 : id >= 0xE0 ? 3 : 2;
                    groupChars = groupLeft == 4 ? 2 : 1;
                }
                out.add(new Token(pieces[id], pos, pos + groupChars));
                if (--groupLeft == 0) pos += groupChars;
            }
        });
        return out;
    }

    /** The text of piece ids: pieces joined, U+2581 as a space, byte pieces decoded as UTF-8. */
    public String decode(int[] idSequence) {
        StringBuilder sb = new StringBuilder();
        byte[] bytes = new byte[16];
        int nb = 0;
        for (int id : idSequence) {
            if (id < 0 || id >= pieces.length) throw new IllegalArgumentException("BPE id " + id + " is outside [0, " + pieces.length + ")");
            if (id < BYTES) {
                if (nb == bytes.length) bytes = Arrays.copyOf(bytes, nb * 2);
                bytes[nb++] = (byte) id;
                continue;
            }
            nb = flush(sb, bytes, nb);
            String p = pieces[id];
            for (int i = 0; i < p.length(); i++) sb.append(p.charAt(i) == SPACE ? ' ' : p.charAt(i));
        }
        flush(sb, bytes, nb);
        return sb.toString();
    }

    /** The text of pieces, as {@link #decode(int[])}; an unknown piece is an error naming it. */
    public String decodePieces(List<String> pieceSequence) {
        int[] idSequence = new int[pieceSequence.size()];
        for (int i = 0; i < idSequence.length; i++) {
            String p = pieceSequence.get(i);
            int id = ids.getIfAbsent(p, -1);
            if (id < 0) throw new IllegalArgumentException("unknown BPE piece '" + p + "' at position " + i);
            idSequence[i] = id;
        }
        return decode(idSequence);
    }

    /** Decodes WTF-8 bytes (UTF-8 that allows lone surrogates); a malformed byte becomes U+FFFD. */
    private static int flush(StringBuilder sb, byte[] b, int n) {
        int i = 0;
        while (i < n) {
            int lead = b[i] & 0xFF, len = lead < 0x80 ? 1 : lead >= 0xF8 ? 0 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
            if (len == 0 || i + len > n) {
                sb.append('\uFFFD');
                i++;
                continue;
            }
            int cp = len == 1 ? lead : lead & (0xFF >> (len + 1));
            boolean ok = true;
            for (int j = 1; j < len; j++) {
                int c = b[i + j] & 0xFF;
                if ((c & 0xC0) != 0x80) ok = false;
                cp = cp << 6 | c & 0x3F;
            }
            if (!ok || cp > Character.MAX_CODE_POINT) {
                sb.append('\uFFFD');
                i++;
                continue;
            }
            sb.appendCodePoint(cp);
            i += len;
        }
        return 0;
    }

    public int vocabSize() {
        return pieces.length;
    }

    public String piece(int id) {
        return pieces[id];
    }

    /** The id of a piece, or -1. */
    public int id(String piece) {
        return ids.getIfAbsent(piece, -1);
    }

    /** All pieces in id order (256 bytes, the space, the alphabet, merges). */
    public List<String> pieces() {
        return List.of(pieces);
    }

    @Override
    public String spec() {
        return "bpe";
    }

    /** The model as JSON: format, version, pieces in id order, merges as [a, b, result] in rank order. */
    public record File(String format, int formatVersion, List<String> pieces, int[][] merges) {}

    public void save(Path path) throws IOException {
        AtomicFiles.writeString(path, org.grukit.core.io.Json.tree(new File(FORMAT, FORMAT_VERSION, pieces(), merges)).toString());
    }

    public static Bpe load(Path path) throws IOException {
        File f;
        try {
            f = org.grukit.core.io.Json.bind(org.grukit.core.io.Json.parse(Files.readAllBytes(path)), File.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(path + " is not a grukit BPE model: " + e.getOriginalMessage());
        }
        if (f == null) throw new IOException(path + " is not a grukit BPE model: it holds null");
        if (!FORMAT.equals(f.format())) throw new IOException(path + ": expected format '" + FORMAT + "', found '" + f.format() + "'");
        if (f.formatVersion() != FORMAT_VERSION) {
            throw new IOException(path + ": BPE format version " + f.formatVersion() + " is not supported (this grukit reads " + FORMAT_VERSION + ")");
        }
        if (f.pieces() == null || f.merges() == null) throw new IOException(path + ": a BPE model needs 'pieces' and 'merges'");
        for (int i = 0; i < f.pieces().size(); i++) {
            if (f.pieces().get(i) == null) throw new IOException(path + ": piece " + i + " is null, expected a string");
        }
        for (int i = 0; i < f.merges().length; i++) {
            if (f.merges()[i] == null || f.merges()[i].length != 3) {
                throw new IOException(path + ": merge " + i + " must be [a, b, result], found "
                        + (f.merges()[i] == null ? "null" : java.util.Arrays.toString(f.merges()[i])));
            }
        }
        try {
            return new Bpe(f.pieces(), f.merges());
        } catch (IllegalArgumentException e) {
            throw new IOException(path + ": " + e.getMessage(), e);
        }
    }
}
