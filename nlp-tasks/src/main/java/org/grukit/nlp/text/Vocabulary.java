package org.grukit.nlp.text;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.eclipse.collections.impl.map.mutable.primitive.ObjectIntHashMap;

/**
 * Tokens to ids and back, on an Eclipse Collections primitive map. Ids 0 to 3 are the special tokens PAD (0, so
 * zero-filled batches are padding), UNK, BOS and EOS; then any extra specials; then the tokens by frequency,
 * most frequent first, ties in string order, so the same counts always give the same ids. Immutable and safe
 * to share between threads; saved with a model as JSON.
 */
public final class Vocabulary {
    public static final String PAD = "<pad>", UNK = "<unk>", BOS = "<bos>", EOS = "<eos>";
    public static final int PAD_ID = 0, UNK_ID = 1, BOS_ID = 2, EOS_ID = 3;
    private static final List<String> SPECIALS = List.of(PAD, UNK, BOS, EOS);

    private final String[] tokens;
    private final ObjectIntHashMap<String> ids;
    private final int specials;

    private Vocabulary(List<String> tokens, int specials) {
        if (tokens.size() < SPECIALS.size() || !tokens.subList(0, SPECIALS.size()).equals(SPECIALS)) {
            throw new IllegalArgumentException("a vocabulary starts with " + SPECIALS + ", got "
                    + tokens.subList(0, Math.min(tokens.size(), SPECIALS.size())));
        }
        this.tokens = tokens.toArray(new String[0]);
        this.specials = specials;
        ids = new ObjectIntHashMap<>(tokens.size() * 2);
        for (int i = 0; i < this.tokens.length; i++) {
            if (this.tokens[i] == null) throw new IllegalArgumentException("vocabulary token " + i + " is null");
            if (ids.containsKey(this.tokens[i])) {
                throw new IllegalArgumentException("token '" + this.tokens[i] + "' appears twice in the vocabulary (ids " + ids.get(this.tokens[i]) + " and " + i + ")");
            }
            ids.put(this.tokens[i], i);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every piece of a BPE model after the special tokens, so no piece is ever unknown. */
    public static Vocabulary of(Bpe bpe) {
        List<String> t = new ArrayList<>(SPECIALS);
        t.addAll(bpe.pieces());
        return new Vocabulary(t, SPECIALS.size());
    }

    /** Counts tokens, then keeps those seen at least minFrequency times, up to maxSize ids in all. */
    public static final class Builder {
        private final ObjectIntHashMap<String> counts = new ObjectIntHashMap<>();
        private final List<String> extra = new ArrayList<>();
        private int minFrequency = 1, maxSize = Integer.MAX_VALUE;

        public Builder minFrequency(int f) {
            if (f < 1) throw new IllegalArgumentException("minFrequency must be >= 1, got " + f);
            minFrequency = f;
            return this;
        }

        /** The largest vocabulary, special tokens included. */
        public Builder maxSize(int n) {
            if (n < SPECIALS.size() + extra.size()) throw new IllegalArgumentException("maxSize must leave room for the special tokens, got " + n);
            maxSize = n;
            return this;
        }

        /** More special tokens, given ids right after the four standard ones. */
        public Builder special(String token) {
            if (SPECIALS.contains(token) || extra.contains(token)) throw new IllegalArgumentException("'" + token + "' is already special");
            extra.add(token);
            return this;
        }

        public Builder add(List<String> tokens) {
            for (String t : tokens) counts.addToValue(t, 1);
            return this;
        }

        public Builder add(String token, int count) {
            counts.addToValue(token, count);
            return this;
        }

        public Vocabulary build() {
            List<String> t = new ArrayList<>(SPECIALS);
            t.addAll(extra);
            List<String> kept = new ArrayList<>();
            counts.forEachKeyValue((k, c) -> {
                if (c >= minFrequency && !t.contains(k)) kept.add(k);
            });
            kept.sort((a, b) -> counts.get(a) != counts.get(b) ? Integer.compare(counts.get(b), counts.get(a)) : a.compareTo(b));
            for (String k : kept) {
                if (t.size() >= maxSize) break;
                t.add(k);
            }
            return new Vocabulary(t, SPECIALS.size() + extra.size());
        }
    }

    public int size() {
        return tokens.length;
    }

    /** The id of a token, or UNK_ID if it is not in the vocabulary. */
    public int id(String token) {
        return ids.getIfAbsent(token, UNK_ID);
    }

    public boolean contains(String token) {
        return ids.containsKey(token);
    }

    public String token(int id) {
        if (id < 0 || id >= tokens.length) throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + tokens.length + ")");
        return tokens[id];
    }

    /** True for PAD, UNK, BOS, EOS and any extra special token. */
    public boolean isSpecial(int id) {
        return id >= 0 && id < specials;
    }

    /** Ids of tokens, optionally between BOS and EOS. */
    public int[] encode(List<String> tokenList, boolean bos, boolean eos) {
        int[] out = new int[tokenList.size() + (bos ? 1 : 0) + (eos ? 1 : 0)];
        int o = 0;
        if (bos) out[o++] = BOS_ID;
        for (String t : tokenList) out[o++] = id(t);
        if (eos) out[o] = EOS_ID;
        return out;
    }

    /** Tokens of ids, stopping at the first EOS and leaving out PAD and BOS (UNK stays visible). */
    public List<String> decode(int[] idSequence) {
        List<String> out = new ArrayList<>(idSequence.length);
        for (int id : idSequence) {
            if (id == EOS_ID) break;
            if (id == PAD_ID || id == BOS_ID) continue;
            out.add(token(id));
        }
        return out;
    }

    /** All tokens in id order. */
    public List<String> tokens() {
        return List.of(tokens);
    }

    /** The JSON form: the number of special tokens and the tokens in id order. */
    public record File(int specials, List<String> tokens) {}

    public File toFile() {
        return new File(specials, tokens());
    }

    public static Vocabulary fromFile(File f) {
        if (f == null || f.tokens() == null) throw new IllegalArgumentException("a vocabulary needs 'tokens'");
        if (f.specials() < SPECIALS.size() || f.specials() > f.tokens().size()) {
            throw new IllegalArgumentException("vocabulary 'specials' must be in [" + SPECIALS.size() + ", " + f.tokens().size() + "], got " + f.specials());
        }
        return new Vocabulary(f.tokens(), f.specials());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && v.specials == specials && Arrays.equals(v.tokens, tokens);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(tokens);
    }
}
