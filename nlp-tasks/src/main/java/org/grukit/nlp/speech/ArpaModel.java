package org.grukit.nlp.speech;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A back-off n-gram language model read from an ARPA file, the text format KenLM ({@code lmplz}), SRILM
 * ({@code ngram-count}) and IRSTLM write: log10 probabilities and back-off weights by order. As a
 * {@link CtcDecoder.WordScorer} it gives log P(word | history) in natural log, backing off as the format defines:
 * P(w | h) = P(h w) when the n-gram is listed, else bow(h) * P(w | h minus its first word). Sentences start with
 * {@code <s>}; a word not in the model gets {@code <unk>}'s probability, or, when the model has no {@code <unk>},
 * 10^-99 as SRILM writes for what cannot occur.
 */
public final class ArpaModel implements CtcDecoder.WordScorer {
    private static final double LN10 = Math.log(10);
    private static final double IMPOSSIBLE = -99; // log10
    /** The highest order read: ARPA files go to 5 or 6; a header claiming more is not one. */
    static final int MAX_ORDER = 10;

    private final int order;
    private final List<Map<String, float[]>> grams = new ArrayList<>(); // per order: "w1 w2 ..." -> {log10 p, log10 bow}

    private ArpaModel(int order) {
        this.order = order;
        for (int i = 0; i < order; i++) grams.add(new HashMap<>());
    }

    /** Whether a file looks like an ARPA model: a first non-blank line {@code \data\}. */
    public static boolean isArpa(Path p) throws IOException {
        try (BufferedReader r = reader(p)) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank()) return line.strip().equals("\\data\\");
            }
        }
        return false;
    }

    private static BufferedReader reader(Path p) throws IOException {
        java.io.InputStream in = Files.newInputStream(p);
        if (p.getFileName().toString().endsWith(".gz")) in = new java.util.zip.GZIPInputStream(in, 1 << 16);
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    }

    /** Reads an ARPA file (gzipped when its name ends in .gz); a malformed one is an error naming the file and line. */
    public static ArpaModel read(Path p) throws IOException {
        try (BufferedReader r = reader(p)) {
            int lineNo = 0;
            String line;
            while ((line = r.readLine()) != null && line.isBlank()) lineNo++;
            lineNo++;
            if (line == null || !line.strip().equals("\\data\\")) throw bad(p, lineNo, "expected \\data\\ at the start of an ARPA file, found " + quote(line));
            Map<Integer, Long> counts = new HashMap<>();
            while ((line = r.readLine()) != null) {
                lineNo++;
                String s = line.strip();
                if (s.isEmpty()) {
                    if (!counts.isEmpty()) break;
                    continue;
                }
                if (!s.startsWith("ngram ")) throw bad(p, lineNo, "expected 'ngram N=COUNT' in \\data\\, found " + quote(line));
                String[] kv = s.substring(6).split("=");
                try {
                    int n = Integer.parseInt(kv[0].strip());
                    long c = Long.parseLong(kv[1].strip());
                    if (n < 1 || n > MAX_ORDER || c < 0 || counts.containsKey(n)) throw new NumberFormatException();
                    counts.put(n, c);
                } catch (RuntimeException e) {
                    throw bad(p, lineNo, "expected 'ngram N=COUNT' with N in 1.." + MAX_ORDER + " given once, found " + quote(line));
                }
            }
            int order = counts.keySet().stream().mapToInt(Integer::intValue).max().orElseThrow(() -> new IOException(p + ": no 'ngram N=COUNT' lines in \\data\\"));
            for (int n = 1; n <= order; n++) if (!counts.containsKey(n)) throw new IOException(p + ": \\data\\ gives no count of " + n + "-grams");
            ArpaModel m = new ArpaModel(order);
            int current = 0;
            long seen = 0;
            boolean ended = false;
            while ((line = r.readLine()) != null) {
                lineNo++;
                String s = line.strip();
                if (s.isEmpty()) continue;
                if (s.startsWith("\\")) {
                    if (current > 0 && seen != counts.get(current)) {
                        throw bad(p, lineNo, "\\data\\ promised " + counts.get(current) + " " + current + "-grams, the section has " + seen);
                    }
                    if (s.equals("\\end\\")) {
                        ended = true;
                        break;
                    }
                    if (!s.matches("\\\\[0-9]+-grams:")) throw bad(p, lineNo, "expected a section such as \\2-grams: or \\end\\, found " + quote(line));
                    current = Integer.parseInt(s.substring(1, s.indexOf('-')));
                    if (current < 1 || current > order) throw bad(p, lineNo, "a section of " + current + "-grams in a model of order " + order);
                    seen = 0;
                    continue;
                }
                if (current == 0) throw bad(p, lineNo, "an n-gram before any \\N-grams: section: " + quote(line));
                String[] f = s.split("\\s+");
                if (f.length != current + 1 && f.length != current + 2) {
                    throw bad(p, lineNo, "a " + current + "-gram line has a log10 probability, " + current + " word(s) and maybe a back-off weight; found "
                            + quote(line));
                }
                float prob, bow = 0;
                try {
                    prob = Float.parseFloat(f[0]);
                    if (f.length == current + 2) bow = Float.parseFloat(f[current + 1]);
                } catch (NumberFormatException e) {
                    throw bad(p, lineNo, "expected log10 numbers, found " + quote(line));
                }
                if (!Float.isFinite(prob) || prob > 0 || !Float.isFinite(bow)) {
                    throw bad(p, lineNo, "a log10 probability must be a finite number <= 0 (and a back-off weight finite), found " + quote(line));
                }
                String key = String.join(" ", java.util.Arrays.asList(f).subList(1, current + 1));
                m.grams.get(current - 1).put(key, new float[] {prob, bow});
                seen++;
            }
            if (!ended) throw new IOException(p + ": ends without \\end\\ (truncated file?)");
            return m;
        }
    }

    private static IOException bad(Path p, int line, String msg) {
        return new IOException(p + ":" + line + ": " + msg);
    }

    private static String quote(String line) {
        if (line == null) return "the end of the file";
        return "'" + (line.length() > 80 ? line.substring(0, 80) + "..." : line) + "'";
    }

    public int order() {
        return order;
    }

    /** The n-grams of each order, as read. */
    public int size(int n) {
        return grams.get(n - 1).size();
    }

    /** log10 P(word | context), context the words before it, {@code <s>} first for a sentence's start. */
    public double log10(List<String> context, String word) {
        if (!grams.get(0).containsKey(word)) word = grams.get(0).containsKey("<unk>") ? "<unk>" : null;
        if (word == null) return IMPOSSIBLE;
        int from = Math.max(0, context.size() - (order - 1));
        double backoff = 0;
        for (int start = from; start <= context.size(); start++) { // the longest history first
            List<String> h = context.subList(start, context.size());
            String hist = String.join(" ", h);
            float[] g = grams.get(h.size()).get(h.isEmpty() ? word : hist + " " + word);
            if (g != null) return backoff + g[0];
            if (!h.isEmpty()) {
                float[] b = grams.get(h.size() - 1).get(hist);
                if (b != null) backoff += b[1];
            }
        }
        return IMPOSSIBLE; // not reached: every word (or <unk>) is a unigram
    }

    /** Natural log P(word | the words before it in the sentence). */
    @Override
    public double score(List<String> history, String word) {
        List<String> context = new ArrayList<>(history.size() + 1);
        context.add("<s>");
        context.addAll(history);
        return log10(context, word) * LN10;
    }
}
