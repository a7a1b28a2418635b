package org.grukit.examples.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grukit.attention.decoding.Decoding;
import org.grukit.core.kernel.Parallel;
import org.grukit.core.train.JsonLines;
import org.grukit.nlp.data.TextPair;
import org.grukit.nlp.translate.Translator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code grukit translate train|eval|run}: sequence to sequence with attention. */
@Command(name = "translate", mixinStandardHelpOptions = true, description = "Translation with a BiGRU encoder and an attention GRU decoder.",
        subcommands = {TranslateCommand.Train.class, TranslateCommand.Eval.class, TranslateCommand.Run.class, TranslateCommand.Split.class})
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
        @Option(names = "--model", required = true, description = "Folder for the model and checkpoints; must be empty, or see --resume and --overwrite.") Path model;
        @picocli.CommandLine.Mixin
        ModelFolderOptions folder = new ModelFolderOptions();
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;
        // Each option starts at the library's default (picocli shows a field's initial value as ${DEFAULT-VALUE}).
        @Option(names = "--embed-dim", description = "Embedding size (default: ${DEFAULT-VALUE}).") int embed = D.model().embedDim();
        @Option(names = "--encoder-hidden", description = "Encoder units per direction (default: ${DEFAULT-VALUE}).") int encoder = D.model().encoderHidden();
        @Option(names = "--decoder-hidden", description = "Decoder units (default: ${DEFAULT-VALUE}).") int decoder = D.model().decoderHidden();
        @Option(names = "--attention", description = "bahdanau, luong-dot, luong-general or luong-concat (default: ${DEFAULT-VALUE}).")
        String attention = D.model().attention().label();
        @Option(names = "--tie-embeddings", description = "Tie the decoder's output layer to its input embedding.") boolean tied = D.model().tiedEmbeddings();
        @Option(names = "--tokenizer", description = "Word tokenizer when not BPE: " + org.grukit.nlp.text.Tokenizers.NAMES
                + " (default: ${DEFAULT-VALUE}).") String tokenizer = D.text().tokenizer();
        @Option(names = "--bpe", description = "Learn BPE vocabularies of N pieces instead of words (0: words; default: ${DEFAULT-VALUE}).") int bpe = D.text().bpeVocab();
        @Option(names = "--shared-vocab", description = "One vocabulary (one BPE model) for source and target.") boolean shared = D.text().sharedVocabulary();
        @Option(names = "--lower", description = "Lower-case both sides.") boolean lower = D.text().lowerCase();
        @Option(names = "--dropout", description = "Dropout (default: ${DEFAULT-VALUE}).") float dropout = D.model().dropout();
        @Option(names = "--label-smoothing", description = "Label smoothing (default: ${DEFAULT-VALUE}).") float smoothing = D.model().labelSmoothing();
        @Option(names = "--min-freq", description = "Rarer words are UNK (default: ${DEFAULT-VALUE}).") int minFreq = D.text().minFrequency();
        @Option(names = "--max-length", description = "Tokens kept per sentence (default: ${DEFAULT-VALUE}).") int maxLength = D.text().maxLength();
        @Option(names = "--train-limit", defaultValue = "0", description = "Use only the first N pairs (0: all).") int limit;
        @picocli.CommandLine.Mixin
        TrainingOptions training = new TrainingOptions();

        @Override
        public Integer call() throws IOException {
            List<TextPair> train = org.grukit.nlp.data.ParallelCorpus.read(trainSrc, trainTgt), dev = org.grukit.nlp.data.ParallelCorpus.read(devSrc, devTgt);
            if (limit > 0 && limit < train.size()) train = train.subList(0, limit);
            Translator.Settings s = new Translator.Settings(new Translator.Settings.Text(tokenizer, bpe, shared, lower, minFreq, maxLength),
                    new Translator.Settings.Network(embed, encoder, D.model().encoderLayers(), decoder,
                            Choices.of("--attention", attention, Translator.Attention.class), tied, dropout, smoothing),
                    training.apply(D.training()));
            Translator.Trained t = Translator.train(train, dev, s, folder.run(model, training.progress(),
                    spec.commandLine().getParseResult().originalArgs().toArray(new String[0])));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", model.toString());
            m.put("train", train.size());
            m.put("dev_bleu_greedy", Math.round(t.summary().best() * 100) / 100.0);
            m.put("best_epoch", t.summary().bestEpoch());
            m.put("epochs_run", t.summary().epochsRun());
            m.put("seconds", Math.round(t.summary().seconds() * 10) / 10.0);
            m.put("train_target_tokens_per_s", Math.round(t.targetTokensPerSecond()));
            m.put("resumed", t.summary().resumed());
            m.put("threads", Parallel.threads());
            System.out.println(JsonLines.of(m));
            return 0;
        }
    }

    @Command(name = "eval", mixinStandardHelpOptions = true, description = "BLEU (sacreBLEU's default) and chrF of a test set, as a JSON line.")
    static final class Eval implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "A model folder from 'grukit translate train'.") Path model;
        @Option(names = "--src", required = true, description = "Sources, a sentence a line.") Path src;
        @Option(names = "--ref", required = true, description = "References, line by line (detokenized, as sacreBLEU expects).") Path ref;
        @Mixin DecodeOptions decode;

        @Override
        public Integer call() throws IOException {
            Translator t = Translator.load(model);
            List<TextPair> pairs = org.grukit.nlp.data.ParallelCorpus.read(src, ref);
            List<String> s = new ArrayList<>(), r = new ArrayList<>();
            for (TextPair p : pairs) {
                s.add(p.source());
                r.add(p.target());
            }
            long t0 = System.nanoTime();
            Translator.Scores sc = t.evaluate(s, r, decode.decode(1));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("bleu", Math.round(sc.bleu() * 100) / 100.0);
            m.put("chrf", Math.round(sc.chrf() * 100) / 100.0);
            m.put("count", sc.count());
            m.put("beam", decode.beam);
            m.put("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
            System.out.println(JsonLines.of(m));
            return 0;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Translate standard input, a sentence a line.")
    static final class Run implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "A model folder from 'grukit translate train'.") Path model;
        @Mixin DecodeOptions decode;
        @Option(names = "--n-best", defaultValue = "1", description = "Translations per sentence; above 1 each line is "
                + "'index ||| translation ||| score' (default: ${DEFAULT-VALUE}).") int nBest;
        @Option(names = "--attention-png", description = "Draw the attention matrix of the first sentence into this PNG.") Path png;

        @Override
        public Integer call() throws IOException {
            Translator t = Translator.load(model);
            Translator.Decode d = decode.decode(nBest);
            String[] first = new String[1];
            StdIo.stream((lines, index) -> {
                if (first[0] == null) first[0] = lines.get(0);
                List<List<Translator.Translation>> all = t.translate(lines, d);
                List<String> said = new ArrayList<>(all.size());
                for (int i = 0; i < all.size(); i++) {
                    if (nBest == 1) {
                        said.add(all.get(i).get(0).text());
                    } else {
                        StringBuilder sb = new StringBuilder();
                        for (Translator.Translation tr : all.get(i)) {
                            if (sb.length() > 0) sb.append('\n');
                            sb.append(String.format(java.util.Locale.ROOT, "%d ||| %s ||| %.4f", index[i], tr.text(), tr.score()));
                        }
                        said.add(sb.toString());
                    }
                }
                return said;
            });
            if (png != null && first[0] != null) {
                Translator.Alignment a = t.attention(first[0], d);
                org.grukit.core.plot.Charts.heatmap(png, "attention: " + a.translation(), a.weights(), a.targetTokens(), a.sourceTokens());
                System.err.println("attention matrix of the first sentence written to " + png);
            }
            return 0;
        }
    }

    @Command(name = "split", mixinStandardHelpOptions = true,
            description = "Cut a tab-separated pair file (Tatoeba's layout: source, target, ...) into train/dev/test files, by seed.")
    static final class Split implements Callable<Integer> {
        @Option(names = "--pairs", required = true, description = "A TSV: source in column 0, target in column 1, no header.") Path pairs;
        @Option(names = "--test", defaultValue = "0.05", description = "Fraction held out for test (default: ${DEFAULT-VALUE}).") double test;
        @Option(names = "--dev", defaultValue = "1000", description = "Pairs held out for dev (default: ${DEFAULT-VALUE}).") int dev;
        @Option(names = "--seed", defaultValue = "1", description = "Seed of the shuffle (default: ${DEFAULT-VALUE}).") long seed;
        @Option(names = "--out", required = true, description = "Folder for train/dev/test .src and .tgt files.") Path out;

        @Override
        public Integer call() throws IOException {
            var read = org.grukit.nlp.data.Delimited.tsv().read(pairs).pairs("0", "1", org.grukit.nlp.data.BadRows.FAIL);
            org.grukit.nlp.data.ParallelCorpus.Split sp = org.grukit.nlp.data.ParallelCorpus.split(read.items(), test, dev, seed);
            java.nio.file.Files.createDirectories(out);
            Map<String, Object> m = new LinkedHashMap<>();
            for (var part : List.of(Map.entry("train", sp.train()), Map.entry("dev", sp.dev()), Map.entry("test", sp.test()))) {
                StringBuilder s = new StringBuilder(), t = new StringBuilder();
                for (TextPair p : part.getValue()) {
                    s.append(p.source()).append('\n');
                    t.append(p.target()).append('\n');
                }
                org.grukit.core.io.AtomicFiles.writeString(out.resolve(part.getKey() + ".src"), s.toString());
                org.grukit.core.io.AtomicFiles.writeString(out.resolve(part.getKey() + ".tgt"), t.toString());
                m.put(part.getKey(), part.getValue().size());
            }
            m.put("seed", seed);
            m.put("out", out.toString());
            System.out.println(JsonLines.of(m));
            return 0;
        }
    }

    /** The decoding options of eval and run. */
    static final class DecodeOptions {
        @Option(names = "--beam", defaultValue = "5", description = "Beam size; 1 is greedy (default: ${DEFAULT-VALUE}).") int beam;
        @Option(names = "--length-penalty", defaultValue = "avg", description = "How beam scores are normalized by length: avg "
                + "(log-probability per token), none, or gnmt:ALPHA (Wu et al. 2016) (default: ${DEFAULT-VALUE}).") String lengthPenalty;
        @Option(names = "--no-unk-replace", description = "Keep <unk> in the output instead of copying the most attended source word.")
        boolean keepUnknown;

        Translator.Decode decode(int nBest) {
            if (beam < 1) throw new IllegalArgumentException("--beam must be >= 1 (1 is greedy), got " + beam);
            if (nBest < 1) throw new IllegalArgumentException("--n-best must be >= 1, got " + nBest);
            if (nBest > beam) throw new IllegalArgumentException("--n-best " + nBest + " needs --beam of at least " + nBest);
            return new Translator.Decode(beam, nBest, penalty(lengthPenalty), !keepUnknown);
        }

        static Decoding.LengthPenalty penalty(String spec) {
            if (spec.equals("avg")) return new Decoding.LengthPenalty.Average();
            if (spec.equals("none")) return new Decoding.LengthPenalty.None();
            if (spec.equals("gnmt")) return new Decoding.LengthPenalty.Gnmt(0.6);
            if (spec.startsWith("gnmt:")) {
                try {
                    return new Decoding.LengthPenalty.Gnmt(Double.parseDouble(spec.substring(5)));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--length-penalty gnmt:ALPHA needs a number, got " + spec);
                }
            }
            throw new IllegalArgumentException("--length-penalty must be avg, none or gnmt:ALPHA, got " + spec);
        }
    }
}
