package org.grukit.nlp.text;

import com.fasterxml.jackson.annotation.JsonAlias;
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
 * and back, ids to detokenized text. The pipeline is saved in a model's model.json (and the tokenizer's model
 * file, if it has one, beside it) so inference reads text exactly as training did. Safe to share between threads.
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

    /** Where format-1 model folders kept a pipeline. */
    private static final String LEGACY_FILE = "text-pipeline.json";

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

    /**
     * The tokens a decoder predicts in the targets picked by {@code indices}: every token after each target's first,
     * which the teacher-forced losses average over (the weight of a batch's share in data-parallel training).
     */
    public static int predictedTokens(List<int[]> targets, int[] indices) {
        int n = 0;
        for (int i : indices) n += Math.max(0, targets.get(i).length - 1);
        return n;
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

    /**
     * The pipeline as a model's model.json holds it (under "preprocessing"): its config, with the tokenizer's model
     * file named relative to the model folder, and its vocabulary.
     */
    public record File(Config config, Vocabulary.File vocabulary) {
        public File {
            if (config == null || vocabulary == null) throw new IllegalArgumentException("a text pipeline needs 'config' and 'vocabulary'");
        }
    }

    /**
     * The pipeline's JSON form, writing the tokenizer's model file (BPE merges, an OpenNLP model) into {@code dir} as
     * {@code prefix + "bpe.json"} or {@code prefix + "tokenizer.bin"}, so that two pipelines of one model do not
     * collide (a translator's "source." and "target.").
     */
    public File save(Path dir, String prefix) throws IOException {
        Files.createDirectories(dir);
        Config saved = config;
        if (base instanceof Bpe bpe) {
            String name = prefix + "bpe.json";
            bpe.save(dir.resolve(name));
            saved = new Config("bpe:" + name, config.lowerCase(), config.nfkc(), config.addBos(), config.addEos(), config.maxLength());
        } else if (config.tokenizer().startsWith("model:")) {
            String name = prefix + "tokenizer.bin";
            Path src = Path.of(config.tokenizer().substring(6)), dst = dir.resolve(name);
            if (!src.toAbsolutePath().normalize().equals(dst.toAbsolutePath().normalize())) AtomicFiles.write(dst, out -> Files.copy(src, out));
            saved = new Config("model:" + name, config.lowerCase(), config.nfkc(), config.addBos(), config.addEos(), config.maxLength());
        }
        return new File(saved, vocabulary.toFile());
    }

    /** The pipeline {@code file} describes, its tokenizer's model file read from {@code dir}. */
    public static TextPipeline of(File file, Path dir) throws IOException {
        return new TextPipeline(file.config(), Tokenizers.of(file.config().tokenizer(), dir), Vocabulary.fromFile(file.vocabulary()));
    }

    /**
     * The pipeline saved in a model folder under preprocessing {@code key}; a format-1 folder kept it in
     * {@code legacyDir/text-pipeline.json}, its tokenizer's file beside it.
     */
    public static TextPipeline load(org.grukit.core.io.ModelBundle.Folder folder, String key, String legacyDir) throws IOException {
        String legacy = legacyDir.isEmpty() ? LEGACY_FILE : legacyDir + "/" + LEGACY_FILE;
        File f = folder.preprocessing(key, File.class, legacy);
        Path base = folder.formatVersion() == 1 && !legacyDir.isEmpty() ? folder.dir().resolve(legacyDir) : folder.dir();
        try {
            return of(f, base);
        } catch (IllegalArgumentException e) {
            throw new IOException(folder.dir().resolve(folder.formatVersion() == 1 ? legacy : org.grukit.core.io.ModelBundle.MODEL_JSON)
                    + ": text pipeline '" + key + "': " + e.getMessage(), e);
        }
    }
}
