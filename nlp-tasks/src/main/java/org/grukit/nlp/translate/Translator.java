package org.grukit.nlp.translate;

import org.grukit.core.task.OutputField;
import org.grukit.core.task.PredictOption;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.grukit.attention.decoding.AttentionDecoder;
import org.grukit.attention.decoding.Decoding;
import org.grukit.attention.LuongAttention;
import org.grukit.core.GradMode;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.data.PaddedBatch;
import org.grukit.core.io.FolderReplacement;
import org.grukit.core.io.ModelBundle;
import org.grukit.core.nn.Losses;
import org.grukit.core.nn.Module;
import org.grukit.core.task.LengthSorted;
import org.grukit.core.task.TaskModel;
import org.grukit.core.task.TaskSettings;
import org.grukit.core.task.Tasks;
import org.grukit.core.task.TrainingSettings;
import org.grukit.core.train.Trainer;
import org.grukit.nlp.data.TextPair;
import org.grukit.nlp.metrics.Bleu;
import org.grukit.nlp.metrics.ChrF;
import org.grukit.nlp.text.Bpe;
import org.grukit.nlp.text.BucketedTraining;
import org.grukit.nlp.text.TextPipeline;
import org.grukit.nlp.text.Token;
import org.grukit.nlp.text.Tokenizer;
import org.grukit.nlp.text.Tokenizers;
import org.grukit.nlp.text.Vocabulary;

/**
 * Translation as a library: train a {@link TranslationModel} on sentence pairs (teacher forcing, label
 * smoothing, padding ignored in the loss, the best epoch by dev BLEU kept), translate with greedy or beam
 * search, score with BLEU and chrF, save and load as a folder (the model bundle, and the source and target
 * text pipelines in {@code source/} and {@code target/}).
 */
public final class Translator implements TaskModel<List<TextPair>, String, Translator.Translation> {
    /** The attention of the decoder, by its command-line name ("luong-general"). */
    public enum Attention {
        BAHDANAU, LUONG_DOT, LUONG_GENERAL, LUONG_CONCAT;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        AttentionDecoder.Style style() {
            return this == BAHDANAU ? AttentionDecoder.Style.BAHDANAU : AttentionDecoder.Style.LUONG;
        }

        LuongAttention.Score score() {
            return switch (this) {
                case LUONG_DOT -> LuongAttention.Score.DOT;
                case LUONG_GENERAL -> LuongAttention.Score.GENERAL;
                case LUONG_CONCAT -> LuongAttention.Score.CONCAT;
                case BAHDANAU -> null;
            };
        }
    }

    /**
     * How a translator is trained: how sentences become ids, the network, and the shared training settings, each a
     * small validated record; the defaults live in {@link #defaults()} alone.
     */
    public record Settings(Text text, Network model, TrainingSettings training) implements TaskSettings {
        public Settings {
            if (text == null || model == null || training == null) throw new IllegalArgumentException("text, model and training settings are required");
        }

        /**
         * Sentences to ids: a word tokenizer, or BPE of {@code bpeVocab} pieces learned on the training side(s) (0 for
         * words); one vocabulary for both sides when {@code sharedVocabulary}; at most {@code maxLength} tokens a sentence.
         */
        public record Text(String tokenizer, int bpeVocab, boolean sharedVocabulary, boolean lowerCase, int minFrequency, int maxLength) {
            public Text {
                if (tokenizer == null || tokenizer.isBlank()) throw new IllegalArgumentException("tokenizer must be named");
                if (bpeVocab < 0 || (bpeVocab > 0 && bpeVocab <= 260)) {
                    throw new IllegalArgumentException("bpeVocab must be 0 (words) or > 260 (256 bytes, the space and merges), got " + bpeVocab);
                }
                if (minFrequency < 1) throw new IllegalArgumentException("minFrequency must be >= 1, got " + minFrequency);
                if (maxLength < 2) throw new IllegalArgumentException("maxLength must be >= 2, got " + maxLength);
            }

            public Text withTokenizer(String value) {
                return new Text(value, bpeVocab, sharedVocabulary, lowerCase, minFrequency, maxLength);
            }

            public Text withBpeVocab(int value) {
                return new Text(tokenizer, value, sharedVocabulary, lowerCase, minFrequency, maxLength);
            }

            public Text withSharedVocabulary(boolean value) {
                return new Text(tokenizer, bpeVocab, value, lowerCase, minFrequency, maxLength);
            }

            public Text withLowerCase(boolean value) {
                return new Text(tokenizer, bpeVocab, sharedVocabulary, value, minFrequency, maxLength);
            }

            public Text withMinFrequency(int value) {
                return new Text(tokenizer, bpeVocab, sharedVocabulary, lowerCase, value, maxLength);
            }

            public Text withMaxLength(int value) {
                return new Text(tokenizer, bpeVocab, sharedVocabulary, lowerCase, minFrequency, value);
            }
        }

        /** The encoder-decoder: sizes, the decoder's attention, tied output embedding, dropout and label smoothing. */
        public record Network(int embedDim, int encoderHidden, int encoderLayers, int decoderHidden, Attention attention, boolean tiedEmbeddings, float dropout, float labelSmoothing) {
            public Network {
                if (embedDim < 1 || encoderHidden < 1 || encoderLayers < 1 || decoderHidden < 1) {
                    throw new IllegalArgumentException("embedDim, encoderHidden, encoderLayers and decoderHidden must be >= 1, got " + embedDim
                            + ", " + encoderHidden + ", " + encoderLayers + ", " + decoderHidden);
                }
                if (attention == null) throw new IllegalArgumentException("attention is required");
                if (!(dropout >= 0f && dropout < 1f)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
                if (!(labelSmoothing >= 0f && labelSmoothing < 1f)) throw new IllegalArgumentException("labelSmoothing must be in [0, 1), got " + labelSmoothing);
            }

            public Network withEmbedDim(int value) {
                return new Network(value, encoderHidden, encoderLayers, decoderHidden, attention, tiedEmbeddings, dropout, labelSmoothing);
            }

            public Network withEncoderHidden(int value) {
                return new Network(embedDim, value, encoderLayers, decoderHidden, attention, tiedEmbeddings, dropout, labelSmoothing);
            }

            public Network withEncoderLayers(int value) {
                return new Network(embedDim, encoderHidden, value, decoderHidden, attention, tiedEmbeddings, dropout, labelSmoothing);
            }

            public Network withDecoderHidden(int value) {
                return new Network(embedDim, encoderHidden, encoderLayers, value, attention, tiedEmbeddings, dropout, labelSmoothing);
            }

            public Network withAttention(Attention value) {
                return new Network(embedDim, encoderHidden, encoderLayers, decoderHidden, value, tiedEmbeddings, dropout, labelSmoothing);
            }

            public Network withTiedEmbeddings(boolean value) {
                return new Network(embedDim, encoderHidden, encoderLayers, decoderHidden, attention, value, dropout, labelSmoothing);
            }

            public Network withDropout(float value) {
                return new Network(embedDim, encoderHidden, encoderLayers, decoderHidden, attention, tiedEmbeddings, value, labelSmoothing);
            }

            public Network withLabelSmoothing(float value) {
                return new Network(embedDim, encoderHidden, encoderLayers, decoderHidden, attention, tiedEmbeddings, dropout, value);
            }
        }

        /** Words, a BiGRU encoder of 128 and a GRU decoder of 256 with Bahdanau attention; 5 epochs of 64 at Adam 1e-3. */
        public static Settings defaults() {
            return new Settings(new Text("simple", 0, false, false, 2, 60), new Network(128, 128, 1, 256, Attention.BAHDANAU, false, 0.3f, 0.1f),
                    new TrainingSettings(5, 64, 1e-3, 0, 1.0, 3, 1));
        }

        public Settings withText(Text value) {
            return new Settings(value, model, training);
        }

        public Settings withModel(Network value) {
            return new Settings(text, value, training);
        }

        public Settings withTraining(TrainingSettings value) {
            return new Settings(text, model, value);
        }

        /** The same with {@code e} epochs. */
        public Settings withEpochs(int e) {
            return withTraining(training.withEpochs(e));
        }

        /** The same with embeddings of {@code embed}, {@code encoder} units a direction and a decoder of {@code decoder}. */
        public Settings withSize(int embed, int encoder, int decoder) {
            return withModel(model.withEmbedDim(embed).withEncoderHidden(encoder).withDecoderHidden(decoder));
        }
    }

    /**
     * How to decode: beam size (1 is greedy), hypotheses to return per sentence, length normalization, and whether
     * unknown target words are replaced by the source word the decoder attended to most (Luong et al. 2015b).
     */
    public record Decode(int beam, int nBest, Decoding.LengthPenalty lengthPenalty, boolean replaceUnknown) {
        public Decode {
            if (beam <= 0) throw new IllegalArgumentException("beam must be > 0, got " + beam);
            if (nBest <= 0 || nBest > beam) throw new IllegalArgumentException("nBest must be in [1, beam], got " + nBest + " with beam " + beam);
            if (lengthPenalty == null) throw new IllegalArgumentException("lengthPenalty must not be null");
        }

        /** Beam {@code beam}, the best hypothesis, scores averaged per token, unknown words replaced. */
        public static Decode beam(int beam) {
            return new Decode(beam, 1, new Decoding.LengthPenalty.Average(), true);
        }

        public Decode withBeam(int b) {
            return new Decode(b, Math.min(nBest, b), lengthPenalty, replaceUnknown);
        }

        public Decode withNBest(int n) {
            return new Decode(beam, n, lengthPenalty, replaceUnknown);
        }

        public Decode withLengthPenalty(Decoding.LengthPenalty p) {
            return new Decode(beam, nBest, p, replaceUnknown);
        }

        public Decode withReplaceUnknown(boolean r) {
            return new Decode(beam, nBest, lengthPenalty, r);
        }
    }

    /** One translation: its text, its score (length-normalized log-probability), its token ids and alignment. */
    public record Translation(String text, double score, int[] tokens, int[] alignment) {}


    private static final int BATCH = 64;

    private final TextPipeline source, target;
    private final TranslationModel model;

    public Translator(TextPipeline source, TextPipeline target, TranslationModel model) {
        if (model.config().sourceVocab() != source.vocabulary().size() || model.config().targetVocab() != target.vocabulary().size()) {
            throw new IllegalArgumentException("the model's vocabularies (" + model.config().sourceVocab() + ", " + model.config().targetVocab()
                    + ") do not match the pipelines' (" + source.vocabulary().size() + ", " + target.vocabulary().size() + ")");
        }
        this.source = source;
        this.target = target;
        this.model = model;
        model.train(false);
    }

    public TranslationModel model() {
        return model;
    }

    /** A run's outcome: the translator (best epoch), the trainer's summary, training target tokens per second. */
    public record Trained(Translator translator, Trainer.Summary summary, double targetTokensPerSecond) {}

    /**
     * Trains on {@code train}, picking the epoch by greedy dev BLEU; with a {@code dir}, the best model is written
     * there (checkpoints under {@code dir/checkpoints}; a non-empty folder is refused: see {@link Tasks.Existing}). The same run as {@link Tasks#train}
     * with a {@link TranslationTask}.
     */
    public static Trained train(List<TextPair> train, List<TextPair> dev, Settings s, Path dir, boolean progress)
            throws IOException {
        return train(train, dev, s, Tasks.Run.into(dir).withProgress(progress));
    }

    /** As {@link #train(List, List, Settings, Path, boolean)}, with the run's folder handling and reporting. */
    public static Trained train(List<TextPair> train, List<TextPair> dev, Settings s, Tasks.Run run) throws IOException {
        Tasks.Trained<Translator> t = Tasks.train(new TranslationTask(), s, train, dev, run);
        long targetTokens = 0;
        for (TextPair p : train) targetTokens += t.model().target.encode(p.target()).length - 1;
        double seconds = 0;
        for (Trainer.EpochResult r : t.summary().history()) seconds += r.examplesPerSecond() > 0 ? train.size() / r.examplesPerSecond() : 0;
        return new Trained(t.model(), t.summary(), seconds > 0 ? targetTokens * t.summary().history().size() / seconds : 0);
    }

    /** Fits the source and target pipelines (words or BPE, shared or not) on {@code train} and builds the model. */
    static Fit prepare(List<TextPair> train, List<TextPair> dev, Settings s) throws IOException {
        if (train.isEmpty() || dev.isEmpty()) throw new IllegalArgumentException("need training and dev pairs, got " + train.size() + " and " + dev.size());
        List<String> src = new ArrayList<>(), tgt = new ArrayList<>();
        for (TextPair p : train) {
            src.add(p.source());
            tgt.add(p.target());
        }
        TextPipeline sp, tp;
        Settings.Text x = s.text();
        Settings.Network net = s.model();
        TextPipeline.Config sc = TextPipeline.Config.of(x.bpeVocab() > 0 ? "bpe" : x.tokenizer()).withLowerCase(x.lowerCase()).withMaxLength(x.maxLength());
        TextPipeline.Config tc = sc.withBosEos(true, true);
        if (x.sharedVocabulary()) {
            List<String> both = new ArrayList<>(src);
            both.addAll(tgt);
            Tokenizer tok = x.bpeVocab() > 0 ? Bpe.train(both, x.bpeVocab()) : Tokenizers.of(x.tokenizer(), Path.of(""));
            TextPipeline joint = TextPipeline.fit(sc, tok, both, Vocabulary.builder().minFrequency(x.minFrequency()));
            sp = joint;
            tp = new TextPipeline(tc, tok, joint.vocabulary());
        } else {
            Tokenizer st = x.bpeVocab() > 0 ? Bpe.train(src, x.bpeVocab()) : Tokenizers.of(x.tokenizer(), Path.of(""));
            Tokenizer tt = x.bpeVocab() > 0 ? Bpe.train(tgt, x.bpeVocab()) : Tokenizers.of(x.tokenizer(), Path.of(""));
            sp = TextPipeline.fit(sc, st, src, Vocabulary.builder().minFrequency(x.minFrequency()));
            tp = TextPipeline.fit(tc, tt, tgt, Vocabulary.builder().minFrequency(x.minFrequency()));
        }
        TranslationModel model = new TranslationModel(new TranslationModel.Config(sp.vocabulary().size(), tp.vocabulary().size(), net.embedDim(),
                net.encoderHidden(), net.encoderLayers(), net.decoderHidden(), net.attention().style(), net.attention().score(), net.dropout(),
                net.tiedEmbeddings()), new Rng(s.training().seed()));
        Translator t = new Translator(sp, tp, model);
        return new Fit(t, train, dev, s);
    }

    /** Bucketed batches by source length; label-smoothed cross-entropy with padding ignored; dev BLEU (greedy). */
    static final class Fit extends BucketedTraining<Translator> {
        private final Translator t;
        private final List<int[]> src = ids, tgt = new ArrayList<>();
        private final List<TextPair> dev;
        private final Settings s;
        Fit(Translator t, List<TextPair> train, List<TextPair> dev, Settings s) {
            super(t, t.model, s.training().batchSize());
            this.t = t;
            this.dev = dev;
            this.s = s;
            for (TextPair p : train) {
                src.add(nonEmpty(t.source.encode(p.source())));
                tgt.add(t.target.encode(p.target()));
            }
        }

        @Override
        public Tensor loss(int[] batch) {
            return t.model.loss(TextPipeline.batch(src, batch), TextPipeline.batch(tgt, batch), s.model().labelSmoothing(), Vocabulary.PAD_ID);
        }

        @Override
        public double lossWeight(int[] batch) { // the loss is a mean per target token
            return TextPipeline.predictedTokens(tgt, batch);
        }

        @Override
        public Map<String, Double> evaluate() {
            List<String> srcs = new ArrayList<>(), refs = new ArrayList<>();
            for (TextPair p : dev) {
                srcs.add(p.source());
                refs.add(p.target());
            }
            List<String> hyps = t.translate(srcs, 1);
            return Map.of("dev_bleu", Bleu.corpus(hyps, List.of(refs)).score(), "dev_chrf", ChrF.corpus(hyps, refs));
        }

        @Override
        public String monitor() {
            return "dev_bleu";
        }

        @Override
        public boolean maximize() {
            return true;
        }
    }

    private static int[] nonEmpty(int[] ids) {
        return ids.length == 0 ? new int[] {Vocabulary.UNK_ID} : ids;
    }

    /** Translations in input order: greedy when {@code beam <= 1}, else beam search; unknown words replaced through attention. */
    public List<String> translate(List<String> sentences, int beam) {
        List<String> out = new ArrayList<>(sentences.size());
        for (List<Translation> t : translate(sentences, Decode.beam(Math.max(1, beam)))) out.add(t.get(0).text());
        return out;
    }

    /** For each sentence, in input order, up to {@code d.nBest()} translations, best first. */
    public List<List<Translation>> translate(List<String> sentences, Decode d) {
        List<int[]> enc = new ArrayList<>(sentences.size());
        for (String s : sentences) enc.add(nonEmpty(source.encode(s)));
        try (GradMode g = GradMode.noGrad()) {
            return LengthSorted.indices(enc.size(), i -> enc.get(i).length, BATCH, idx -> {
                // Each sentence's own limit, so that a translation never depends on the sentences batched with it.
                int[] maxLens = new int[idx.length];
                int longest = 0;
                for (int i = 0; i < idx.length; i++) {
                    maxLens[i] = Math.min(2 * enc.get(idx[i]).length + 10, 200);
                    longest = Math.max(longest, maxLens[i]);
                }
                AttentionDecoder.State st = model.encode(TextPipeline.batch(enc, idx));
                List<List<Decoding.Hypothesis>> hyps;
                if (d.beam() == 1) {
                    hyps = new ArrayList<>();
                    for (Decoding.Hypothesis h : Decoding.greedySearch(Decoding.stepper(model.decoder()), st, Vocabulary.BOS_ID, Vocabulary.EOS_ID,
                            maxLens, d.lengthPenalty())) {
                        hyps.add(List.of(h));
                    }
                } else {
                    hyps = Decoding.beamSearch(Decoding.stepper(model.decoder()), st, Decoding.BeamConfig.of(d.beam(), longest, Vocabulary.BOS_ID,
                            Vocabulary.EOS_ID).withLengthPenalty(d.lengthPenalty()).withNBest(d.nBest()), maxLens);
                }
                List<List<Translation>> out = new ArrayList<>(idx.length);
                for (int i = 0; i < idx.length; i++) {
                    List<Translation> ts = new ArrayList<>();
                    boolean unknown = false;
                    for (Decoding.Hypothesis h : hyps.get(i)) for (int tok : h.tokens()) unknown |= tok == Vocabulary.UNK_ID;
                    // The source is tokenized again (with spans into the original text) only when there is a word to copy.
                    List<Token> words = d.replaceUnknown() && unknown ? sourceWords(sentences.get(idx[i])) : List.of();
                    for (Decoding.Hypothesis h : hyps.get(i)) {
                        String text = !words.isEmpty() ? target.decode(h.tokens(), pos -> {
                            int a = h.alignment()[pos];
                            return a < words.size() ? words.get(a).text() : null;
                        }) : target.decode(h.tokens());
                        ts.add(new Translation(text, h.score(), h.tokens(), h.alignment()));
                    }
                    out.add(ts);
                }
                return out;
            });
        }
    }

    /**
     * The source's tokens as the model sees them (one per source position), each with the text it covers in the
     * original sentence (original casing, as the copy for an unknown target word).
     */
    private List<Token> sourceWords(String sentence) {
        List<Token> tokens = source.tokenize(sentence);
        List<Token> out = new ArrayList<>(tokens.size());
        for (Token t : tokens) out.add(new Token(sentence.substring(t.start(), t.end()), t.start(), t.end()));
        return out;
    }

    /** What the decoder attended to while translating one sentence: source and output tokens, weights [output][source]. */
    public record Alignment(List<String> sourceTokens, List<String> targetTokens, float[][] weights, String translation) {}

    /** The attention matrix of the best translation of {@code sentence} (teacher-forced along that translation). */
    public Alignment attention(String sentence, Decode d) {
        return alignment(sentence, translate(List.of(sentence), d.withNBest(1)).get(0).get(0));
    }

    /** The attention matrix along a translation {@code best} of {@code sentence} already made. */
    private Alignment alignment(String sentence, Translation best) {
        int[] src = nonEmpty(source.encode(sentence));
        int[] out = best.tokens();
        int[] target = new int[out.length + 1];
        target[0] = Vocabulary.BOS_ID;
        System.arraycopy(out, 0, target, 1, out.length);
        Tensor w;
        try (GradMode g = GradMode.noGrad()) {
            w = model.forward(TextPipeline.batch(List.of(src), new int[] {0}), TextPipeline.batch(List.of(target), new int[] {0})).weights();
        }
        int t = out.length, s = src.length;
        float[] all = w.toArray();
        float[][] m = new float[t][s];
        for (int i = 0; i < t; i++) System.arraycopy(all, i * s, m[i], 0, s);
        List<String> srcTokens = new ArrayList<>();
        List<Token> words = sourceWords(sentence);
        for (int j = 0; j < s; j++) srcTokens.add(j < words.size() ? words.get(j).text() : this.source.vocabulary().token(src[j]));
        List<String> tgtTokens = new ArrayList<>();
        for (int id : out) tgtTokens.add(this.target.vocabulary().token(id));
        return new Alignment(srcTokens, tgtTokens, m, best.text());
    }

    /** BLEU and chrF of translations of {@code sources} against {@code references}. */
    public record Scores(double bleu, double chrf, int count, List<String> hypotheses) {}

    public Scores evaluate(List<String> sources, List<String> references, int beam) {
        return evaluate(sources, references, Decode.beam(Math.max(1, beam)));
    }

    public Scores evaluate(List<String> sources, List<String> references, Decode d) {
        List<String> hyps = new ArrayList<>();
        for (List<Translation> t : translate(sources, d)) hyps.add(t.get(0).text());
        return new Scores(Bleu.corpus(hyps, List.of(references)).score(), ChrF.corpus(hyps, references), hyps.size(), hyps);
    }

    /** The decoding {@link #predict} and {@link #metrics} use: beam 5, as the command line's default. */
    public static final Decode DEFAULT_DECODE = Decode.beam(5);

    private static final List<OutputField> OUTPUT = List.of(
            new OutputField("translation", OutputField.Kind.STRING, "the translation, detokenized"),
            new OutputField("score", OutputField.Kind.DOUBLE, "the search's score of the translation (a log-probability, length-normalized)"));

    @Override
    public List<OutputField> outputFields() {
        return OUTPUT;
    }

    @Override
    public Map<String, Object> outputValues(Translation t) {
        return Map.of("translation", t.text(), "score", t.score());
    }

    private static final List<OutputField> DETAILS = List.of(
            new OutputField("source_tokens", OutputField.Kind.STRING_LIST, "the sentence's tokens, as the model read them"),
            new OutputField("target_tokens", OutputField.Kind.STRING_LIST, "the translation's tokens"),
            new OutputField("alignment", OutputField.Kind.DOUBLE_MATRIX, "the decoder's attention [target token][source token]"));

    /** The alignment of each translation: what the decoder attended to for each word it wrote ({@link #attention}). */
    @Override
    public List<OutputField> detailFields() {
        return DETAILS;
    }

    @Override
    public List<Map<String, Object>> details(List<String> sentences) {
        List<Map<String, Object>> out = new ArrayList<>(sentences.size());
        List<Translation> best = predict(sentences);
        for (int i = 0; i < sentences.size(); i++) out.add(detailValues(alignment(sentences.get(i), best.get(i))));
        return out;
    }

    private static Map<String, Object> detailValues(Alignment a) {
        List<List<Double>> rows = new ArrayList<>(a.weights().length);
        for (float[] r : a.weights()) rows.add(OutputField.doubles(r));
        return Map.of("source_tokens", a.sourceTokens(), "target_tokens", a.targetTokens(), "alignment", rows);
    }

    private static final List<PredictOption> OPTIONS = List.of(
            PredictOption.beam(DEFAULT_DECODE.beam()), PredictOption.nBest("translations"));

    @Override
    public List<PredictOption> predictOptions() {
        return OPTIONS;
    }

    /**
     * Translations by the requested beam; with {@code n_best} above 1, {@code n_best} and {@code n_best_scores} list
     * the hypotheses best first (the first is {@code translation} itself).
     */
    @Override
    public List<Map<String, Object>> predictValues(List<String> sentences, Map<String, Integer> options, boolean withDetails) {
        Map<String, Integer> o = PredictOption.resolve(OPTIONS, options);
        PredictOption.requireAtMost(o, "n_best", "beam");
        int nBest = o.get("n_best");
        List<List<Translation>> all = translate(sentences, DEFAULT_DECODE.withBeam(o.get("beam")).withNBest(nBest));
        List<Map<String, Object>> out = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            List<Translation> ts = all.get(i);
            Map<String, Object> values = orderedValues(ts.get(0));
            if (nBest > 1) {
                List<String> texts = new ArrayList<>();
                List<Double> scores = new ArrayList<>();
                for (Translation t : ts) {
                    texts.add(t.text());
                    scores.add(t.score());
                }
                values.put("n_best", texts);
                values.put("n_best_scores", scores);
            }
            if (withDetails) {
                Map<String, Object> d = detailValues(alignment(sentences.get(i), ts.get(0)));
                for (OutputField f : DETAILS) values.put(f.name(), d.get(f.name()));
            }
            out.add(values);
        }
        return out;
    }

    @Override
    public Class<String> inputType() {
        return String.class;
    }

    @Override
    public Module module() {
        return model;
    }

    /** The best translation of each sentence, in input order, by {@link #DEFAULT_DECODE}. */
    @Override
    public List<Translation> predict(List<String> sentences) {
        List<Translation> out = new ArrayList<>(sentences.size());
        for (List<Translation> t : translate(sentences, DEFAULT_DECODE)) out.add(t.get(0));
        return out;
    }

    /** BLEU and chrF against the pairs' targets, by {@link #DEFAULT_DECODE}. */
    @Override
    public Map<String, Double> metrics(List<TextPair> data) {
        List<String> srcs = new ArrayList<>(), refs = new ArrayList<>();
        for (TextPair p : data) {
            srcs.add(p.source());
            refs.add(p.target());
        }
        Scores sc = evaluate(srcs, refs, DEFAULT_DECODE);
        return Map.of("bleu", sc.bleu(), "chrf", sc.chrf());
    }

    @Override
    public Map<String, Object> describe() {
        TranslationModel.Config c = model.config();
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("type", type());
        m.put("source_vocabulary", c.sourceVocab());
        m.put("target_vocabulary", c.targetVocab());
        m.put("attention", c.style().name().toLowerCase(java.util.Locale.ROOT));
        m.put("parameters", model.parameterCount());
        return m;
    }

    @Override
    public void save(Path dir) throws IOException {
        FolderReplacement.replace(dir, d -> {
            java.util.Map<String, Object> pre = new java.util.LinkedHashMap<>();
            pre.put("source", source.save(d, "source."));
            pre.put("target", target.save(d, "target."));
            ModelBundle.write(d, model, ModelBundle.Provenance.none(), pre);
        });
    }

    public static Translator load(Path dir) throws IOException {
        ModelBundle.Folder f = ModelBundle.open(dir).expect(TranslationModel.TYPE);
        return f.assemble(() -> new Translator(TextPipeline.load(f, "source", "source"), TextPipeline.load(f, "target", "target"),
                f.model(TranslationModel.class)));
    }
}
