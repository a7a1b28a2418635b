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
import org.grukit.nlp.speech.StreamingRecognizer;
import org.grukit.nlp.speech.Transcriber;
import org.grukit.nlp.speech.WordNgram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code grukit speech train|eval|transcribe|stream}: MFCC -> Conv1d -> (Bi)GRU -> CTC. */
@Command(name = "speech", mixinStandardHelpOptions = true, description = "Speech recognition: MFCC, a Conv1d front end, GRU layers (bidirectional, "
        + "or forward-only for streaming) and CTC.",
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
        @Option(names = "--digit-strings", defaultValue = "0", description = "Train also on N connected digit strings made from the selected "
                + "FSDD training recordings (and dev on N/10, at least 50, made from the dev recordings).") int strings;
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
        @Option(names = "--layers", description = "GRU layers (default: ${DEFAULT-VALUE}).") int layers = D.model().numLayers();
        @Option(names = "--conv-channels", description = "Conv1d channels, 0 for none (default: ${DEFAULT-VALUE}).") int conv = D.model().convChannels();
        @Option(names = "--conv-kernel", description = "Conv1d kernel in frames, centred: it reaches kernel/2 frames ahead (default: ${DEFAULT-VALUE}).")
        int kernel = D.model().convKernel();
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
        @Option(names = "--pad-silence", negatable = true, description = "Train on every recording with 50-400 ms of its own background noise "
                + "before and after it, fresh in every batch, as a microphone hears words; --no-pad-silence for the recordings as they are "
                + "(default: on).")
        boolean padSilence = D.data().padSilence();
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
            List<SpeechData.Utterance> tr = data(train, select, 0, seed), dv;
            if (dev == null) {
                List<List<SpeechData.Utterance>> split = SpeechData.holdOut(tr, 0.1, seed);
                if (split.get(0).isEmpty() || split.get(1).isEmpty()) {
                    throw new IllegalArgumentException("holding 10% of " + tr.size() + " training utterances out as dev leaves " + split.get(0).size()
                            + " to train on and " + split.get(1).size() + " for dev; give --dev, or more data");
                }
                tr = split.get(0);
                dv = split.get(1);
            } else {
                dv = data(dev, devSelect, 0, seed + 1);
            }
            if (strings > 0) { // strings of training recordings to train on, of dev recordings for dev: none crosses over
                tr = concat(tr, SpeechData.digitStrings(tr, strings, 8000, seed));
                dv = concat(dv, SpeechData.digitStrings(dv, Math.max(50, strings / 10), 8000, seed + 1));
            }
            Transcriber.Settings sized = Transcriber.Settings.defaultsFor(tr.size()); // training sized to the data unless given
            Transcriber.Settings s = new Transcriber.Settings(
                    sized.data().withUnits(Choices.of("--units", units, Transcriber.Units.class)).withSpecAugment(specAugment).withSpeedPerturbation(speedPerturb)
                            .withNormalization(normalization()).withPadSilence(padSilence),
                    new Transcriber.Settings.Network(conv, kernel, stride, hidden, layers, dropout, streaming),
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

    private static List<SpeechData.Utterance> concat(List<SpeechData.Utterance> a, List<SpeechData.Utterance> b) {
        List<SpeechData.Utterance> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    static double round(double x) {
        return Math.round(x * 10000) / 10000.0;
    }

    /** Decoding options of eval and transcribe. */
    static final class DecodeOptions {
        @Option(names = "--beam", defaultValue = "1", description = "CTC prefix beam width; 1 is greedy (default: ${DEFAULT-VALUE}).") int beam;
        @Option(names = "--lm", description = "A language model for beam search: an ARPA file (as KenLM, SRILM and IRSTLM write; .gz too), or a "
                + "text file (a sentence a line) to train a word trigram model on.") Path lm;
        @Option(names = "--lm-weight", defaultValue = "0.5", description = "Weight of the language model (default: ${DEFAULT-VALUE}).") double alpha;
        @Option(names = "--word-bonus", defaultValue = "1.0", description = "Bonus per word with the language model (default: ${DEFAULT-VALUE}).") double beta;

        Transcriber.Decode decode() throws IOException {
            if (beam < 1) throw new IllegalArgumentException("--beam must be >= 1 (1 is greedy), got " + beam);
            if (lm == null) return new Transcriber.Decode(beam, null, 0, 0);
            if (beam <= 1) throw new IllegalArgumentException("--lm needs --beam above 1");
            if (org.grukit.nlp.speech.ArpaModel.isArpa(lm)) return new Transcriber.Decode(beam, org.grukit.nlp.speech.ArpaModel.read(lm), alpha, beta);
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
        @Option(names = "--streaming", description = "Score the model as 'speech stream' runs it: each utterance in chunks, then 1 s more "
                + "than the endpoint of its own background noise; adds the latency of final results and the split count.") boolean streaming;
        @Option(names = "--endpoint-ms", defaultValue = "500", description = "With --streaming: trailing silence that ends an utterance (default: ${DEFAULT-VALUE}).")
        int endpointMs;
        @Option(names = "--chunk-ms", defaultValue = "10", description = "With --streaming: audio fed at a time (default: ${DEFAULT-VALUE}).") int chunkMs;
        @Option(names = "--long-recordings", defaultValue = "0", description = "Score 'speech transcribe' instead: N recordings made of "
                + "--files-per-recording of the selected files with 0.4-2 s pauses and noise --snr-db below the speech; reports segment "
                + "boundary errors and WER beside the WER of the same files one by one.") int longRecordings;
        @Option(names = "--files-per-recording", defaultValue = "30", description = "With --long-recordings (default: ${DEFAULT-VALUE}).") int filesPerRecording;
        @Option(names = "--snr-db", defaultValue = "20", description = "With --long-recordings: speech to noise, dB (default: ${DEFAULT-VALUE}).") double snrDb;
        @CommandLine.Mixin VadOptions vad;

        @Override
        public Integer call() throws IOException {
            Transcriber t = Transcriber.load(model);
            List<SpeechData.Utterance> u = data(data, select, strings, seed);
            if (streaming) return streamingEval(this, t, u);
            if (longRecordings > 0) return longEval(this, t, u);
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

    /** The long-recording figures of {@link Eval}. */
    private static Integer longEval(Eval e, Transcriber t, List<SpeechData.Utterance> u) throws IOException {
        if (e.filesPerRecording < 1) throw new IllegalArgumentException("--files-per-recording must be >= 1, got " + e.filesPerRecording);
        int rate = t.features().sampleRate();
        Transcriber.Decode d = e.decode.decode();
        org.grukit.speech.Vad.Options v = e.vad.options();
        List<String> refs = new ArrayList<>(), hyps = new ArrayList<>();
        List<Double> errors = new ArrayList<>();
        int truth = 0, found = 0, matched = 0;
        double within = 0, audio = 0;
        long t0 = System.nanoTime();
        for (int k = 0; k < e.longRecordings; k++) {
            org.grukit.nlp.speech.LongRecordings.Generated g = org.grukit.nlp.speech.LongRecordings.generate(u, e.filesPerRecording, 0.4, 2.0, e.snrDb, rate,
                    e.seed + k);
            List<org.grukit.nlp.speech.LongRecordings.Result> results = new ArrayList<>();
            org.grukit.nlp.speech.LongRecordings.transcribe(t, org.grukit.speech.AudioStream.of(g.samples(), rate), v, d, results::add);
            var m = org.grukit.nlp.speech.LongRecordings.match(g.truth(), results, 100);
            truth += m.truth();
            found += m.found();
            matched += m.matched();
            within += m.withinTolerance() * m.truth();
            for (double x : m.boundaryErrorsMs()) errors.add(x);
            refs.add(String.join(" ", g.truth().stream().map(org.grukit.nlp.speech.LongRecordings.Result::text).toList()));
            hyps.add(String.join(" ", results.stream().map(org.grukit.nlp.speech.LongRecordings.Result::text).filter(x -> !x.isEmpty()).toList()));
            audio += (double) g.samples().length / rate;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double[] sorted = errors.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("recordings", e.longRecordings);
        m.put("audio_seconds", Math.round(audio * 10) / 10.0);
        m.put("true_utterances", truth);
        m.put("found_utterances", found);
        m.put("matched_one_to_one", matched);
        m.put("boundaries_within_100ms", round(within / Math.max(1, truth)));
        m.put("boundary_error_ms_median", sorted.length == 0 ? null : Math.round(sorted[sorted.length / 2]));
        m.put("boundary_error_ms_p95", sorted.length == 0 ? null : Math.round(sorted[Math.max(0, (int) Math.ceil(0.95 * sorted.length) - 1)]));
        m.put("wer", round(org.grukit.nlp.metrics.ErrorRate.corpusWords(refs, hyps).rate()));
        m.put("snr_db", e.snrDb);
        m.put("seconds", Math.round(seconds * 100) / 100.0);
        m.put("real_time_factor", round(seconds / audio));
        System.out.println(JsonLines.of(m));
        return 0;
    }

    /** The streaming figures of {@link Eval}. */
    private static Integer streamingEval(Eval e, Transcriber t, List<SpeechData.Utterance> u) throws IOException {
        if (e.endpointMs < 10 || e.endpointMs > 60_000) throw new IllegalArgumentException("--endpoint-ms must be in [10, 60000], got " + e.endpointMs);
        if (e.chunkMs < 1 || e.chunkMs > 10_000) throw new IllegalArgumentException("--chunk-ms must be in [1, 10000], got " + e.chunkMs);
        if (e.decode.lm != null) throw new IllegalArgumentException("--streaming scores final results without a language model; leave out --lm");
        if (t.model().config().bidirectional()) {
            throw new IllegalArgumentException(e.model + " holds a bidirectional model; --streaming needs one from 'speech train --streaming'");
        }
        StreamingRecognizer.Options o = StreamingRecognizer.Options.defaults().withEndpointSeconds(e.endpointMs / 1000.0).withBeam(e.decode.beam);
        StreamingRecognizer.Evaluation s = StreamingRecognizer.evaluate(t, u, o, e.chunkMs / 1000.0, e.endpointMs / 1000.0 + 1, e.seed);
        if (e.details != null) {
            StringBuilder tsv = new StringBuilder("id\treference\thypothesis\tword_errors\treference_words\n");
            for (int i = 0; i < u.size(); i++) {
                var c = org.grukit.nlp.metrics.ErrorRate.words(u.get(i).transcript(), s.hypotheses().get(i));
                tsv.append(u.get(i).id()).append('\t').append(u.get(i).transcript()).append('\t').append(s.hypotheses().get(i)).append('\t')
                        .append(c.edits()).append('\t').append(c.referenceLength()).append('\n');
            }
            org.grukit.core.io.AtomicFiles.writeString(e.details, tsv.toString());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("wer", round(s.wer()));
        m.put("cer", round(s.cer()));
        m.put("count", s.count());
        m.put("split_utterances", s.split());
        m.put("latency_ms_median", Math.round(s.latencyMedianMs()));
        m.put("latency_ms_p95", Math.round(s.latencyP95Ms()));
        m.put("endpoint_ms", e.endpointMs);
        m.put("chunk_ms", e.chunkMs);
        m.put("audio_seconds", Math.round(s.audioSeconds() * 10) / 10.0);
        m.put("real_time_factor", round(s.realTimeFactor()));
        m.put("threads", Parallel.threads());
        System.out.println(JsonLines.of(m));
        return 0;
    }

    /** Voice-activity detection options of transcribe and the long-recording eval. */
    static final class VadOptions {
        private static final org.grukit.speech.Vad.Options D = org.grukit.speech.Vad.Options.defaults();
        @Option(names = "--vad-threshold-db", description = "Speech is this far above the tracked noise floor (default: ${DEFAULT-VALUE}).")
        double threshold = D.thresholdDb();
        @Option(names = "--min-silence-ms", description = "Silence that ends an utterance (default: ${DEFAULT-VALUE}).")
        int minSilenceMs = (int) Math.round(D.minSilenceSeconds() * 1000);
        @Option(names = "--max-segment-s", description = "An utterance longer than this is cut (default: ${DEFAULT-VALUE}).")
        double maxSegment = D.maxSegmentSeconds();

        org.grukit.speech.Vad.Options options() {
            try {
                return D.withThresholdDb(threshold).withMinSilenceSeconds(minSilenceMs / 1000.0).withMaxSegmentSeconds(maxSegment);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--vad-threshold-db, --min-silence-ms or --max-segment-s: " + e.getMessage(), e);
            }
        }
    }

    @Command(name = "transcribe", mixinStandardHelpOptions = true, description = {
            "Transcribe recordings of any length (WAV, FLAC, MP3, Ogg Vorbis): voice-activity detection cuts each into utterances as it is",
            "read (a WAV file is never held whole), and each utterance is printed as it is found: 'ID START END TEXT' (seconds), or JSON lines."})
    static final class Transcribe implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "A model folder from 'grukit speech train'.") Path model;
        @Option(names = "--format", defaultValue = "lines", description = "lines (ID START END TEXT) or json (default: ${DEFAULT-VALUE}).") String format;
        @CommandLine.Mixin DecodeOptions decode;
        @CommandLine.Mixin VadOptions vad;
        @Parameters(arity = "1..*", description = "Recording files.") List<Path> files;

        @Override
        public Integer call() throws IOException {
            boolean json = switch (format) {
                case "lines" -> false;
                case "json" -> true;
                default -> throw new IllegalArgumentException("--format must be lines or json, got '" + format + "'");
            };
            Transcriber t = Transcriber.load(model);
            Transcriber.Decode d = decode.decode();
            org.grukit.speech.Vad.Options v = vad.options();
            java.io.PrintStream out = StdIo.out();
            for (Path f : files) {
                String stem = f.getFileName().toString().replaceFirst("\\.[^.]*$", "");
                try (org.grukit.speech.AudioStream audio = org.grukit.speech.AudioStream.of(f)) {
                    org.grukit.nlp.speech.LongRecordings.transcribe(t, audio, v, d, r -> {
                        String id = String.format(java.util.Locale.ROOT, "%s-%04d", stem, r.index());
                        if (json) {
                            Map<String, Object> m = new LinkedHashMap<>();
                            m.put("id", id);
                            m.put("file", f.toString());
                            m.put("start", r.start());
                            m.put("end", r.end());
                            m.put("text", r.text());
                            out.print(JsonLines.of(m) + "\n");
                        } else {
                            out.print(String.format(java.util.Locale.ROOT, "%s %.3f %.3f %s\n", id, r.start(), r.end(), r.text()));
                        }
                        out.flush();
                    });
                }
            }
            return 0;
        }
    }
}
