package org.grukit.examples.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grukit.attention.AttentionDecoder;
import org.grukit.core.kernel.Parallel;
import org.grukit.core.train.JsonLines;
import org.grukit.nlp.data.TextPair;
import org.grukit.nlp.translate.Translator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code grukit translate train|eval|run}: sequence to sequence with attention. */
@Command(name = "translate", mixinStandardHelpOptions = true, description = "Translation with a BiGRU encoder and an attention GRU decoder.",
        subcommands = {TranslateCommand.Train.class, TranslateCommand.Eval.class, TranslateCommand.Run.class})
final class TranslateCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    @Command(name = "train", mixinStandardHelpOptions = true, description = "Train on parallel files (a sentence a line); dev BLEU picks the epoch.")
    static final class Train implements Callable<Integer> {
        private static final Translator.Settings D = Translator.Settings.defaults();
        @Option(names = "--train-src", required = true, description = "Training sources, a sentence a line.") Path trainSrc;
        @Option(names = "--train-tgt", required = true, description = "Their translations, line by line.") Path trainTgt;
        @Option(names = "--dev-src", required = true, description = "Dev sources (dev BLEU picks the epoch).") Path devSrc;
        @Option(names = "--dev-tgt", required = true, description = "Dev references.") Path devTgt;
        @Option(names = "--model", required = true, description = "Folder for the model and checkpoints; resumed if present.") Path model;
        @Option(names = "--epochs", defaultValue = "5", description = "Epochs (default: ${DEFAULT-VALUE}).") int epochs;
        @Option(names = "--batch-size", defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE}).") int batchSize;
        @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate, cosine-decayed (default: ${DEFAULT-VALUE}).") double lr;
        @Option(names = "--embed-dim", defaultValue = "128", description = "Embedding size (default: ${DEFAULT-VALUE}).") int embed;
        @Option(names = "--encoder-hidden", defaultValue = "128", description = "Encoder units per direction (default: ${DEFAULT-VALUE}).") int encoder;
        @Option(names = "--decoder-hidden", defaultValue = "256", description = "Decoder units (default: ${DEFAULT-VALUE}).") int decoder;
        @Option(names = "--attention", defaultValue = "bahdanau", description = "bahdanau (default: ${DEFAULT-VALUE}).") String attention;
        @Option(names = "--dropout", defaultValue = "0.3", description = "Dropout (default: ${DEFAULT-VALUE}).") float dropout;
        @Option(names = "--label-smoothing", defaultValue = "0.1", description = "Label smoothing (default: ${DEFAULT-VALUE}).") float smoothing;
        @Option(names = "--min-freq", defaultValue = "2", description = "Rarer words are UNK (default: ${DEFAULT-VALUE}).") int minFreq;
        @Option(names = "--max-length", defaultValue = "60", description = "Tokens kept per sentence (default: ${DEFAULT-VALUE}).") int maxLength;
        @Option(names = "--train-limit", defaultValue = "0", description = "Use only the first N pairs (0: all).") int limit;
        @Option(names = "--patience", defaultValue = "3", description = "Early stopping patience (default: ${DEFAULT-VALUE}).") int patience;
        @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).") long seed;
        @Option(names = "--no-progress", description = "No progress bar.") boolean noProgress;

        @Override
        public Integer call() throws IOException {
            if (!attention.equals("bahdanau")) throw new IllegalArgumentException("--attention " + attention + " is not available yet; use bahdanau");
            List<TextPair> train = org.grukit.nlp.data.Parallel.read(trainSrc, trainTgt), dev = org.grukit.nlp.data.Parallel.read(devSrc, devTgt);
            if (limit > 0 && limit < train.size()) train = train.subList(0, limit);
            Translator.Settings s = new Translator.Settings(D.tokeniser(), false, minFreq, maxLength, embed, encoder, 1, decoder,
                    AttentionDecoder.Style.BAHDANAU, dropout, smoothing, epochs, batchSize, lr, D.clipNorm(), patience, seed);
            Translator.Trained t = Translator.train(train, dev, s, model, !noProgress);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", model.toString());
            m.put("train", train.size());
            m.put("dev_bleu_greedy", Math.round(t.summary().best() * 100) / 100.0);
            m.put("best_epoch", t.summary().bestEpoch());
            m.put("epochs_run", t.summary().epochsRun());
            m.put("seconds", Math.round(t.summary().seconds() * 10) / 10.0);
            m.put("train_target_tokens_per_s", Math.round(t.targetTokensPerSecond()));
            m.put("threads", Parallel.threads());
            System.out.println(JsonLines.of(m));
            return 0;
        }
    }

    @Command(name = "eval", mixinStandardHelpOptions = true, description = "BLEU (sacreBLEU's default) and chrF of a test set, as a JSON line.")
    static final class Eval implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "A model folder from 'grukit translate train'.") Path model;
        @Option(names = "--src", required = true, description = "Sources, a sentence a line.") Path src;
        @Option(names = "--ref", required = true, description = "References, line by line (detokenised, as sacreBLEU expects).") Path ref;
        @Option(names = "--beam", defaultValue = "5", description = "Beam size; 1 is greedy (default: ${DEFAULT-VALUE}).") int beam;

        @Override
        public Integer call() throws IOException {
            Translator t = Translator.load(model);
            List<TextPair> pairs = org.grukit.nlp.data.Parallel.read(src, ref);
            List<String> s = new ArrayList<>(), r = new ArrayList<>();
            for (TextPair p : pairs) {
                s.add(p.source());
                r.add(p.target());
            }
            long t0 = System.nanoTime();
            Translator.Scores sc = t.evaluate(s, r, beam);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("bleu", Math.round(sc.bleu() * 100) / 100.0);
            m.put("chrf", Math.round(sc.chrf() * 100) / 100.0);
            m.put("count", sc.count());
            m.put("beam", beam);
            m.put("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
            System.out.println(JsonLines.of(m));
            return 0;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Translate standard input, a sentence a line.")
    static final class Run implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "A model folder from 'grukit translate train'.") Path model;
        @Option(names = "--beam", defaultValue = "5", description = "Beam size; 1 is greedy (default: ${DEFAULT-VALUE}).") int beam;

        @Override
        public Integer call() throws IOException {
            Translator t = Translator.load(model);
            List<String> in = StdIo.lines();
            java.io.PrintStream out = StdIo.out();
            for (String s : t.translate(in, beam)) out.print(s + "\n");
            out.flush();
            return 0;
        }
    }
}
