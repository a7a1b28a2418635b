package org.grukit.examples.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grukit.attention.recurrent.GruVariant;
import org.grukit.core.kernel.Parallel;
import org.grukit.core.train.JsonLines;
import org.grukit.nlp.data.BadRows;
import org.grukit.nlp.data.LabelledText;
import org.grukit.nlp.data.Read;
import org.grukit.nlp.sentiment.Evaluation;
import org.grukit.nlp.sentiment.SentimentClassifier;
import org.grukit.nlp.sentiment.SentimentData;
import org.grukit.nlp.sentiment.SentimentModel;
import org.grukit.nlp.sentiment.SentimentTask;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code grukit sentiment train|eval|predict}: text classification with a (Bi)GRU. */
@Command(name = "sentiment", mixinStandardHelpOptions = true, description = "Sentiment analysis: train, evaluate, predict.",
        subcommands = {SentimentCommand.Train.class, SentimentCommand.Eval.class, SentimentCommand.Predict.class,
                SentimentCommand.Split.class})
final class SentimentCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    static Read<LabelledText> read(Path p, TableOptions table) throws IOException {
        Read<LabelledText> r = SentimentData.read(p, table.skipBad ? BadRows.SKIP : BadRows.FAIL, table.columns());
        if (r.guessed() != null) System.err.println(p + ": " + r.guessed() + " (--text-column and --label-column choose others)");
        if (r.skipped() > 0) System.err.println(p + ": skipped " + r.skipped() + " malformed rows, first: " + r.problems().get(0));
        if (r.items().isEmpty()) throw new IOException(p + " holds no labelled texts");
        return r;
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train on labelled texts (TSV/CSV with sentence|text and label columns, JSON lines, or MR's folder).")
    static final class Train implements Callable<Integer> {
        private static final SentimentClassifier.Settings D = SentimentClassifier.Settings.defaults();
        @Option(names = "--train", required = true, description = "Training data.")
        Path train;
        @Option(names = "--dev", description = "Dev data for model selection; without it, --holdout of the training data.")
        Path dev;
        @Option(names = "--holdout", defaultValue = "0.1", description = "Share held out as dev when there is no --dev (default: ${DEFAULT-VALUE}).")
        double holdout;
        @Option(names = "--model", required = true, description = "Folder for the model (best epoch) and checkpoints; must be empty, or see --resume and --overwrite.")
        Path model;
        @picocli.CommandLine.Mixin
        ModelFolderOptions folder = new ModelFolderOptions();
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @picocli.CommandLine.Mixin
        TrainingOptions training = new TrainingOptions();
        // Each option starts at the library's default (picocli shows a field's initial value as ${DEFAULT-VALUE}).
        @Option(names = "--weight-decay", description = "Adam L2 weight decay (default: ${DEFAULT-VALUE}).")
        double weightDecay = D.training().weightDecay();
        @Option(names = "--embed-dim", description = "Embedding size (default: ${DEFAULT-VALUE}).")
        int embedDim = D.model().embedDim();
        @Option(names = "--hidden", description = "GRU hidden units per direction (default: ${DEFAULT-VALUE}).")
        int hidden = D.model().hiddenSize();
        @Option(names = "--layers", description = "GRU layers (default: ${DEFAULT-VALUE}).")
        int layers = D.model().numLayers();
        @Option(names = "--unidirectional", description = "One direction instead of a BiGRU.")
        boolean unidirectional = !D.model().bidirectional();
        @Option(names = "--cell", description = "gru, gru-reset-before, min-gru, tau-gru, light-gru or rnn (default: ${DEFAULT-VALUE}).")
        String cell = D.model().cell().label();
        @Option(names = "--pooling", description = "attention, last, max or mean (default: ${DEFAULT-VALUE}).")
        String pooling = D.model().pooling().name().toLowerCase(java.util.Locale.ROOT);
        @Option(names = "--dropout", description = "Dropout on embeddings and before the classifier (default: ${DEFAULT-VALUE}).")
        float dropout = D.model().dropout();
        @Option(names = "--word-dropout", description = "Share of training tokens replaced by UNK (default: ${DEFAULT-VALUE}).")
        float wordDropout = D.model().wordDropout();
        @Option(names = "--tokenizer", description = "simple, whitespace, opennlp-en, model:FILE, bpe:FILE (default: ${DEFAULT-VALUE}).")
        String tokenizer = D.text().tokenizer();
        @Option(names = "--cased", description = "Keep case (texts are lower-cased by default).")
        boolean cased = !D.text().lowerCase();
        @Option(names = "--min-freq", description = "Words seen fewer times are UNK (default: ${DEFAULT-VALUE}).")
        int minFreq = D.text().minFrequency();
        @Option(names = "--vectors", description = "Pre-trained word vectors (GloVe or word2vec text) for the embedding.")
        Path vectors;
        @picocli.CommandLine.Mixin
        TableOptions table = new TableOptions();

        @Override
        public Integer call() throws IOException {
            long seed = training.seed(D.training());
            List<LabelledText> trainData = read(train, table).items(), devData;
            if (dev != null) {
                devData = read(dev, table).items();
            } else {
                if (!(holdout > 0 && holdout < 1)) throw new IllegalArgumentException("--holdout must be in (0, 1), got " + holdout);
                List<List<LabelledText>> parts = SentimentData.split(trainData, holdout, seed);
                if (parts.get(1).isEmpty() || parts.get(0).isEmpty()) {
                    throw new IllegalArgumentException("--holdout " + holdout + " of " + trainData.size() + " training texts leaves " + parts.get(0).size()
                            + " to train on and " + parts.get(1).size() + " for dev; give --dev, or more data");
                }
                trainData = parts.get(0);
                devData = parts.get(1);
            }
            // The defaults sized to the training set, changed only where an option was given.
            SentimentClassifier.Settings sized = new SentimentTask().defaults(trainData.size());
            SentimentClassifier.Settings s = new SentimentClassifier.Settings(
                    sized.text().withTokenizer(tokenizer).withLowerCase(!cased).withMinFrequency(minFreq),
                    new SentimentClassifier.Settings.Network(embedDim, hidden, layers, !unidirectional, Choices.of("--cell", cell, GruVariant.class),
                            Choices.of("--pooling", pooling, SentimentModel.Pooling.class), sized.model().attentionDim(), dropout, wordDropout,
                            vectors),
                    training.apply(sized.training()).withWeightDecay(weightDecay));
            SentimentClassifier.Trained t = SentimentClassifier.train(trainData, devData, s, folder.run(model, training.progress(),
                    spec.commandLine().getParseResult().originalArgs().toArray(new String[0])));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", model.toString());
            m.put("train", trainData.size());
            m.put("dev_accuracy", Math.round(t.dev().accuracy() * 1e4) / 1e4);
            m.put("dev_macro_f1", Math.round(t.dev().macroF1() * 1e4) / 1e4);
            m.put("best_epoch", t.summary().bestEpoch());
            m.put("epochs_run", t.summary().epochsRun());
            m.put("seconds", Math.round(t.summary().seconds() * 10) / 10.0);
            m.put("train_sentences_per_s", Math.round(t.trainSentencesPerSecond()));
            m.put("epochs", s.training().epochs());
            m.put("batch_size", s.training().batchSize());
            m.put("lr", s.training().lr());
            m.put("threads", Parallel.threads());
            System.out.println(JsonLines.of(m));
            return 0;
        }
    }

    @Command(name = "split", mixinStandardHelpOptions = true,
            description = "Hold out a seeded share of labelled data as a test set, written as train.tsv and test.tsv, so that "
                    + "the epoch is picked on a part of train.tsv and the figure reported on test.tsv.")
    static final class Split implements Callable<Integer> {
        @Option(names = "--data", required = true, description = "Labelled data, as for training.")
        Path data;
        @Option(names = "--test", defaultValue = "0.1", description = "Share held out as the test set (default: ${DEFAULT-VALUE}).")
        double test;
        @Option(names = "--seed", defaultValue = "1", description = "Seed of the shuffle (default: ${DEFAULT-VALUE}).")
        long seed;
        @Option(names = "--out", required = true, description = "Folder for train.tsv and test.tsv.")
        Path out;
        @picocli.CommandLine.Mixin
        TableOptions table = new TableOptions();

        @Override
        public Integer call() throws IOException {
            if (!(test > 0 && test < 1)) throw new CommandLine.ParameterException(new CommandLine(this), "--test must be in (0, 1), got " + test);
            List<List<LabelledText>> parts = SentimentData.split(read(data, table).items(), test, seed);
            java.nio.file.Files.createDirectories(out);
            write(out.resolve("train.tsv"), parts.get(0));
            write(out.resolve("test.tsv"), parts.get(1));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("train", parts.get(0).size());
            m.put("test", parts.get(1).size());
            m.put("seed", seed);
            m.put("out", out.toString());
            System.out.println(JsonLines.of(m));
            return 0;
        }

        private static void write(Path file, List<LabelledText> rows) throws IOException {
            StringBuilder sb = new StringBuilder("sentence\tlabel\n");
            for (LabelledText x : rows) {
                // A tab or line break inside a text would shift its columns; none of the readers' formats allows one.
                sb.append(x.text().replaceAll("[\t\r\n]+", " ")).append('\t').append(x.label()).append('\n');
            }
            org.grukit.core.io.AtomicFiles.writeString(file, sb.toString());
        }
    }

    @Command(name = "eval", mixinStandardHelpOptions = true, description = "Accuracy, macro-F1 and the confusion matrix as a JSON line.")
    static final class Eval implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "A model folder from 'grukit sentiment train'.")
        Path model;
        @Option(names = "--data", required = true, description = "Labelled data, as for training.")
        Path data;
        @picocli.CommandLine.Mixin
        TableOptions table = new TableOptions();

        @Override
        public Integer call() throws IOException {
            SentimentClassifier c = SentimentClassifier.load(model);
            List<LabelledText> items = read(data, table).items();
            long t0 = System.nanoTime();
            Evaluation e = c.evaluate(items);
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Object> m = e.toMap();
            m.put("seconds", Math.round(seconds * 100) / 100.0);
            m.put("sentences_per_s", Math.round(items.size() / seconds)); // batched prediction, including tokenization
            m.put("threads", Parallel.threads());
            System.out.println(JsonLines.of(m));
            return 0;
        }
    }

    @Command(name = "predict", mixinStandardHelpOptions = true,
            description = "Label and probability of each text (arguments, else a line of standard input each), tab-separated.")
    static final class Predict implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "A model folder from 'grukit sentiment train'.")
        Path model;
        @Option(names = "--explain", description = "Add each token's attention weight (token:weight).")
        boolean explain;
        @Option(names = "--explain-png", description = "Draw the texts' attention weights as a heatmap.")
        Path png;
        @Parameters(arity = "0..*", description = "Texts; standard input when none.")
        List<String> texts;

        @Override
        public Integer call() throws IOException {
            SentimentClassifier c = SentimentClassifier.load(model);
            List<SentimentClassifier.Explanation> explanations = new ArrayList<>();
            StdIo.Answers answers = (in, index) -> {
                List<SentimentClassifier.Prediction> p = c.predict(in);
                List<String> said = new ArrayList<>(in.size());
                for (int i = 0; i < in.size(); i++) {
                    StringBuilder sb = new StringBuilder(p.get(i).label()).append('\t').append(String.format("%.4f", p.get(i).probability()));
                    if (explain || png != null) {
                        SentimentClassifier.Explanation e = c.explain(in.get(i));
                        explanations.add(e);
                        if (explain) {
                            sb.append('\t');
                            for (int k = 0; k < e.tokens().size(); k++) {
                                if (k > 0) sb.append(' ');
                                sb.append(e.tokens().get(k).text()).append(':').append(String.format("%.3f", e.weights()[k]));
                            }
                        }
                    }
                    said.add(sb.toString());
                }
                return said;
            };
            if (texts == null || texts.isEmpty()) {
                StdIo.stream(answers);
            } else {
                java.io.PrintStream out = StdIo.out();
                for (String line : answers.answer(texts, null)) out.print(line + "\n");
                out.flush();
            }
            if (png != null) SentimentPictures.heatmap(png, explanations);
            return 0;
        }
    }
}
