package org.grukit.nlp.summarize;

import org.grukit.core.task.OutputField;
import org.grukit.core.task.PredictOption;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.grukit.attention.decoding.Decoding;
import org.grukit.attention.decoding.PointerGeneratorDecoder;
import org.grukit.core.GradMode;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.data.PaddedBatch;
import org.grukit.core.io.FolderReplacement;
import org.grukit.core.io.ModelBundle;
import org.grukit.core.nn.Module;
import org.grukit.core.train.Trainer;
import org.grukit.core.task.LengthSorted;
import org.grukit.core.task.TaskModel;
import org.grukit.core.task.TaskSettings;
import org.grukit.core.task.Tasks;
import org.grukit.core.task.TrainingSettings;
import org.grukit.nlp.metrics.Rouge;
import org.grukit.nlp.text.Detokenizer;
import org.grukit.nlp.text.SentenceSplitter;
import org.grukit.nlp.text.BucketedTraining;
import org.grukit.nlp.text.TextPipeline;
import org.grukit.nlp.text.Token;
import org.grukit.nlp.text.Tokenizers;
import org.grukit.nlp.text.Vocabulary;

/**
 * Summarisation as a library: train a {@link SummarizationModel} (pointer-generator with coverage, or the plain
 * attention baseline) on documents and summaries, summarise with beam search (minimum and maximum length, length
 * penalty, n-gram repeat blocking), score with ROUGE, save and load as a folder (the model bundle, with the
 * text pipeline and the source length in model.json).
 *
 * <p>Documents are cut to a token budget at sentence boundaries (OpenNLP's sentence detector): whole sentences
 * while they fit, the first one cut if it alone does not. One vocabulary serves both sides; a document's words
 * outside it get extended ids (V, V + 1, ... in order of first appearance) that the pointer can copy, so a
 * summary word outside the vocabulary is a target the model can still produce when the document holds it.
 */
public final class Summarizer implements TaskModel<List<SummaryData.Document>, String, Summarizer.Summary> {
    /**
     * How a summarizer is trained: how documents and summaries become ids, the network, and the shared training
     * settings, each a small validated record; the defaults live in {@link #defaults()} alone.
     */
    public record Settings(Text text, Network model, TrainingSettings training) implements TaskSettings {
        public Settings {
            if (text == null || model == null || training == null) throw new IllegalArgumentException("text, model and training settings are required");
        }

        /**
         * Documents and summaries to ids, one vocabulary for both.
         *
         * @param vocabSize        the most frequent words kept (specials included), at least {@code minFrequency} times seen
         * @param maxSourceTokens  the document budget in tokens
         * @param maxSummaryTokens training summaries cut to this many tokens (before the end token)
         */
        public record Text(String tokenizer, boolean lowerCase, int vocabSize, int minFrequency, int maxSourceTokens, int maxSummaryTokens) {
            public Text {
                if (tokenizer == null || tokenizer.isBlank()) throw new IllegalArgumentException("tokenizer must be named");
                if (vocabSize < 5) throw new IllegalArgumentException("vocabSize must be >= 5, got " + vocabSize);
                if (minFrequency < 1) throw new IllegalArgumentException("minFrequency must be >= 1, got " + minFrequency);
                if (maxSourceTokens < 1 || maxSummaryTokens < 1) {
                    throw new IllegalArgumentException("maxSourceTokens and maxSummaryTokens must be >= 1, got " + maxSourceTokens + ", " + maxSummaryTokens);
                }
            }

            public Text withTokenizer(String value) {
                return new Text(value, lowerCase, vocabSize, minFrequency, maxSourceTokens, maxSummaryTokens);
            }

            public Text withLowerCase(boolean value) {
                return new Text(tokenizer, value, vocabSize, minFrequency, maxSourceTokens, maxSummaryTokens);
            }

            public Text withVocabSize(int value) {
                return new Text(tokenizer, lowerCase, value, minFrequency, maxSourceTokens, maxSummaryTokens);
            }

            public Text withMinFrequency(int value) {
                return new Text(tokenizer, lowerCase, vocabSize, value, maxSourceTokens, maxSummaryTokens);
            }

            public Text withMaxSourceTokens(int value) {
                return new Text(tokenizer, lowerCase, vocabSize, minFrequency, value, maxSummaryTokens);
            }

            public Text withMaxSummaryTokens(int value) {
                return new Text(tokenizer, lowerCase, vocabSize, minFrequency, maxSourceTokens, value);
            }
        }

        /**
         * The pointer-generator network (or, without pointer and coverage, the plain attention baseline).
         *
         * @param coverageFrom the 1-based epoch from which the coverage loss is added (See et al. add it in a final
         *                     phase); 0 never adds it. Ignored without coverage.
         */
        public record Network(int embedDim, int encoderHidden, int decoderHidden, int attentionDim, boolean pointer, boolean coverage, double coverageWeight, int coverageFrom, float dropout) {
            public Network {
                if (embedDim < 1 || encoderHidden < 1 || decoderHidden < 1 || attentionDim < 1) {
                    throw new IllegalArgumentException("embedDim, encoderHidden, decoderHidden and attentionDim must be >= 1, got " + embedDim + ", "
                            + encoderHidden + ", " + decoderHidden + ", " + attentionDim);
                }
                if (!(coverageWeight >= 0)) throw new IllegalArgumentException("coverageWeight must be >= 0, got " + coverageWeight);
                if (coverageFrom < 0) throw new IllegalArgumentException("coverageFrom must be >= 0 (0: never), got " + coverageFrom);
                if (!(dropout >= 0f && dropout < 1f)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
            }

            public Network withEmbedDim(int value) {
                return new Network(value, encoderHidden, decoderHidden, attentionDim, pointer, coverage, coverageWeight, coverageFrom, dropout);
            }

            public Network withEncoderHidden(int value) {
                return new Network(embedDim, value, decoderHidden, attentionDim, pointer, coverage, coverageWeight, coverageFrom, dropout);
            }

            public Network withDecoderHidden(int value) {
                return new Network(embedDim, encoderHidden, value, attentionDim, pointer, coverage, coverageWeight, coverageFrom, dropout);
            }

            public Network withAttentionDim(int value) {
                return new Network(embedDim, encoderHidden, decoderHidden, value, pointer, coverage, coverageWeight, coverageFrom, dropout);
            }

            public Network withPointer(boolean value) {
                return new Network(embedDim, encoderHidden, decoderHidden, attentionDim, value, coverage, coverageWeight, coverageFrom, dropout);
            }

            public Network withCoverage(boolean value) {
                return new Network(embedDim, encoderHidden, decoderHidden, attentionDim, pointer, value, coverageWeight, coverageFrom, dropout);
            }

            public Network withCoverageWeight(double value) {
                return new Network(embedDim, encoderHidden, decoderHidden, attentionDim, pointer, coverage, value, coverageFrom, dropout);
            }

            public Network withCoverageFrom(int value) {
                return new Network(embedDim, encoderHidden, decoderHidden, attentionDim, pointer, coverage, coverageWeight, value, dropout);
            }

            public Network withDropout(float value) {
                return new Network(embedDim, encoderHidden, decoderHidden, attentionDim, pointer, coverage, coverageWeight, coverageFrom, value);
            }
        }

        /** Pointer-generator with coverage, the coverage loss in the last two of 8 epochs of 32 at Adam 1e-3. */
        public static Settings defaults() {
            return new Settings(new Text("simple", true, 20000, 2, 200, 25), new Network(128, 128, 256, 256, true, true, 1.0, 7, 0.2f),
                    new TrainingSettings(8, 32, 1e-3, 0, 2.0, 3, 1));
        }

        /** The plain sequence-to-sequence baseline with attention: no copying, no coverage. */
        public Settings plain() {
            return withModel(model.withPointer(false).withCoverage(false));
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

        /** The same with a vocabulary of {@code vocab}, embeddings of {@code embed}, and the encoder's and decoder's sizes. */
        public Settings withSize(int vocab, int embed, int encoder, int decoder) {
            return withText(text.withVocabSize(vocab)).withModel(model.withEmbedDim(embed).withEncoderHidden(encoder).withDecoderHidden(decoder)
                    .withAttentionDim(decoder));
        }
    }

    /**
     * How to decode: beam size (1 is greedy), minimum and maximum summary length in tokens (the end token not
     * counted), length normalization, and the n-gram size never repeated (0: off).
     */
    public record Decode(int beam, int minLength, int maxLength, Decoding.LengthPenalty lengthPenalty, int noRepeatNgram) {
        public Decode {
            if (beam <= 0) throw new IllegalArgumentException("beam must be > 0, got " + beam);
            if (minLength < 0 || maxLength < 1 || minLength > maxLength) {
                throw new IllegalArgumentException("need 0 <= minLength <= maxLength and maxLength >= 1, got " + minLength + ", " + maxLength);
            }
            if (lengthPenalty == null) throw new IllegalArgumentException("lengthPenalty must not be null");
            if (noRepeatNgram < 0) throw new IllegalArgumentException("noRepeatNgram must be >= 0, got " + noRepeatNgram);
        }

        /** Beam 4, 1 to 20 tokens, scores averaged per token, no trigram twice. */
        public static Decode defaults() {
            return new Decode(4, 1, 20, new Decoding.LengthPenalty.Average(), 3);
        }

        public static Decode greedy(int maxLength) {
            return new Decode(1, 0, maxLength, new Decoding.LengthPenalty.None(), 0);
        }

        public Decode withBeam(int b) {
            return new Decode(b, minLength, maxLength, lengthPenalty, noRepeatNgram);
        }

        public Decode withLengths(int min, int max) {
            return new Decode(beam, min, max, lengthPenalty, noRepeatNgram);
        }

        public Decode withLengthPenalty(Decoding.LengthPenalty p) {
            return new Decode(beam, minLength, maxLength, p, noRepeatNgram);
        }

        public Decode withNoRepeatNgram(int n) {
            return new Decode(beam, minLength, maxLength, lengthPenalty, n);
        }
    }

    /** A summary: its text, its tokens, and how many of them were copied words outside the vocabulary. */
    public record Summary(String text, List<String> tokens, int copiedOutOfVocabulary) {}

    /** What model.json holds as preprocessing "summarizer", beside the text pipeline. */
    public record Description(int maxSourceTokens) {}


    /** Where format-1 model folders kept the description. */
    private static final String LEGACY_FILE = "summarizer.json";
    private static final int BATCH = 32;

    private final TextPipeline text;
    private final SummarizationModel model;
    private final int maxSourceTokens;
    private final SentenceSplitter sentences;

    public Summarizer(TextPipeline text, SummarizationModel model, int maxSourceTokens) throws IOException {
        if (model.config().vocabSize() != text.vocabulary().size()) {
            throw new IllegalArgumentException("the model's vocabulary (" + model.config().vocabSize() + ") does not match the pipeline's ("
                    + text.vocabulary().size() + ")");
        }
        if (maxSourceTokens < 1) throw new IllegalArgumentException("maxSourceTokens must be >= 1, got " + maxSourceTokens);
        this.text = text;
        this.model = model;
        this.maxSourceTokens = maxSourceTokens;
        this.sentences = SentenceSplitter.english();
        model.train(false);
    }

    public SummarizationModel model() {
        return model;
    }

    public TextPipeline text() {
        return text;
    }

    /** The document's tokens as the model reads them: whole sentences within the budget (the first cut if it alone exceeds it). */
    public List<String> documentTokens(String document) {
        List<String> out = new ArrayList<>();
        for (Token s : sentences.split(document)) {
            List<String> words = new ArrayList<>();
            for (Token t : text.tokenize(s.text())) words.add(t.text());
            if (out.size() + words.size() <= maxSourceTokens) {
                out.addAll(words);
            } else {
                if (out.isEmpty()) out.addAll(words.subList(0, maxSourceTokens));
                break;
            }
        }
        if (out.isEmpty()) out.add(Vocabulary.UNK); // an empty document still has one position to attend to
        return out;
    }

    /** A document encoded: vocabulary ids, extended ids, and its out-of-vocabulary words (extended id V + i is oov.get(i)). */
    record Encoded(int[] ids, int[] extended, List<String> oov) {}

    Encoded encode(String document) {
        Vocabulary v = text.vocabulary();
        List<String> words = documentTokens(document);
        int[] ids = new int[words.size()], ext = new int[words.size()];
        List<String> oov = new ArrayList<>();
        Map<String, Integer> oovIds = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            String w = words.get(i);
            if (v.contains(w)) {
                ids[i] = ext[i] = v.id(w);
            } else {
                ids[i] = Vocabulary.UNK_ID;
                ext[i] = oovIds.computeIfAbsent(w, k -> {
                    oov.add(k);
                    return v.size() + oov.size() - 1;
                });
            }
        }
        return new Encoded(ids, ext, oov);
    }

    /** A summary's target: BOS, extended ids (a word outside the vocabulary and the document is UNK), EOS. */
    int[] target(String summary, Encoded doc, int maxTokens) {
        Vocabulary v = text.vocabulary();
        List<Token> tokens = text.tokenize(summary);
        int n = Math.min(tokens.size(), maxTokens);
        int[] out = new int[n + 2];
        out[0] = Vocabulary.BOS_ID;
        for (int i = 0; i < n; i++) {
            String w = tokens.get(i).text();
            int k = doc.oov().indexOf(w);
            out[i + 1] = v.contains(w) ? v.id(w) : k >= 0 ? v.size() + k : Vocabulary.UNK_ID;
        }
        out[n + 1] = Vocabulary.EOS_ID;
        return out;
    }

    /** A padded batch of documents and their extended ids (B * S, -1 at padding). */
    private static PaddedBatch batch(List<Encoded> docs, int[] idx, int[][] extendedOut) {
        List<int[]> ids = new ArrayList<>(docs.size());
        for (Encoded d : docs) ids.add(d.ids());
        PaddedBatch b = TextPipeline.batch(ids, idx);
        int s = b.maxLength();
        int[] ext = new int[idx.length * s];
        Arrays.fill(ext, -1);
        for (int i = 0; i < idx.length; i++) System.arraycopy(docs.get(idx[i]).extended(), 0, ext, i * s, docs.get(idx[i]).extended().length);
        extendedOut[0] = ext;
        return b;
    }

    /** A run's outcome: the summarizer (best epoch), the trainer's summary. */
    public record Trained(Summarizer summarizer, Trainer.Summary summary) {}

    /**
     * Trains on {@code train}, picking the epoch by greedy dev ROUGE-L; with a {@code dir}, the best model is
     * written there (checkpoints under {@code dir/checkpoints}; a non-empty folder is refused: see {@link Tasks.Existing}). The same run as
     * {@link Tasks#train} with a {@link SummarizationTask}.
     */
    public static Trained train(List<SummaryData.Document> train, List<SummaryData.Document> dev, Settings s, Path dir, boolean progress)
            throws IOException {
        return train(train, dev, s, Tasks.Run.into(dir).withProgress(progress));
    }

    /** As {@link #train(List, List, Settings, Path, boolean)}, with the run's folder handling and reporting. */
    public static Trained train(List<SummaryData.Document> train, List<SummaryData.Document> dev, Settings s, Tasks.Run run) throws IOException {
        Tasks.Trained<Summarizer> t = Tasks.train(new SummarizationTask(), s, train, dev, run);
        return new Trained(t.model(), t.summary());
    }

    /** Fits the shared document and summary pipeline on {@code train} and builds the pointer-generator. */
    static Fit prepare(List<SummaryData.Document> train, List<SummaryData.Document> dev, Settings s) throws IOException {
        if (train.isEmpty() || dev.isEmpty()) throw new IllegalArgumentException("need training and dev documents, got " + train.size() + " and " + dev.size());
        Settings.Text x = s.text();
        Settings.Network net = s.model();
        TextPipeline.Config tc = TextPipeline.Config.of(x.tokenizer()).withLowerCase(x.lowerCase());
        List<String> texts = new ArrayList<>(2 * train.size());
        for (SummaryData.Document d : train) {
            texts.add(d.text());
            texts.add(d.summary());
        }
        TextPipeline pipeline = TextPipeline.fit(tc, Tokenizers.of(x.tokenizer(), Path.of("")), texts,
                Vocabulary.builder().minFrequency(x.minFrequency()).maxSize(x.vocabSize()));
        SummarizationModel model = new SummarizationModel(new SummarizationModel.Config(pipeline.vocabulary().size(), net.embedDim(), net.encoderHidden(),
                net.decoderHidden(), net.attentionDim(), net.pointer(), net.coverage(), net.dropout(), Vocabulary.PAD_ID, Vocabulary.UNK_ID),
                new Rng(s.training().seed()));
        Summarizer sum = new Summarizer(pipeline, model, x.maxSourceTokens());
        return new Fit(sum, train, dev, s);
    }

    /** Bucketed batches by document length; NLL per real target token (+ coverage loss late); dev ROUGE-L (greedy). */
    static final class Fit extends BucketedTraining<Summarizer> {
        private final Summarizer sum;
        private final Settings s;
        private final List<Encoded> docs = new ArrayList<>(); // ids: each document's vocabulary ids, for bucketing
        private final List<int[]> targets = new ArrayList<>();
        private final List<SummaryData.Document> dev;
        private double coverageWeight;

        Fit(Summarizer sum, List<SummaryData.Document> train, List<SummaryData.Document> dev, Settings s) {
            super(sum, sum.model, s.training().batchSize());
            this.sum = sum;
            this.s = s;
            this.dev = dev;
            for (SummaryData.Document d : train) {
                Encoded e = sum.encode(d.text());
                docs.add(e);
                ids.add(e.ids());
                targets.add(sum.target(d.summary(), e, s.text().maxSummaryTokens()));
            }
        }

        @Override
        public void startEpoch(int epoch) {
            Settings.Network net = s.model();
            coverageWeight = net.coverage() && net.coverageFrom() > 0 && epoch + 1 >= net.coverageFrom() ? net.coverageWeight() : 0;
        }

        @Override
        public double lossWeight(int[] batch) { // both terms are means per target token
            return TextPipeline.predictedTokens(targets, batch);
        }

        @Override
        public Tensor loss(int[] batch) {
            int[][] ext = new int[1][];
            PaddedBatch source = batch(docs, batch, ext);
            PaddedBatch target = TextPipeline.batch(targets, batch);
            SummarizationModel.Losses l = sum.model.loss(source, ext[0], target);
            return coverageWeight > 0 ? Ops.add(l.nll(), Ops.mulScalar(l.coverage(), (float) coverageWeight)) : l.nll();
        }

        @Override
        public Map<String, Double> evaluate() {
            List<String> docsText = new ArrayList<>(), refs = new ArrayList<>();
            for (SummaryData.Document d : dev) {
                docsText.add(d.text());
                refs.add(d.summary());
            }
            List<String> hyps = new ArrayList<>();
            for (Summary h : sum.summarize(docsText, Decode.greedy(s.text().maxSummaryTokens()))) hyps.add(h.text());
            Rouge.Scores r = new Rouge(true).corpus(single(refs), hyps);
            return Map.of("dev_rougeL", 100 * r.rougeL().f1(), "dev_rouge1", 100 * r.rouge1().f1(), "dev_rouge2", 100 * r.rouge2().f1());
        }

        @Override
        public String monitor() {
            return "dev_rougeL";
        }

        @Override
        public boolean maximize() {
            return true;
        }
    }

    static List<List<String>> single(List<String> refs) {
        List<List<String>> out = new ArrayList<>(refs.size());
        for (String r : refs) out.add(List.of(r));
        return out;
    }

    /** Summaries in input order. */
    public List<Summary> summarize(List<String> documents, Decode d) {
        List<Summary> out = new ArrayList<>(documents.size());
        for (List<Summary> s : summarize(documents, d, 1)) out.add(s.get(0));
        return out;
    }

    /** For each document, in input order, up to {@code nBest} summaries (at most the beam), best first. */
    public List<List<Summary>> summarize(List<String> documents, Decode d, int nBest) {
        if (nBest < 1 || nBest > d.beam()) throw new IllegalArgumentException("nBest must be in [1, beam], got " + nBest + " with beam " + d.beam());
        List<Encoded> enc = new ArrayList<>(documents.size());
        for (String doc : documents) enc.add(encode(doc));
        PointerGeneratorDecoder decoder = model.decoder();
        try (GradMode g = GradMode.noGrad()) {
            return LengthSorted.indices(enc.size(), i -> enc.get(i).ids().length, BATCH, idx -> {
                int[][] ext = new int[1][];
                PaddedBatch source = batch(enc, idx, ext);
                PointerGeneratorDecoder.State st = model.encode(source, ext[0]);
                // +1: the end token is a step of its own
                Decoding.BeamConfig cfg = new Decoding.BeamConfig(d.beam(), d.maxLength() + 1, d.minLength() + 1, d.lengthPenalty(), nBest,
                        Vocabulary.BOS_ID, Vocabulary.EOS_ID, d.noRepeatNgram());
                List<List<Decoding.Hypothesis>> hyps = new ArrayList<>();
                if (d.beam() == 1 && d.minLength() == 0 && d.noRepeatNgram() == 0) {
                    for (Decoding.Hypothesis h : Decoding.greedySearch(decoder.stepper(), st, Vocabulary.BOS_ID, Vocabulary.EOS_ID, cfg.maxLength(),
                            d.lengthPenalty())) {
                        hyps.add(List.of(h));
                    }
                } else {
                    hyps.addAll(Decoding.beamSearch(decoder.stepper(), st, cfg));
                }
                List<List<Summary>> out = new ArrayList<>(idx.length);
                for (int i = 0; i < idx.length; i++) {
                    List<Summary> ss = new ArrayList<>();
                    for (Decoding.Hypothesis h : hyps.get(i)) ss.add(words(h.tokens(), enc.get(idx[i]), d.maxLength()));
                    out.add(ss);
                }
                return out;
            });
        }
    }

    /**
     * Output ids to words: vocabulary words, copied document words for extended ids; up to the end token, and at
     * most {@code max} (a search that reached its step limit without ending is cut there).
     */
    private Summary words(int[] ids, Encoded doc, int max) {
        Vocabulary v = text.vocabulary();
        List<String> tokens = new ArrayList<>();
        int copied = 0;
        for (int id : ids) {
            if (id == Vocabulary.EOS_ID || tokens.size() == max) break;
            if (id >= v.size()) {
                tokens.add(doc.oov().get(id - v.size()));
                copied++;
            } else if (!v.isSpecial(id) || id == Vocabulary.UNK_ID) {
                tokens.add(v.token(id));
            }
        }
        return new Summary(Detokenizer.join(tokens), tokens, copied);
    }

    /** ROUGE of summaries against the original summaries and, when every document has them, the annotators' (best of). */
    public record Scores(Rouge.Scores original, Rouge.Scores annotators, int count, double copiedShare, double meanLength, List<String> summaries) {}

    public Scores evaluate(List<SummaryData.Document> docs, Decode d) {
        List<String> texts = new ArrayList<>();
        for (SummaryData.Document doc : docs) texts.add(doc.text());
        List<Summary> out = summarize(texts, d);
        return score(docs, out);
    }

    /** Scores given summaries (any system's, e.g. a baseline's) of {@code docs}. */
    public static Scores score(List<SummaryData.Document> docs, List<Summary> out) {
        List<String> hyps = new ArrayList<>();
        List<String> orig = new ArrayList<>();
        List<List<String>> ann = new ArrayList<>();
        long tokens = 0, copied = 0;
        boolean annotated = true;
        for (int i = 0; i < docs.size(); i++) {
            hyps.add(out.get(i).text());
            orig.add(docs.get(i).summary());
            ann.add(docs.get(i).annotations());
            annotated &= !docs.get(i).annotations().isEmpty();
            tokens += out.get(i).tokens().size();
            copied += out.get(i).copiedOutOfVocabulary();
        }
        Rouge rouge = new Rouge(true);
        return new Scores(rouge.corpus(single(orig), hyps), annotated ? rouge.corpus(ann, hyps) : null, docs.size(),
                tokens == 0 ? 0 : (double) copied / tokens, docs.isEmpty() ? 0 : (double) tokens / docs.size(), hyps);
    }

    private static final List<OutputField> OUTPUT = List.of(
            new OutputField("summary", OutputField.Kind.STRING, "the summary"),
            new OutputField("copied_out_of_vocabulary", OutputField.Kind.INT, "tokens copied from the source that the vocabulary lacks"));

    @Override
    public List<OutputField> outputFields() {
        return OUTPUT;
    }

    @Override
    public Map<String, Object> outputValues(Summary s) {
        return Map.of("summary", s.text(), "copied_out_of_vocabulary", s.copiedOutOfVocabulary());
    }

    private static final List<PredictOption> OPTIONS = List.of(
            PredictOption.beam(Decode.defaults().beam()), PredictOption.nBest("summaries"),
            new PredictOption("max_length", 1, 400, Decode.defaults().maxLength(), "the longest summary, in tokens"),
            new PredictOption("min_length", 0, 400, Decode.defaults().minLength(), "the shortest summary, in tokens"));

    @Override
    public List<PredictOption> predictOptions() {
        return OPTIONS;
    }

    /** Summaries as the options say; with {@code n_best} above 1, {@code n_best} lists the summaries best first. */
    @Override
    public List<Map<String, Object>> predictValues(List<String> documents, Map<String, Integer> options, boolean withDetails) {
        Map<String, Integer> o = PredictOption.resolve(OPTIONS, options);
        if (withDetails) throw new IllegalArgumentException("this " + type() + " model gives no details");
        PredictOption.requireAtMost(o, "n_best", "beam");
        PredictOption.requireAtMost(o, "min_length", "max_length");
        int nBest = o.get("n_best");
        Decode d = Decode.defaults().withBeam(o.get("beam")).withLengths(o.get("min_length"), o.get("max_length"));
        List<Map<String, Object>> out = new ArrayList<>(documents.size());
        for (List<Summary> ss : summarize(documents, d, nBest)) {
            Map<String, Object> values = orderedValues(ss.get(0));
            if (nBest > 1) {
                List<String> texts = new ArrayList<>();
                for (Summary s : ss) texts.add(s.text());
                values.put("n_best", texts);
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

    /** Summaries of the documents, in order, by {@link Decode#defaults()} (the command line's decoding). */
    @Override
    public List<Summary> predict(List<String> documents) {
        return summarize(documents, Decode.defaults());
    }

    /** ROUGE-1, -2 and -L F1 (x 100) against the documents' original summaries, by {@link Decode#defaults()}. */
    @Override
    public Map<String, Double> metrics(List<SummaryData.Document> data) {
        Rouge.Scores r = evaluate(data, Decode.defaults()).original();
        return Map.of("rouge1", 100 * r.rouge1().f1(), "rouge2", 100 * r.rouge2().f1(), "rougeL", 100 * r.rougeL().f1());
    }

    @Override
    public Map<String, Object> describe() {
        SummarizationModel.Config c = model.config();
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("type", type());
        m.put("vocabulary", c.vocabSize());
        m.put("pointer", c.pointer());
        m.put("coverage", c.coverage());
        m.put("max_source_tokens", maxSourceTokens);
        m.put("parameters", model.parameterCount());
        return m;
    }

    @Override
    public void save(Path dir) throws IOException {
        FolderReplacement.replace(dir, d -> {
            java.util.Map<String, Object> pre = new java.util.LinkedHashMap<>();
            pre.put("text", text.save(d, ""));
            pre.put("summarizer", new Description(maxSourceTokens));
            ModelBundle.write(d, model, ModelBundle.Provenance.none(), pre);
        });
    }

    public static Summarizer load(Path dir) throws IOException {
        ModelBundle.Folder f = ModelBundle.open(dir).expect(SummarizationModel.TYPE);
        Description d = f.preprocessing("summarizer", Description.class, LEGACY_FILE);
        if (d.maxSourceTokens() < 1) {
            throw new IOException(dir.resolve(ModelBundle.MODEL_JSON) + ": maxSourceTokens must be >= 1, found " + d.maxSourceTokens());
        }
        return f.assemble(() -> new Summarizer(TextPipeline.load(f, "text", "text"), f.model(SummarizationModel.class), d.maxSourceTokens()));
    }
}
