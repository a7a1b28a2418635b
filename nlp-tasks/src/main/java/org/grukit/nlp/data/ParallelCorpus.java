package org.grukit.nlp.data;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Parallel corpora as two files, a sentence a line, line i of one translating line i of the other (Multi30k). */
public final class ParallelCorpus {
    private ParallelCorpus() {}

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

    /** A corpus cut three ways. */
    public record Split(List<TextPair> train, List<TextPair> dev, List<TextPair> test) {}

    /**
     * A seeded random split of pairs (for a corpus without an official one, like Tatoeba): {@code testFraction} of
     * them held out for test, {@code devCount} more for picking the epoch, the rest for training. The same seed gives
     * the same split on any machine. Pairs are split individually, so a source sentence with several translations
     * can have some in training and some in test.
     */
    public static Split split(List<TextPair> pairs, double testFraction, int devCount, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) throw new IllegalArgumentException("testFraction must be in (0, 1), got " + testFraction);
        int test = (int) Math.round(pairs.size() * testFraction);
        if (devCount < 0 || test + devCount >= pairs.size()) {
            throw new IllegalArgumentException("cannot hold out " + test + " test and " + devCount + " dev pairs of " + pairs.size());
        }
        int[] order = new int[pairs.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        new org.grukit.core.Rng(seed).shuffle(order);
        List<TextPair> te = new ArrayList<>(test), dv = new ArrayList<>(devCount), tr = new ArrayList<>(pairs.size() - test - devCount);
        for (int i = 0; i < order.length; i++) (i < test ? te : i < test + devCount ? dv : tr).add(pairs.get(order[i]));
        return new Split(tr, dv, te);
    }
}
