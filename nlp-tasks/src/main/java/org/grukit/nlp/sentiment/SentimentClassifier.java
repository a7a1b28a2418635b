package org.grukit.nlp.sentiment;

import org.grukit.core.task.OutputField;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.grukit.attention.recurrent.GruVariant;
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
import org.grukit.nlp.data.LabelledText;
import org.grukit.nlp.text.BucketedTraining;
import org.grukit.nlp.text.TextPipeline;
import org.grukit.nlp.text.TextSettings;
import org.grukit.nlp.text.Token;
import org.grukit.nlp.text.Tokenizers;
import org.grukit.nlp.text.Vocabulary;
import org.grukit.nlp.text.WordVectors;

/**
 * Sentiment analysis as a library: train a {@link SentimentModel} from labelled texts, evaluate it, predict one
 * or many texts, explain a prediction by its per-token attention weights, save and load it as a folder
 * (model.json with the text pipeline, and weights.safetensors). A loaded classifier is read-only and serves predict
 * calls from many threads at once.
 */
public final class SentimentClassifier implements TaskModel<List<LabelledText>, String, SentimentClassifier.Prediction> {
    /**
     * How a classifier is trained: its texts' pipeline, its network and the shared training settings, each a small
     * validated record; the defaults live in {@link #defaults()} and {@link #defaultsFor(int)} alone.
     */
    public record Settings(TextSettings text, Network model, TrainingSettings training) implements TaskSettings {
        public Settings {
            if (text == null || model == null || training == null) throw new IllegalArgumentException("text, model and training settings are required");
        }

        /**
         * The network: embedding (optionally from pre-trained {@code vectors}), a (Bi)GRU of any cell, pooling and a
         * linear classifier; {@code dropout} on the embeddings and before the classifier, {@code wordDropout} the share
         * of training tokens replaced by UNK.
         */
        public record Network(int embedDim, int hiddenSize, int numLayers, boolean bidirectional, GruVariant cell, SentimentModel.Pooling pooling, int attentionDim, float dropout, float wordDropout, Path vectors) {
            public Network {
                if (embedDim < 1 || hiddenSize < 1 || numLayers < 1 || attentionDim < 1) {
                    throw new IllegalArgumentException("embedDim, hiddenSize, numLayers and attentionDim must be >= 1, got " + embedDim + ", "
                            + hiddenSize + ", " + numLayers + ", " + attentionDim);
                }
                if (cell == null || pooling == null) throw new IllegalArgumentException("cell and pooling are required");
                if (!(dropout >= 0f && dropout < 1f)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
                if (!(wordDropout >= 0f && wordDropout < 1f)) throw new IllegalArgumentException("wordDropout must be in [0, 1), got " + wordDropout);
            }

            public Network withEmbedDim(int value) {
                return new Network(value, hiddenSize, numLayers, bidirectional, cell, pooling, attentionDim, dropout, wordDropout, vectors);
            }

            public Network withHiddenSize(int value) {
                return new Network(embedDim, value, numLayers, bidirectional, cell, pooling, attentionDim, dropout, wordDropout, vectors);
            }

            public Network withNumLayers(int value) {
                return new Network(embedDim, hiddenSize, value, bidirectional, cell, pooling, attentionDim, dropout, wordDropout, vectors);
            }

            public Network withBidirectional(boolean value) {
                return new Network(embedDim, hiddenSize, numLayers, value, cell, pooling, attentionDim, dropout, wordDropout, vectors);
            }

            public Network withCell(GruVariant value) {
                return new Network(embedDim, hiddenSize, numLayers, bidirectional, value, pooling, attentionDim, dropout, wordDropout, vectors);
            }

            public Network withPooling(SentimentModel.Pooling value) {
                return new Network(embedDim, hiddenSize, numLayers, bidirectional, cell, value, attentionDim, dropout, wordDropout, vectors);
            }

            public Network withAttentionDim(int value) {
                return new Network(embedDim, hiddenSize, numLayers, bidirectional, cell, pooling, value, dropout, wordDropout, vectors);
            }

            public Network withDropout(float value) {
                return new Network(embedDim, hiddenSize, numLayers, bidirectional, cell, pooling, attentionDim, value, wordDropout, vectors);
            }

            public Network withWordDropout(float value) {
                return new Network(embedDim, hiddenSize, numLayers, bidirectional, cell, pooling, attentionDim, dropout, value, vectors);
            }

            public Network withVectors(Path value) {
                return new Network(embedDim, hiddenSize, numLayers, bidirectional, cell, pooling, attentionDim, dropout, wordDropout, value);
            }
        }

        /** For a large training set (SST-2's 67k phrases): 8 epochs of batches of 64 at Adam 1e-3. */
        public static Settings defaults() {
            return new Settings(new TextSettings("simple", true, 1, 50_000, 100),
                    new Network(300, 256, 1, true, GruVariant.GRU, SentimentModel.Pooling.ATTENTION, 128, 0.5f, 0f, null),
                    new TrainingSettings(8, 64, 1e-3, 0, 5.0, 3, 1));
        }

        /** Below this many training texts, {@link #defaultsFor} trains longer on smaller batches. */
        public static final int SMALL_DATA = 20_000;

        /**
         * The defaults for a training set of {@code trainSize} texts. A small set (MR's 9.6k sentences) gets 12
         * epochs of batches of 32 at Adam 2e-3, since 8 epochs of 64 are too few updates for it to converge. A
         * large set keeps {@link #defaults()}: there the larger steps cost accuracy (84.5% against 86.0% on SST-2).
         */
        public static Settings defaultsFor(int trainSize) {
            Settings d = defaults();
            return trainSize >= SMALL_DATA ? d : d.withTraining(d.training.withEpochs(12).withBatchSize(32).withLr(2e-3));
        }

        public Settings withText(TextSettings value) {
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

        /** The same with embeddings of {@code embed} and {@code hidden} GRU units per direction. */
        public Settings withSize(int embed, int hidden) {
            return withModel(model.withEmbedDim(embed).withHiddenSize(hidden));
        }
    }

    /** One text's label, its probability, and every label's probability (in label order). */
    public record Prediction(String label, double probability, double[] probabilities) {
        /** Equal when label and every probability are: predictions compare by value, as the record's other fields do. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Prediction p && p.label.equals(label) && Double.compare(p.probability, probability) == 0
                    && java.util.Arrays.equals(p.probabilities, probabilities);
        }

        @Override
        public int hashCode() {
            return 31 * label.hashCode() + java.util.Arrays.hashCode(probabilities);
        }

        @Override
        public String toString() {
            return "Prediction[label=" + label + ", probability=" + probability + ", probabilities=" + java.util.Arrays.toString(probabilities) + "]";
        }
    }

    /** The tokens of a text (with spans) and the attention weight of each, with the prediction. */
    public record Explanation(Prediction prediction, List<Token> tokens, double[] weights) {}

    private static final int PREDICT_BATCH = 256;


    private final TextPipeline pipeline;
    private final SentimentModel model;

    public SentimentClassifier(TextPipeline pipeline, SentimentModel model) {
        if (model.config().vocabSize() != pipeline.vocabulary().size()) {
            throw new IllegalArgumentException("the model's vocabulary size " + model.config().vocabSize() + " does not match the pipeline's "
                    + pipeline.vocabulary().size());
        }
        this.pipeline = pipeline;
        this.model = model;
        model.train(false);
    }

    public TextPipeline pipeline() {
        return pipeline;
    }

    public SentimentModel model() {
        return model;
    }

    public List<String> labels() {
        return model.config().labels();
    }

    /** A run's outcome: the classifier (best epoch's weights), the trainer's summary, and its dev evaluation. */
    public record Trained(SentimentClassifier classifier, Trainer.Summary summary, Evaluation dev, double trainSentencesPerSecond) {}

    /**
     * Trains on {@code train}, picking the epoch with the best accuracy on {@code dev}; with a {@code modelDir},
     * the best model is written there (and checkpoints under {@code modelDir/checkpoints}; a non-empty folder is refused: see {@link Tasks.Existing}).
     * The same run as {@link Tasks#train} with a {@link SentimentTask}, with the dev evaluation in full.
     */
    public static Trained train(List<LabelledText> train, List<LabelledText> dev, Settings s, Path modelDir, boolean progress,
                                Consumer<Trainer.EpochResult> onEpoch) throws IOException {
        return train(train, dev, s, new Tasks.Run(modelDir, progress, onEpoch));
    }

    /** As {@link #train(List, List, Settings, Path, boolean, Consumer)}, with the run's folder handling and reporting. */
    public static Trained train(List<LabelledText> train, List<LabelledText> dev, Settings s, Tasks.Run run) throws IOException {
        Tasks.Trained<SentimentClassifier> t = Tasks.train(new SentimentTask(), s, train, dev, run);
        double seconds = 0, examples = 0;
        for (Trainer.EpochResult r : t.summary().history()) {
            seconds += r.examplesPerSecond() > 0 ? train.size() / r.examplesPerSecond() : 0;
            examples += train.size();
        }
        return new Trained(t.model(), t.summary(), t.model().evaluate(dev), seconds > 0 ? examples / seconds : 0);
    }

    /**
     * Fits the text pipeline on {@code train}, builds the model from the settings' seed, and returns the training
     * loop's view of the run: bucketed batches, cross-entropy (with optional word dropout), dev accuracy.
     */
    static Fit prepare(List<LabelledText> train, List<LabelledText> dev, Settings s) throws IOException {
        if (train.isEmpty() || dev.isEmpty()) throw new IllegalArgumentException("need training and dev examples, got " + train.size() + " and " + dev.size());
        List<String> labels = SentimentData.labels(train);
        for (LabelledText x : dev) {
            if (!labels.contains(x.label())) throw new IllegalArgumentException(x.origin() + ": label '" + x.label() + "' is not among the training labels " + labels);
        }
        TextSettings ts = s.text();
        Settings.Network net = s.model();
        TextPipeline.Config pc = TextPipeline.Config.of(ts.tokenizer()).withLowerCase(ts.lowerCase()).withMaxLength(ts.maxLength());
        List<String> texts = new ArrayList<>(train.size());
        for (LabelledText x : train) texts.add(x.text());
        TextPipeline pipeline = TextPipeline.fit(pc, Tokenizers.of(ts.tokenizer(), Path.of("")), texts,
                Vocabulary.builder().minFrequency(ts.minFrequency()).maxSize(ts.maxVocab()));
        Rng rng = new Rng(s.training().seed());
        SentimentModel model = new SentimentModel(new SentimentModel.Config(pipeline.vocabulary().size(), labels, net.embedDim(), net.hiddenSize(),
                net.numLayers(), net.bidirectional(), net.cell(), net.pooling(), net.attentionDim(), net.dropout()), rng);
        if (net.vectors() != null) {
            WordVectors v = WordVectors.read(net.vectors(), java.nio.charset.StandardCharsets.UTF_8, pipeline.vocabulary());
            int found = v.initialise(model.embedding(), pipeline.vocabulary());
            System.getLogger(SentimentClassifier.class.getName()).log(System.Logger.Level.INFO, "word vectors: {0} of {1}"
                    + " vocabulary words found in {2}", found, pipeline.vocabulary().size(), net.vectors());
        }
        SentimentClassifier classifier = new SentimentClassifier(pipeline, model);
        return new Fit(classifier, train, dev, s.training().batchSize(), net.wordDropout(), new Rng(s.training().seed() ^ 0x5DEECE66DL));
    }

    /** The training loop's view of the task: bucketed batches, cross-entropy, dev accuracy and macro-F1. */
    static final class Fit extends BucketedTraining<SentimentClassifier> {
        private final SentimentClassifier c;
        private final List<int[]> encoded = ids;
        private final int[] targets;
        private final List<LabelledText> dev;
        private final float wordDropout;
        private final Rng wordRng;

        Fit(SentimentClassifier c, List<LabelledText> train, List<LabelledText> dev, int batchSize, float wordDropout, Rng wordRng) {
            super(c, c.model, batchSize);
            this.c = c;
            this.dev = dev;
            this.wordDropout = wordDropout;
            this.wordRng = wordRng;
            targets = new int[train.size()];
            List<String> labels = c.labels();
            for (int i = 0; i < train.size(); i++) {
                encoded.add(nonEmpty(c.pipeline.encode(train.get(i).text())));
                targets[i] = labels.indexOf(train.get(i).label());
            }
        }

        @Override
        public Map<String, Rng> randomStreams() {
            return Map.of("wordDropout", wordRng);
        }

        @Override
        public Tensor loss(int[] batch) {
            int[] y = new int[batch.length];
            for (int i = 0; i < batch.length; i++) y[i] = targets[batch[i]];
            PaddedBatch b = TextPipeline.batch(encoded, batch);
            if (wordDropout > 0f) { // word dropout: a real token becomes UNK, so no single word can carry a text
                int[] ids = b.ids().clone();
                for (int i = 0; i < ids.length; i++) if (ids[i] != Vocabulary.PAD_ID && wordRng.uniform() < wordDropout) ids[i] = Vocabulary.UNK_ID;
                b = new PaddedBatch(ids, b.batch(), b.maxLength(), b.lengths(), b.padId());
            }
            return Losses.crossEntropy(c.model.forward(b).logits(), y);
        }

        @Override
        public Map<String, Double> evaluate() {
            Evaluation e = c.evaluate(dev);
            return Map.of("dev_accuracy", e.accuracy(), "dev_macro_f1", e.macroF1());
        }

        @Override
        public String monitor() {
            return "dev_accuracy";
        }

        @Override
        public boolean maximize() {
            return true;
        }
    }

    /** An empty text (or one of only unknown characters) still gets one token, UNK, so every text has a prediction. */
    private static int[] nonEmpty(int[] ids) {
        return ids.length == 0 ? new int[] {Vocabulary.UNK_ID} : ids;
    }

    public Evaluation evaluate(List<LabelledText> data) {
        List<String> texts = new ArrayList<>(data.size());
        int[] truth = new int[data.size()];
        for (int i = 0; i < data.size(); i++) {
            texts.add(data.get(i).text());
            truth[i] = labels().indexOf(data.get(i).label());
            if (truth[i] < 0) throw new IllegalArgumentException(data.get(i).origin() + ": label '" + data.get(i).label() + "' is not one of " + labels());
        }
        List<Prediction> p = predict(texts);
        int[] predicted = new int[p.size()];
        for (int i = 0; i < predicted.length; i++) predicted[i] = labels().indexOf(p.get(i).label());
        return Evaluation.of(truth, predicted, labels());
    }

    public Prediction predict(String text) {
        return predict(List.of(text)).get(0);
    }

    /** Predictions in input order, computed in batches of texts of similar length. */
    @Override
    public List<Prediction> predict(List<String> texts) {
        List<int[]> encoded = new ArrayList<>(texts.size());
        for (String t : texts) {
            if (t == null) throw new IllegalArgumentException("text " + encoded.size() + " is null");
            encoded.add(nonEmpty(pipeline.encode(t)));
        }
        try (GradMode g = GradMode.noGrad()) {
            return LengthSorted.indices(encoded.size(), i -> encoded.get(i).length, PREDICT_BATCH, idx -> {
                Tensor probs = Ops.softmax(model.forward(TextPipeline.batch(encoded, idx)).logits(), -1);
                List<Prediction> out = new ArrayList<>(idx.length);
                for (int i = 0; i < idx.length; i++) out.add(prediction(probs, i));
                return out;
            });
        }
    }

    private Prediction prediction(Tensor probs, int row) {
        int c = probs.dim(1), best = 0;
        double[] p = new double[c];
        for (int k = 0; k < c; k++) {
            p[k] = probs.get(row, k);
            if (p[k] > p[best]) best = k;
        }
        return new Prediction(labels().get(best), p[best], p);
    }

    /** The prediction with each token's attention weight (the model must pool by attention). */
    public Explanation explain(String text) {
        if (model.config().pooling() != SentimentModel.Pooling.ATTENTION) {
            throw new IllegalStateException("explanations need attention pooling; this model pools by " + model.config().pooling());
        }
        List<Token> tokens = pipeline.tokenize(text);
        int[] ids = nonEmpty(pipeline.encode(text));
        try (GradMode g = GradMode.noGrad()) {
            PaddedBatch b = TextPipeline.batch(List.of(ids), new int[] {0});
            SentimentModel.Output out = model.forward(b);
            double[] w = new double[ids.length];
            for (int t = 0; t < w.length; t++) w[t] = out.weights().get(0, t);
            List<Token> shown = tokens.size() == ids.length ? tokens
                    : tokens.isEmpty() ? List.of(new Token(Vocabulary.UNK, 0, 0)) : tokens.subList(0, Math.min(tokens.size(), ids.length));
            return new Explanation(prediction(Ops.softmax(out.logits(), -1), 0), shown, Arrays.copyOf(w, shown.size()));
        }
    }

    private static final List<OutputField> OUTPUT = List.of(
            new OutputField("label", OutputField.Kind.STRING, "the most probable label"),
            new OutputField("probability", OutputField.Kind.DOUBLE, "the label's probability"),
            new OutputField("probabilities", OutputField.Kind.DOUBLE_LIST, "every label's probability, in the order of labels()"));

    @Override
    public List<OutputField> outputFields() {
        return OUTPUT;
    }

    @Override
    public Map<String, Object> outputValues(Prediction p) {
        return Map.of("label", p.label(), "probability", p.probability(), "probabilities", OutputField.doubles(p.probabilities()));
    }

    private static final List<OutputField> DETAILS = List.of(
            new OutputField("tokens", OutputField.Kind.STRING_LIST, "the text's tokens, as the model read them"),
            new OutputField("attention", OutputField.Kind.DOUBLE_LIST, "each token's attention weight in the pooling"));

    /** With attention pooling, each token and its attention weight ({@link #explain}). */
    @Override
    public List<OutputField> detailFields() {
        return model.config().pooling() == SentimentModel.Pooling.ATTENTION ? DETAILS : List.of();
    }

    @Override
    public List<Map<String, Object>> details(List<String> texts) {
        List<Map<String, Object>> out = new ArrayList<>(texts.size());
        for (String text : texts) {
            Explanation e = explain(text);
            List<String> tokens = new ArrayList<>(e.tokens().size());
            for (Token t : e.tokens()) tokens.add(t.text());
            out.add(Map.of("tokens", tokens, "attention", OutputField.doubles(e.weights())));
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

    /** Accuracy and macro-F1 on {@code data}, as {@link #evaluate} computes them. */
    @Override
    public Map<String, Double> metrics(List<LabelledText> data) {
        Evaluation e = evaluate(data);
        return Map.of("accuracy", e.accuracy(), "macro_f1", e.macroF1());
    }

    @Override
    public Map<String, Object> describe() {
        SentimentModel.Config c = model.config();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type());
        m.put("labels", labels());
        m.put("vocabulary", pipeline.vocabulary().size());
        m.put("pooling", c.pooling().name().toLowerCase(java.util.Locale.ROOT));
        m.put("parameters", model.parameterCount());
        return m;
    }

    /** Writes the model bundle into {@code dir}, the text pipeline in its model.json. */
    @Override
    public void save(Path dir) throws IOException {
        FolderReplacement.replace(dir, d -> ModelBundle.write(d, model, ModelBundle.Provenance.none(), java.util.Map.of("text", pipeline.save(d, ""))));
    }

    public static SentimentClassifier load(Path dir) throws IOException {
        ModelBundle.Folder f = ModelBundle.open(dir).expect(SentimentModel.TYPE);
        return f.assemble(() -> new SentimentClassifier(TextPipeline.load(f, "text", ""), f.model(SentimentModel.class)));
    }
}
