package org.grukit.nlp.text;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.grukit.core.data.Batching;
import org.grukit.core.data.PaddedBatch;
import org.grukit.core.io.AtomicFiles;

/**
 * The one way text becomes ids in grukit: normalize (lower-case, NFKC), tokenize, map through a vocabulary
 * (optionally between BOS and EOS, truncated to a maximum length), pad a batch through the core's batching;
 * and back, ids to detokenized text. The pipeline is saved in a model's folder (its JSON, and the tokenizer's
 * model file if it has one) so inference reads text exactly as training did. Safe to share between threads.
 */
public final class TextPipeline {
    /** What a pipeline is, as saved: the tokenizer's name (see {@link Tokenizers#of}) and the options. */
    public record Config(@JsonAlias("tokeniser") String tokenizer, boolean lowerCase, boolean nfkc, boolean addBos, boolean addEos, int maxLength) {
        public Config {
            if (tokenizer == null || tokenizer.isBlank()) throw new IllegalArgumentException("tokenizer must be named; available: " + Tokenizers.NAMES);
            if (maxLength < 0) throw new IllegalArgumentException("maxLength must be >= 0 (0: no limit), got " + maxLength);
        }

        public static Config of(String tokenizer) {
            return new Config(tokenizer, false, false, false, false, 0);
        }

        public Config withLowerCase(boolean b) {
            return new Config(tokenizer, b, nfkc, addBos, addEos, maxLength);
        }

        public Config withNfkc(boolean b) {
            return new Config(tokenizer, lowerCase, b, addBos, addEos, maxLength);
        }

        public Config withBosEos(boolean bos, boolean eos) {
            return new Config(tokenizer, lowerCase, nfkc, bos, eos, maxLength);
        }

        public Config withMaxLength(int n) {
            return new Config(tokenizer, lowerCase, nfkc, addBos, addEos, n);
        }
    }

    private static final String FILE = "text-pipeline.json";
    private static final int FORMAT_VERSION = 1;

    private final Config config;
    private final Tokenizer base, tokenizer;
    private final Vocabulary vocabulary;

    public TextPipeline(Config config, Tokenizer tokenizer, Vocabulary vocabulary) {
        if (config == null || tokenizer == null || vocabulary == null) throw new IllegalArgumentException("config, tokenizer and vocabulary are required");
        this.config = config;
        this.base = tokenizer;
        this.tokenizer = new Normalizer(config.lowerCase(), config.nfkc()).wrap(tokenizer);
        this.vocabulary = vocabulary;
    }

    /**
     * A pipeline whose vocabulary is counted on {@code texts} (for a BPE tokenizer, every piece of the model:
     * nothing is unknown).
     */
    public static TextPipeline fit(Config config, Tokenizer tokenizer, Iterable<String> texts, Vocabulary.Builder counts) {
        if (tokenizer instanceof Bpe bpe) return new TextPipeline(config, tokenizer, Vocabulary.of(bpe));
        Tokenizer t = new Normalizer(config.lowerCase(), config.nfkc()).wrap(tokenizer);
        for (String text : texts) counts.add(t.words(text));
        return new TextPipeline(config, tokenizer, counts.build());
    }

    public Config config() {
        return config;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** Tokens with spans into {@code text}. */
    public List<Token> tokenize(String text) {
        return tokenizer.tokenize(text);
    }

    /** Ids of one text: [BOS] tokens [EOS], at most maxLength ids (EOS kept when truncating). */
    public int[] encode(String text) {
        int[] ids = vocabulary.encode(tokenizer.words(text), config.addBos(), config.addEos());
        int max = config.maxLength();
        if (max > 0 && ids.length > max) {
            int[] cut = java.util.Arrays.copyOf(ids, max);
            if (config.addEos()) cut[max - 1] = Vocabulary.EOS_ID;
            return cut;
        }
        return ids;
    }

    public List<int[]> encodeAll(List<String> texts) {
        List<int[]> out = new ArrayList<>(texts.size());
        for (String t : texts) out.add(encode(t));
        return out;
    }

    /** A padded batch [B, T] of texts, with lengths and masks (PAD = 0). */
    public PaddedBatch batch(List<String> texts) {
        return Batching.padIds(encodeAll(texts), Vocabulary.PAD_ID);
    }

    /** A padded batch of already encoded sequences picked by {@code indices} (as bucketed batching gives them). */
    public static PaddedBatch batch(List<int[]> encoded, int[] indices) {
        List<int[]> picked = new ArrayList<>(indices.length);
        for (int i : indices) picked.add(encoded.get(i));
        return Batching.padIds(picked, Vocabulary.PAD_ID);
    }

    /**
     * Bucketed batches of indices into {@code encoded} (the core's bucketing: shuffled pools of 50 batches, each
     * sorted by length), so a batch holds texts of similar length and wastes little on padding.
     */
    public static List<int[]> buckets(List<int[]> encoded, int batchSize, org.grukit.core.Rng rng) {
        int[] lengths = new int[encoded.size()];
        for (int i = 0; i < lengths.length; i++) lengths[i] = encoded.get(i).length;
        return Batching.bucketed(lengths, batchSize, 50, rng);
    }

    /** Text of ids: up to EOS, without PAD and BOS, detokenized as the tokenizer requires. */
    public String decode(int[] ids) {
        return decode(ids, null);
    }

    /**
     * As {@link #decode(int[])}, with each UNK at position i of {@code ids} replaced by {@code unknown.apply(i)}
     * (kept as UNK when that is null, or when {@code unknown} is): a translator copies the attended source word.
     */
    public String decode(int[] ids, java.util.function.IntFunction<String> unknown) {
        List<String> tokens = new ArrayList<>(ids.length);
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            if (id == Vocabulary.EOS_ID) break;
            if (id == Vocabulary.PAD_ID || id == Vocabulary.BOS_ID) continue;
            String copy = id == Vocabulary.UNK_ID && unknown != null ? unknown.apply(i) : null;
            tokens.add(copy != null ? copy : vocabulary.token(id));
        }
        if (base instanceof Bpe bpe) {
            StringBuilder sb = new StringBuilder();
            List<String> run = new ArrayList<>();
            for (String t : tokens) { // UNK cannot occur with a BPE vocabulary unless ids were made up; keep it visible
                if (bpe.id(t) >= 0) {
                    run.add(t);
                } else {
                    sb.append(bpe.decodePieces(run)).append(t);
                    run.clear();
                }
            }
            return sb.append(bpe.decodePieces(run)).toString();
        }
        if (base instanceof CharTokenizer) return CharTokenizer.join(tokens);
        return Detokenizer.join(tokens);
    }

    /** The JSON form: config, vocabulary, and the tokenizer's model file name in the folder, if any. */
    public record File(int formatVersion, Config config, Vocabulary.File vocabulary) {}

    /** Writes the pipeline into {@code dir} (created if needed), copying a BPE or OpenNLP model file beside it. */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        Config saved = config;
        if (base instanceof Bpe bpe) {
            bpe.save(dir.resolve("bpe.json"));
            saved = new Config("bpe:bpe.json", config.lowerCase(), config.nfkc(), config.addBos(), config.addEos(), config.maxLength());
        } else if (config.tokenizer().startsWith("model:")) {
            Path src = Path.of(config.tokenizer().substring(6)), dst = dir.resolve("tokenizer.bin");
            if (!src.toAbsolutePath().normalize().equals(dst.toAbsolutePath().normalize())) AtomicFiles.write(dst, out -> Files.copy(src, out));
            saved = new Config("model:tokenizer.bin", config.lowerCase(), config.nfkc(), config.addBos(), config.addEos(), config.maxLength());
        }
        AtomicFiles.writeString(dir.resolve(FILE), new ObjectMapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(new File(FORMAT_VERSION, saved, vocabulary.toFile())));
    }

    public static TextPipeline load(Path dir) throws IOException {
        Path p = dir.resolve(FILE);
        if (!Files.isRegularFile(p)) throw new IOException("no " + FILE + " in " + dir);
        File f;
        try {
            f = new ObjectMapper().readValue(Files.readAllBytes(p), File.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(p + " is not a grukit text pipeline: " + e.getOriginalMessage());
        }
        if (f.formatVersion() != FORMAT_VERSION) {
            throw new IOException(p + ": text pipeline format version " + f.formatVersion() + " is not supported (this grukit reads " + FORMAT_VERSION + ")");
        }
        if (f.config() == null || f.vocabulary() == null) throw new IOException(p + ": a text pipeline needs 'config' and 'vocabulary'");
        try {
            return new TextPipeline(f.config(), Tokenizers.of(f.config().tokenizer(), dir), Vocabulary.fromFile(f.vocabulary()));
        } catch (IllegalArgumentException e) {
            throw new IOException(p + ": " + e.getMessage(), e);
        }
    }
}
