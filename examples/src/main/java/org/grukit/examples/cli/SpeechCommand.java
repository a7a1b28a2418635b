package org.grukit.examples.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grukit.core.kernel.Parallel;
import org.grukit.core.train.JsonLines;
import org.grukit.nlp.speech.SpeechData;
import org.grukit.nlp.speech.Transcriber;
import org.grukit.nlp.speech.WordNgram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code grukit speech train|eval|transcribe}: MFCC -> Conv1d -> BiGRU -> CTC. */
@Command(name = "speech", mixinStandardHelpOptions = true, description = "Speech recognition: MFCC, a Conv1d front end, BiGRU layers and CTC.",
        subcommands = {SpeechCommand.Train.class, SpeechCommand.Eval.class, SpeechCommand.Transcribe.class, SpeechStreamCommand.class})
final class SpeechCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    static final String SELECT = "Which utterances: all, fsdd-train, fsdd-test, yesno-train, yesno-test, speaker=NAME, speaker!=NAME";

    /** Reads, selects, and optionally turns FSDD recordings into connected digit strings. */
    static List<SpeechData.Utterance> data(Path path, String select, int digitStrings, long seed) throws IOException {
        List<SpeechData.Utterance> u = SpeechData.select(SpeechData.read(path), select);
        return digitStrings > 0 ? SpeechData.digitStrings(u, digitStrings, 8000, seed) : u;
    }

    @Command(name = "train", mixinStandardHelpOptions = true, description = "Train on a manifest or an FSDD/yesno folder; dev WER picks the epoch.")
    static final class Train implements Callable<Integer> {
        private static final Transcriber.Settings D = Transcriber.Settings.defaults();
        @Option(names = "--train", required = true, description = "A manifest (TSV: audio, transcript; or JSON lines) or an FSDD/yesno folder.") Path train;
        @Option(names = "--select", defaultValue = "all", description = SELECT + " (default: ${DEFAULT-VALUE}).") String select;
        @Option(names = "--dev", description = "Dev data (default: 10%% of the training utterances, by seed).") Path dev;
        @Option(names = "--dev-select", defaultValue = "all", description = "Which dev utterances (as --select).") String devSelect;
        @Option(names = "--digit-strings", defaultValue = "0", description = "Train on N connected digit strings made from the selected FSDD recordings.") int strings;
        @Option(names = "--model", required = true, description = "Folder for the model and checkpoints; must be empty, or see --resume and --overwrite.") Path model;
        @picocli.CommandLine.Mixin
        ModelFolderOptions folder = new ModelFolderOptions();
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;
        // Each option starts at the library's default (picocli shows a field's initial value as ${DEFAULT-VALUE}).
        @Option(names = "--units", description = "chars, words, or auto: words when the transcripts use at most "
                + Transcriber.AUTO_WORDS + " distinct words, else chars (default: ${DEFAULT-VALUE}).")
        String units = D.data().units().name().toLowerCase(java.util.Locale.ROOT);
        @Option(names = "--hidden", description = "GRU units per direction (default: ${DEFAULT-VALUE}).") int hidden = D.model().hiddenSize();
        @Option(names = "--layers", description = "BiGRU layers (default: ${DEFAULT-VALUE}).") int layers = D.model().numLayers();
        @Option(names = "--conv-channels", description = "Conv1d channels, 0 for none (default: ${DEFAULT-VALUE}).") int conv = D.model().convChannels();
        @Option(names = "--conv-stride", description = "Conv1d stride: frames per output (default: ${DEFAULT-VALUE}).") int stride = D.model().convStride();
        @Option(names = "--dropout", description = "Dropout (default: ${DEFAULT-VALUE}).") float dropout = D.model().dropout();
        @Option(names = "--spec-augment", description = "Mask training features at random (SpecAugment).") boolean specAugment = D.data().specAugment();
        @Option(names = "--cmvn", description = "How each utterance's features are normalized: mean, mean-variance, sliding (a 600-frame "
                + "window's mean, as Kaldi's apply-cmvn-sliding), online (the frames so far, topped up with the training data's mean, as "
                + "Kaldi's online CMVN) or none (default: mean; online with --streaming).")
        String cmvn;
        @Option(names = "--streaming", description = "A model for 'grukit speech stream': forward-only GRU layers (look-ahead: the "
                + "convolution's kernel/2 frames and the deltas' 4 frames) and online CMVN.")
        boolean streaming = D.model().streaming();
        @Option(names = "--speed-perturb", description = "Train on every recording also at 0.9 and 1.1 times its speed (three times the data).")
        boolean speedPerturb = D.data().speedPerturbation();
        @picocli.CommandLine.Mixin
        TrainingOptions training = new TrainingOptions();

        private org.grukit.speech.FeaturePipeline.Normalization normalization() {
            String c = cmvn == null ? (streaming ? "online" : "mean") : cmvn.toLowerCase(java.util.Locale.ROOT);
            var n = switch (c) {
                case "mean" -> org.grukit.speech.FeaturePipeline.Normalization.UTTERANCE_MEAN;
                case "mean-variance" -> org.grukit.speech.FeaturePipeline.Normalization.UTTERANCE_MEAN_VARIANCE;
                case "sliding" -> org.grukit.speech.FeaturePipeline.Normalization.SLIDING_MEAN;
                case "online" -> org.grukit.speech.FeaturePipeline.Normalization.ONLINE_MEAN;
                case "none" -> org.grukit.speech.FeaturePipeline.Normalization.NONE;
                default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--cmvn must be mean, mean-variance, sliding, online or none, got '" + cmvn + "'");
            };
            if (streaming && n != org.grukit.speech.FeaturePipeline.Normalization.ONLINE_MEAN && n != org.grukit.speech.FeaturePipeline.Normalization.NONE) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--streaming needs --cmvn online or none (the others need the "
                        + "whole utterance before its first frame), got '" + cmvn + "'");
            }
            return n;
        }

        @Override
        public Integer call() throws IOException {
            long seed = training.seed(D.training());
            List<SpeechData.Utterance> tr = data(train, select, strings, seed), dv;
            if (dev == null) {
                List<List<SpeechData.Utterance>> split = SpeechData.holdOut(tr, 0.1, seed);
                if (split.get(0).isEmpty() || split.get(1).isEmpty()) {
                    throw new IllegalArgumentException("holding 10% of " + tr.size() + " training utterances out as dev leaves " + split.get(0).size()
                            + " to train on and " + split.get(1).size() + " for dev; give --dev, or more data");
                }
                tr = split.get(0);
                dv = split.get(1);
            } else {
                dv = data(dev, devSelect, strings > 0 ? Math.max(50, strings / 10) : 0, seed + 1);
            }
            Transcriber.Settings sized = Transcriber.Settings.defaultsFor(tr.size()); // training sized to the data unless given
            Transcriber.Settings s = new Transcriber.Settings(
                    sized.data().withUnits(Choices.of("--units", units, Transcriber.Units.class)).withSpecAugment(specAugment).withSpeedPerturbation(speedPerturb)
                            .withNormalization(normalization()),
                    new Transcriber.Settings.Network(conv, sized.model().convKernel(), stride, hidden, layers, dropout, streaming),
                    training.apply(sized.training()));
            Transcriber.Trained t = Transcriber.train(tr, dv, s, folder.run(model, training.progress(),
                    spec.commandLine().getParseResult().originalArgs().toArray(new String[0])));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", model.toString());
            m.put("train", tr.size());
            m.put("dev", dv.size());
            m.put("units", t.transcriber().units().name().toLowerCase());
            m.put("dev_wer", round(t.dev().wer()));
            m.put("dev_cer", round(t.dev().cer()));
            m.put("best_epoch", t.summary().bestEpoch());
            m.put("epochs_run", t.summary().epochsRun());
            m.put("batch_size", s.training().batchSize());
            m.put("resumed", t.summary().resumed());
            m.put("seconds", Math.round(t.summary().seconds() * 10) / 10.0);
            m.put("threads", Parallel.threads());
            System.out.println(JsonLines.of(m));
            return 0;
        }
    }

    static double round(double x) {
        return Math.round(x * 10000) / 10000.0;
    }

    /** Decoding options of eval and transcribe. */
    static final class DecodeOptions {
        @Option(names = "--beam", defaultValue = "1", description = "CTC prefix beam width; 1 is greedy (default: ${DEFAULT-VALUE}).") int beam;
        @Option(names = "--lm", description = "A text file (a sentence a line) to train a word trigram model on, for beam search.") Path lm;
        @Option(names = "--lm-weight", defaultValue = "0.5", description = "Weight of the language model (default: ${DEFAULT-VALUE}).") double alpha;
        @Option(names = "--word-bonus", defaultValue = "1.0", description = "Bonus per word with the language model (default: ${DEFAULT-VALUE}).") double beta;

        Transcriber.Decode decode() throws IOException {
            if (beam < 1) throw new IllegalArgumentException("--beam must be >= 1 (1 is greedy), got " + beam);
            if (lm == null) return new Transcriber.Decode(beam, null, 0, 0);
            if (beam <= 1) throw new IllegalArgumentException("--lm needs --beam above 1");
            return new Transcriber.Decode(beam, WordNgram.train(org.grukit.nlp.data.TextFiles.readLines(lm), 3, 0.7), alpha, beta);
        }
    }

    @Command(name = "eval", mixinStandardHelpOptions = true, description = "WER and CER of a data set, as a JSON line.")
    static final class Eval implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "A model folder from 'grukit speech train'.") Path model;
        @Option(names = "--data", required = true, description = "A manifest or an FSDD/yesno folder.") Path data;
        @Option(names = "--select", defaultValue = "all", description = SELECT + " (default: ${DEFAULT-VALUE}).") String select;
        @Option(names = "--digit-strings", defaultValue = "0", description = "Score N connected digit strings made from the selected FSDD recordings.") int strings;
        @Option(names = "--seed", defaultValue = "1", description = "Seed of the digit strings (default: ${DEFAULT-VALUE}).") long seed;
        @Option(names = "--details", description = "Write a TSV of every utterance: id, reference, hypothesis, word errors, reference words.") Path details;
        @CommandLine.Mixin DecodeOptions decode;

        @Override
        public Integer call() throws IOException {
            Transcriber t = Transcriber.load(model);
            List<SpeechData.Utterance> u = data(data, select, strings, seed);
            long t0 = System.nanoTime();
            Transcriber.Scores s = t.evaluate(u, decode.decode());
            double seconds = (System.nanoTime() - t0) / 1e9, audio = 0;
            for (SpeechData.Utterance x : u) audio += x.load(t.features().sampleRate()).length / (double) t.features().sampleRate();
            int exact = 0;
            StringBuilder tsv = new StringBuilder("id\treference\thypothesis\tword_errors\treference_words\n");
            for (int i = 0; i < u.size(); i++) {
                if (u.get(i).transcript().strip().equals(s.hypotheses().get(i))) exact++;
                var c = org.grukit.nlp.metrics.ErrorRate.words(u.get(i).transcript(), s.hypotheses().get(i));
                tsv.append(u.get(i).id()).append('\t').append(u.get(i).transcript()).append('\t').append(s.hypotheses().get(i)).append('\t')
                        .append(c.edits()).append('\t').append(c.referenceLength()).append('\n');
            }
            if (details != null) org.grukit.core.io.AtomicFiles.writeString(details, tsv.toString());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("wer", round(s.wer()));
            m.put("cer", round(s.cer()));
            m.put("count", s.count());
            m.put("exact", round((double) exact / u.size()));
            m.put("audio_seconds", Math.round(audio * 10) / 10.0);
            m.put("seconds", Math.round(seconds * 100) / 100.0);
            m.put("real_time_factor", round(seconds / audio));
            System.out.println(JsonLines.of(m));
            return 0;
        }
    }

    @Command(name = "transcribe", mixinStandardHelpOptions = true, description = "Transcribe WAV files, a transcript a line.")
    static final class Transcribe implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "A model folder from 'grukit speech train'.") Path model;
        @CommandLine.Mixin DecodeOptions decode;
        @Parameters(arity = "1..*", description = "WAV files.") List<Path> files;

        @Override
        public Integer call() throws IOException {
            Transcriber t = Transcriber.load(model);
            List<SpeechData.Utterance> u = new ArrayList<>();
            for (Path f : files) u.add(new SpeechData.Utterance(f.getFileName().toString(), "", "", f, null, 0));
            java.io.PrintStream out = StdIo.out();
            for (String s : t.transcribe(u, decode.decode())) out.print(s + "\n");
            out.flush();
            return 0;
        }
    }
}
