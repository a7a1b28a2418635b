package org.grukit.nlp.text;

import java.util.Arrays;
import java.util.Locale;

/**
 * Lower-casing and Unicode NFKC normalization that remember where each character came from, so tokens of the
 * normalized text still map back to spans of the original. Text is normalized a cluster at a time (a code
 * point with the combining marks after it), which is what NFKC composes; lower-casing is Locale.ROOT, per
 * cluster (so a word-final capital sigma becomes the ordinary small sigma).
 */
public record Normalizer(boolean lowerCase, boolean nfkc) {
    public static final Normalizer NONE = new Normalizer(false, false);

    /** Normalized text, and for each of its chars the span [start, end) of the original it came from. */
    public record Result(String text, int[] start, int[] end) {}

    public Result apply(String text) {
        int n = text.length();
        if (!lowerCase && !nfkc) return identity(text);
        StringBuilder sb = new StringBuilder(n);
        int[] start = new int[n + 8], end = new int[n + 8];
        int i = 0;
        while (i < n) {
            int j = i + Character.charCount(text.codePointAt(i));
            while (j < n && isMark(text.codePointAt(j))) j += Character.charCount(text.codePointAt(j));
            String cluster = text.substring(i, j);
            if (nfkc) cluster = java.text.Normalizer.normalize(cluster, java.text.Normalizer.Form.NFKC);
            if (lowerCase) cluster = cluster.toLowerCase(Locale.ROOT);
            int at = sb.length();
            sb.append(cluster);
            if (sb.length() > start.length) {
                start = Arrays.copyOf(start, sb.length() * 2);
                end = Arrays.copyOf(end, sb.length() * 2);
            }
            for (int k = at; k < sb.length(); k++) {
                start[k] = i;
                end[k] = j;
            }
            i = j;
        }
        return new Result(sb.toString(), Arrays.copyOf(start, sb.length()), Arrays.copyOf(end, sb.length()));
    }

    private static Result identity(String text) {
        int[] start = new int[text.length()], end = new int[text.length()];
        for (int k = 0; k < start.length; k++) {
            start[k] = k;
            end[k] = k + 1;
        }
        return new Result(text, start, end);
    }

    private static boolean isMark(int cp) {
        int t = Character.getType(cp);
        return t == Character.NON_SPACING_MARK || t == Character.COMBINING_SPACING_MARK || t == Character.ENCLOSING_MARK;
    }

    /** {@code inner} applied to the normalized text, its token spans mapped back to the original text. */
    public Tokenizer wrap(Tokenizer inner) {
        if (!lowerCase && !nfkc) return inner;
        Normalizer self = this;
        return new Tokenizer() {
            @Override
            public java.util.List<Token> tokenize(String text) {
                Result r = self.apply(text);
                java.util.List<Token> tokens = inner.tokenize(r.text());
                java.util.List<Token> out = new java.util.ArrayList<>(tokens.size());
                for (Token t : tokens) {
                    int s = t.start() < r.start().length ? r.start()[t.start()] : text.length();
                    int e = t.end() > t.start() ? r.end()[t.end() - 1] : s;
                    out.add(new Token(t.text(), s, Math.max(s, e)));
                }
                return out;
            }

            @Override
            public String spec() {
                return inner.spec();
            }
        };
    }
}
