package org.grukit.nlp.speech;

import org.grukit.core.task.OutputField;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.grukit.core.GradMode;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.data.Batching;
import org.grukit.core.io.ModelBundle;
import org.grukit.core.kernel.Parallel;
import org.grukit.core.nn.Ctc;
import org.grukit.core.nn.Module;
import org.grukit.core.nn.Reduction;
import org.grukit.core.task.InputKind;
import org.grukit.core.task.LengthSorted;
import org.grukit.core.task.Task;
import org.grukit.core.task.TaskModel;
import org.grukit.core.task.TaskSettings;
import org.grukit.core.task.Tasks;
import org.grukit.core.task.TrainingSettings;
import org.grukit.core.train.Trainer;
import org.grukit.nlp.metrics.ErrorRate;
import org.grukit.speech.Audio;
import org.grukit.speech.FeaturePipeline;
import org.grukit.speech.AudioFiles;

/**
 * Speech to text as a library: train a {@link SpeechModel} with CTC on utterances (features from a
 * {@link FeaturePipeline} saved with the model), transcribe with greedy or prefix beam search (optionally with a
 * word n-gram model), score with WER and CER, save and load as a folder (the model bundle, with
 * the output labels and the feature pipeline in model.json).
 */
public final class Transcriber implements TaskModel<List<SpeechData.Utterance>, SpeechData.Utterance, String> {

    /**
     * What the model writes out: characters (the space separating words), whole words, or AUTO: words when the
     * training transcripts use at most {@link #AUTO_WORDS} distinct words (digits, yes/no, commands: a closed
     * vocabulary, where whole-word outputs learn faster), characters otherwise.
     */
    public enum Units { CHARS, WORDS, AUTO }

    public static final int AUTO_WORDS = 50;

    /**
     * How a transcriber is trained: what it reads and emits, the network, and the shared training settings, each a
     * small validated record; the defaults live in {@link #defaults()} and {@link #defaultsFor(int)} alone.
     */
    public record Settings(Data data, Network model, TrainingSettings training) implements TaskSettings {
        public Settings {
            if (data == null || model == null || training == null) throw new IllegalArgumentException("data, model and training settings are required");
        }

        /**
         * What the model hears and emits.
         *
         * @param units       characters, words, or chosen from the transcripts
         * @param sampleRate  features are computed at this rate (0: the first training recording's)
         * @param specAugment mask training features at random (Park et al. 2019): two bands of up to 8 coefficients and
         *                    two spans of up to a tenth of the frames, drawn afresh for every batch
         * @param speedPerturbation train on every recording also at 0.9 and 1.1 times its speed (Ko et al. 2015, Kaldi's
         *                    three-way speed perturbation): voices higher and lower, faster and slower
         * @param normalization how each utterance's features are normalized (CMVN): its mean (the default), its mean
         *                    and variance, a sliding window's mean, online (the frames so far, topped up with the training
         *                    data's mean: the one a stream can use), or none; saved with the model, so inference does the same
         * @param padSilence  train (and pick the epoch) on every recording with 50-400 ms of its own background noise (the
         *                    level of its quietest 20 ms) before and after it: trimmed recordings such as FSDD's end where the
         *                    word does, but a microphone goes on, and a model that never heard the pause after a word
         *                    emits words into it
         */
        public record Data(Units units, int sampleRate, boolean specAugment, boolean speedPerturbation,
                           org.grukit.speech.FeaturePipeline.Normalization normalization, boolean padSilence) {
            public Data {
                if (units == null) throw new IllegalArgumentException("units are required");
                if (sampleRate < 0) throw new IllegalArgumentException("sampleRate must be >= 0 (0: the data's), got " + sampleRate);
                if (normalization == null) normalization = org.grukit.speech.FeaturePipeline.Normalization.UTTERANCE_MEAN; // settings written before it
                if (normalization == org.grukit.speech.FeaturePipeline.Normalization.GLOBAL) {
                    throw new IllegalArgumentException("global normalization is not a speech training setting; use an utterance's, a sliding window's or online");
                }
            }

            public Data withUnits(Units value) {
                return new Data(value, sampleRate, specAugment, speedPerturbation, normalization, padSilence);
            }

            public Data withSampleRate(int value) {
                return new Data(units, value, specAugment, speedPerturbation, normalization, padSilence);
            }

            public Data withSpecAugment(boolean value) {
                return new Data(units, sampleRate, value, speedPerturbation, normalization, padSilence);
            }

            public Data withSpeedPerturbation(boolean value) {
                return new Data(units, sampleRate, specAugment, value, normalization, padSilence);
            }

            public Data withNormalization(org.grukit.speech.FeaturePipeline.Normalization value) {
                return new Data(units, sampleRate, specAugment, speedPerturbation, value, padSilence);
            }

            public Data withPadSilence(boolean value) {
                return new Data(units, sampleRate, specAugment, speedPerturbation, normalization, value);
            }
        }

        /** The speeds of {@link Data#speedPerturbation()}, besides the recording's own. */
        static final double[] PERTURBED_SPEEDS = {0.9, 1.1};

        /**
         * The network: a Conv1d front end ({@code convChannels} 0 for none), GRU layers, dropout. The GRU layers are
         * bidirectional, or with {@code streaming} forward only, so that the model can answer as audio arrives, its
         * only look-ahead the convolution's {@code convKernel / 2} frames.
         */
        public record Network(int convChannels, int convKernel, int convStride, int hiddenSize, int numLayers, float dropout, boolean streaming) {
            public Network {
                if (convChannels < 0 || convKernel < 1 || convStride < 1) {
                    throw new IllegalArgumentException("need convChannels >= 0, convKernel >= 1, convStride >= 1; got " + convChannels + ", "
                            + convKernel + ", " + convStride);
                }
                if (hiddenSize < 1 || numLayers < 1) throw new IllegalArgumentException("hiddenSize and numLayers must be >= 1, got " + hiddenSize + ", " + numLayers);
                if (!(dropout >= 0f && dropout < 1f)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
            }

            public Network withConvChannels(int value) {
                return new Network(value, convKernel, convStride, hiddenSize, numLayers, dropout, streaming);
            }

            public Network withConvKernel(int value) {
                return new Network(convChannels, value, convStride, hiddenSize, numLayers, dropout, streaming);
            }

            public Network withConvStride(int value) {
                return new Network(convChannels, convKernel, value, hiddenSize, numLayers, dropout, streaming);
            }

            public Network withHiddenSize(int value) {
                return new Network(convChannels, convKernel, convStride, value, numLayers, dropout, streaming);
            }

            public Network withNumLayers(int value) {
                return new Network(convChannels, convKernel, convStride, hiddenSize, value, dropout, streaming);
            }

            public Network withDropout(float value) {
                return new Network(convChannels, convKernel, convStride, hiddenSize, numLayers, value, streaming);
            }

            public Network withStreaming(boolean value) {
                return new Network(convChannels, convKernel, convStride, hiddenSize, numLayers, dropout, value);
            }
        }

        /**
         * Units chosen from the data, pauses around every training recording (as a recording or a stream has them),
         * Conv1d 128 (kernel 5, stride 2), 2 BiGRU layers of 128; 20 epochs of 16 at Adam 2e-3. */
        public static Settings defaults() {
            return new Settings(new Data(Units.AUTO, 0, false, false, null, true), new Network(128, 5, 2, 128, 2, 0.2f, false), new TrainingSettings(20, 16, 2e-3, 0, 5.0, 5, 1));
        }

        /**
         * The defaults sized to a training set: below 200 utterances, batches of 4; and enough epochs for about 800
         * updates (at least 20, at most 200), since a tiny corpus such as yesno's 30 recordings gives few updates an
         * epoch and CTC needs a few hundred before it emits anything but blanks.
         */
        public static Settings defaultsFor(int trainSize) {
            Settings d = defaults();
            TrainingSettings t = d.training();
            int batch = trainSize < 200 ? 4 : t.batchSize();
            int perEpoch = Math.max(1, (trainSize + batch - 1) / batch);
            int epochs = Math.min(200, Math.max(t.epochs(), (800 + perEpoch - 1) / perEpoch));
            return d.withTraining(t.withEpochs(epochs).withBatchSize(batch)
                    .withPatience(epochs > t.epochs() ? Math.max(t.patience(), epochs / 4) : t.patience()));
        }

        public Settings withData(Data value) {
            return new Settings(value, model, training);
        }

        public Settings withModel(Network value) {
            return new Settings(data, value, training);
        }

        public Settings withTraining(TrainingSettings value) {
            return new Settings(data, model, value);
        }

        /** The same with {@code e} epochs. */
        public Settings withEpochs(int e) {
            return withTraining(training.withEpochs(e));
        }
    }

    /** What model.json holds as preprocessing "speech". */
    /**
     * What model.json holds as preprocessing "speech"; {@code pauseSeconds} is the pause of background noise put around
     * every utterance before it is transcribed, for a model trained with pauses (0 for one trained without, or saved
     * before there were pauses).
     */
    public record Description(Units units, List<String> labels, FeaturePipeline features, Double pauseSeconds) {
        public Description {
            if (pauseSeconds == null) pauseSeconds = 0.0; // saved before there were pauses
        }
    }

    /**
     * The pause added around an utterance for a model trained with {@link Settings.Data#padSilence()}: within the 50-400
     * ms it was trained with, so that a trimmed recording (whose last word ends at its last sample) still has the
     * frames after its last word in which a forward-only model says it.
     */
    public static final double INFERENCE_PAUSE_SECONDS = 0.25;

    /** Where format-1 model folders kept the description. */
    private static final String LEGACY_FILE = "speech.json";
    private static final int BATCH = 32;

    private final Units units;
    private final List<String> labels; // index 0 is the blank
    private final FeaturePipeline features;
    private final SpeechModel model;
    private final double pauseSeconds;

    /** A transcriber that transcribes utterances as they are, with no pause put around them. */
    public Transcriber(Units units, List<String> labels, FeaturePipeline features, SpeechModel model) {
        this(units, labels, features, model, 0);
    }

    /** @param pauseSeconds background noise put around each utterance before it is transcribed, as the model was trained */
    public Transcriber(Units units, List<String> labels, FeaturePipeline features, SpeechModel model, double pauseSeconds) {
        if (!(pauseSeconds >= 0 && pauseSeconds <= 10)) throw new IllegalArgumentException("pauseSeconds must be in [0, 10], got " + pauseSeconds);
        if (units == null || units == Units.AUTO) throw new IllegalArgumentException("a transcriber's units are CHARS or WORDS, got " + units);
        if (labels == null || features == null) throw new IllegalArgumentException("a transcriber needs its labels and feature pipeline");
        for (int i = 0; i < labels.size(); i++) {
            if (labels.get(i) == null) throw new IllegalArgumentException("label " + i + " is null");
            if (labels.indexOf(labels.get(i)) != i) throw new IllegalArgumentException("label '" + labels.get(i) + "' appears twice");
        }
        if (labels.size() != model.config().classes()) {
            throw new IllegalArgumentException("the model has " + model.config().classes() + " classes but " + labels.size() + " labels were given");
        }
        this.units = units;
        this.labels = List.copyOf(labels);
        this.features = features;
        this.model = model;
        this.pauseSeconds = pauseSeconds;
        model.train(false);
    }

    public SpeechModel model() {
        return model;
    }

    /** The pause put around each utterance before it is transcribed (0: none). */
    public double pauseSeconds() {
        return pauseSeconds;
    }

    public List<String> labels() {
        return labels;
    }

    public Units units() {
        return units;
    }

    public FeaturePipeline features() {
        return features;
    }

    /** A run's outcome: the transcriber (best epoch), the trainer's summary, and its dev scores. */
    public record Trained(Transcriber transcriber, Trainer.Summary summary, Scores dev) {}

    /** WER and CER (corpus rates, 0..1), the number of utterances, and the transcripts. */
    public record Scores(double wer, double cer, int count, List<String> hypotheses) {}

    /**
     * Trains on {@code train}, picking the epoch by greedy dev WER; with a {@code dir}, the best model is written
     * there (checkpoints under {@code dir/checkpoints}; a non-empty folder is refused: see {@link Tasks.Existing}). The same run as {@link Tasks#train}
     * with a {@link SpeechTask}.
     */
    public static Trained train(List<SpeechData.Utterance> train, List<SpeechData.Utterance> dev, Settings s, Path dir, boolean progress)
            throws IOException {
        return train(train, dev, s, Tasks.Run.into(dir).withProgress(progress));
    }

    /** As {@link #train(List, List, Settings, Path, boolean)}, with the run's folder handling and reporting. */
    public static Trained train(List<SpeechData.Utterance> train, List<SpeechData.Utterance> dev, Settings s, Tasks.Run run) throws IOException {
        Tasks.Trained<Transcriber> t = Tasks.train(new SpeechTask(), s, train, dev, run);
        return new Trained(t.model(), t.summary(), t.model().evaluate(dev, Decode.greedy()));
    }

    /** Sets the units and labels from the training transcripts, computes every feature matrix, builds the model. */
    static Fit prepare(List<SpeechData.Utterance> train, List<SpeechData.Utterance> dev, Settings s) throws IOException {
        if (train.isEmpty() || dev.isEmpty()) throw new IllegalArgumentException("need training and dev utterances, got " + train.size() + " and " + dev.size());
        int rate = s.data().sampleRate() > 0 ? s.data().sampleRate() : rateOf(train.get(0));
        boolean online = s.data().normalization() == FeaturePipeline.Normalization.ONLINE_MEAN;
        FeaturePipeline fp = FeaturePipeline.kaldiMfcc(rate).withNormalization(online ? FeaturePipeline.Normalization.NONE : s.data().normalization());
        Units units = s.data().units();
        if (units == Units.AUTO) units = labelsOf(train, Units.WORDS).size() - 1 <= AUTO_WORDS ? Units.WORDS : Units.CHARS;
        List<String> labels = labelsOf(train, units);
        if (s.data().speedPerturbation()) train = withSpeeds(train, rate, Settings.PERTURBED_SPEEDS);
        // With padSilence every training batch gets fresh pauses (drawn from the "pauses" stream): pauses fixed once would
        // let a forward-only model learn each recording's noise by heart and emit its word before hearing it.
        List<float[]> rawAudio = null;
        if (s.data().padSilence()) {
            rawAudio = new ArrayList<>(train.size());
            for (SpeechData.Utterance u : train) rawAudio.add(u.load(rate));
            train = withPauses(train, rate, s.training().seed()); // one draw: the prior's statistics and the batches' lengths
            dev = withPauses(dev, rate, s.training().seed() + 1);
        }
        List<float[][]> trainFeatures = featuresOf(fp, train);
        if (online) { // the prior for the first frames of every utterance is the training data's mean
            fp = fp.withOnlinePrior(org.grukit.speech.FeatureOps.Cmvn.fit(trainFeatures, false));
            float[] prior = fp.globalStats().mean();
            trainFeatures = trainFeatures.stream().map(f -> org.grukit.speech.FeatureOps.onlineCmvn(f, prior)).toList();
        }
        List<float[][]> devFeatures = featuresOf(fp, dev);
        int dim = trainFeatures.get(0)[0].length;
        Settings.Network net = s.model();
        SpeechModel model = new SpeechModel(new SpeechModel.Config(dim, net.convChannels(), net.convKernel(), net.convStride(), net.hiddenSize(),
                net.numLayers(), !net.streaming(), labels.size(), net.dropout()), new Rng(s.training().seed()));
        Transcriber t = new Transcriber(units, labels, fp, model, s.data().padSilence() ? INFERENCE_PAUSE_SECONDS : 0);
        return new Fit(t, train, trainFeatures, dev, devFeatures, s.training().batchSize(),
                s.data().specAugment() ? new Rng(s.training().seed() ^ 0x5eedL) : null,
                rawAudio == null ? null : new Fit.Pauses(rawAudio, new Rng(Rng.derive(s.training().seed(), 0x9a05eL, 1))));
    }

    /**
     * The utterances, then each again at every speed in {@code speeds}: read as if recorded at {@code speed} times the
     * rate and resampled back, so that it plays that much faster and higher (sox's {@code speed}, as Kaldi perturbs).
     */
    static List<SpeechData.Utterance> withSpeeds(List<SpeechData.Utterance> utterances, int rate, double[] speeds) throws IOException {
        List<SpeechData.Utterance> out = new ArrayList<>(utterances);
        for (double speed : speeds) {
            org.grukit.speech.Resampler r = new org.grukit.speech.Resampler((int) Math.round(rate * speed), rate);
            for (SpeechData.Utterance u : utterances) {
                out.add(new SpeechData.Utterance(u.id() + "-speed" + speed, u.transcript(), u.speaker(), null, r.apply(u.load(rate)), rate));
            }
        }
        return out;
    }

    /** The utterances, each with pauses of its own background noise around it ({@link #withPause}, seeded). */
    static List<SpeechData.Utterance> withPauses(List<SpeechData.Utterance> utterances, int rate, long seed) throws IOException {
        Rng rng = new Rng(Rng.derive(seed, 0x9a05eL));
        List<SpeechData.Utterance> out = new ArrayList<>(utterances.size());
        for (SpeechData.Utterance u : utterances) {
            out.add(new SpeechData.Utterance(u.id(), u.transcript(), u.speaker(), null, withPause(u.load(rate), rate, rng), rate));
        }
        return out;
    }

    /**
     * A recording with 50-400 ms of pause before and after it, and white noise at the level of its quietest 20 ms (its
     * own background) over the whole: the pause a microphone hears around words, never twice the same.
     */
    static float[] withPause(float[] x, int rate, Rng rng) {
        return withPause(x, rate, rng, 1);
    }

    /** As {@link #withPause(float[], int, Rng)}, the pause before the recording scaled by {@code lead} (0 to 1). */
    static float[] withPause(float[] x, int rate, Rng rng, double lead) {
        return withPause(x, rate, rng, lead, new int[1]);
    }

    /** As {@link #withPause(float[], int, Rng, double)}, with the length of the pause before it in {@code before[0]}. */
    static float[] withPause(float[] x, int rate, Rng rng, double lead, int[] where) {
        float level = (float) SpeechData.quietestRms(x, rate / 50);
        int before = (int) (rate * rng.uniform(0.05, 0.4) * lead), after = (int) (rate * rng.uniform(0.05, 0.4));
        float[] padded = new float[before + x.length + after];
        System.arraycopy(x, 0, padded, before, x.length);
        for (int i = 0; i < padded.length; i++) padded[i] += level * (float) rng.normal();
        where[0] = before;
        return padded;
    }

    private static int rateOf(SpeechData.Utterance u) throws IOException {
        if (u.samples() != null) return u.sampleRate();
        return org.grukit.speech.AudioFiles.read(u.audio()).sampleRate();
    }

    /** The blank, then the characters (or words) of the training transcripts in code point order. */
    static List<String> labelsOf(List<SpeechData.Utterance> train, Units units) {
        TreeSet<String> set = new TreeSet<>();
        for (SpeechData.Utterance u : train) set.addAll(pieces(u.transcript(), units));
        List<String> out = new ArrayList<>();
        out.add("<blank>");
        out.addAll(set);
        return out;
    }

    /** A transcript as output units: its words or its characters, as WER and CER count them. */
    private static List<String> pieces(String transcript, Units units) {
        return units == Units.WORDS ? ErrorRate.wordsOf(transcript) : ErrorRate.charsOf(transcript);
    }

    /** Feature matrices of utterances, computed on the kernel threads. */
    private static List<float[][]> featuresOf(FeaturePipeline fp, List<SpeechData.Utterance> utts) throws IOException {
        float[][][] out = new float[utts.size()][][];
        IOException[] failure = new IOException[1];
        int parts = Math.max(1, Math.min(Parallel.threads(), utts.size()));
        Parallel.forEach(parts, p -> {
            for (int i = Parallel.start(utts.size(), parts, p), end = Parallel.start(utts.size(), parts, p + 1); i < end; i++) {
                try {
                    float[][] f = fp.apply(new Audio(utts.get(i).load(fp.sampleRate()), fp.sampleRate(), null));
                    if (f.length == 0) throw new IOException(utts.get(i).id() + ": too short for one feature frame");
                    out[i] = f;
                } catch (IOException e) {
                    synchronized (failure) {
                        if (failure[0] == null) failure[0] = e;
                    }
                }
            }
        });
        if (failure[0] != null) throw failure[0];
        return Arrays.asList(out);
    }

    /** The label ids of a transcript; a character or word not among the labels is an error naming it. */
    int[] encode(String transcript, String where) {
        List<String> pieces = pieces(transcript, units);
        int[] ids = new int[pieces.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = labels.indexOf(pieces.get(i));
            if (ids[i] <= 0) {
                throw new IllegalArgumentException(where + ": '" + pieces.get(i) + "' is not one of the model's " + (labels.size() - 1) + " output "
                        + units.name().toLowerCase() + " " + labels.subList(1, labels.size()));
            }
        }
        return ids;
    }

    /** As {@link #encode}, leaving out what the labels do not hold (a dev transcript may use unseen characters). */
    int[] encodeKnown(String transcript) {
        return pieces(transcript, units).stream().mapToInt(labels::indexOf).filter(i -> i > 0).toArray();
    }

    /** Text of label ids: characters joined, or words joined with spaces. */
    String spell(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            if (units == Units.WORDS && sb.length() > 0) sb.append(' ');
            sb.append(labels.get(id));
        }
        return sb.toString().strip();
    }

    /** CTC training: bucketed batches by length, mean CTC loss; dev WER (greedy) picks the epoch. */
    static final class Fit implements Task.Training<Transcriber> {
        private final Transcriber t;
        private final List<float[][]> features, devFeatures;
        private final List<int[]> targets = new ArrayList<>(), devTargets = new ArrayList<>();
        private final List<SpeechData.Utterance> dev;
        private final int batchSize;
        private final Rng augment; // null: no SpecAugment

        /** Training recordings to give fresh pauses in every batch, and the stream the pauses are drawn from. */
        record Pauses(List<float[]> audio, Rng rng) {}

        private final Pauses pauses; // null: features as computed once
        /**
         * Epochs begun in this run. The pause before each recording grows from none in the first epoch to its full
         * length by the {@value #PAUSE_RAMP}th: a forward-only model first learns the words where they start, then to
         * find them after a pause. Trained from scratch with the full pauses, it never leaves the all-blank plateau
         * (neither does PyTorch's GRU on a made-up task of one pattern at a random time), since no frame can know a
         * word before it has been heard. A resumed run ramps up again.
         */
        private int epochsStarted;
        static final int PAUSE_RAMP = 6;

        Fit(Transcriber t, List<SpeechData.Utterance> train, List<float[][]> features, List<SpeechData.Utterance> dev, List<float[][]> devFeatures,
            int batchSize, Rng augment, Pauses pauses) {
            this.augment = augment;
            this.pauses = pauses;
            this.t = t;
            this.features = features;
            this.dev = dev;
            this.devFeatures = devFeatures;
            this.batchSize = batchSize;
            for (SpeechData.Utterance u : train) targets.add(t.encode(u.transcript(), u.id()));
            for (SpeechData.Utterance u : dev) devTargets.add(t.encodeKnown(u.transcript()));
        }

        @Override
        public Transcriber result() {
            return t;
        }

        @Override
        public Module model() {
            return t.model;
        }

        @Override
        public int trainSize() {
            return features.size();
        }

        @Override
        public List<int[]> trainBatches(Rng rng) {
            epochsStarted++;
            int[] lengths = new int[features.size()];
            for (int i = 0; i < lengths.length; i++) lengths[i] = features.get(i).length;
            return Batching.bucketed(lengths, batchSize, 50, rng);
        }

        @Override
        public Map<String, Rng> randomStreams() {
            Map<String, Rng> m = new java.util.LinkedHashMap<>();
            if (augment != null) m.put("specAugment", augment);
            if (pauses != null) m.put("pauses", pauses.rng());
            return m;
        }

        @Override
        public Tensor loss(int[] batch) {
            if (pauses == null) return ctcLoss(features, targets, batch, augment, null);
            List<float[][]> fresh = new ArrayList<>(java.util.Collections.nCopies(features.size(), (float[][]) null));
            FeaturePipeline fp = t.features();
            double lead = t.model.config().bidirectional() ? 1 : Math.min(1, (epochsStarted - 1) / (double) (PAUSE_RAMP - 1));
            int[][] spans = new int[batch.length][];
            int rate = fp.sampleRate(), shift = (int) (rate * fp.kaldi().frameShift() / 1000) * t.model.subsampling();
            for (int k = 0; k < batch.length; k++) {
                int i = batch[k];
                int[] before = new int[1];
                float[] x = pauses.audio().get(i);
                fresh.set(i, fp.apply(new Audio(withPause(x, rate, pauses.rng(), lead, before), rate, null)));
                // Where a forward-only model may emit labels: a one-word recording's words around its end (from 150 ms
                // before to 250 ms after), when it has been heard; several words from 100 ms in.
                int end = before[0] + x.length;
                int from = targets.get(i).length == 1 ? Math.max(before[0], end - rate * 15 / 100) : before[0] + rate / 10;
                spans[k] = new int[] {from / shift, (end + rate / 4) / shift + 1};
            }
            return ctcLoss(fresh, targets, batch, augment, t.model.config().bidirectional() ? null : spans);
        }

        /** The mean CTC loss of a batch; with {@code augment}, each picked utterance's features masked afresh (SpecAugment). */
        /**
         * With {@code spans}, labels are allowed only in output frames [spans[k][0], spans[k][1]) of the k-th utterance
         * (alignment-restricted CTC, as Mahadeokar et al. 2021 restrict RNN-T): a forward-only model then learns to
         * emit a word once it has heard it, instead of never leaving the all-blank start.
         */
        private Tensor ctcLoss(List<float[][]> features, List<int[]> targets, int[] batch, Rng augment, int[][] spans) {
            List<float[][]> picked = new ArrayList<>(batch.length);
            int total = 0;
            for (int i : batch) {
                float[][] f = features.get(i);
                picked.add(augment == null ? f : org.grukit.speech.FeatureOps.specAugment(f, 2, 8, 2, Math.max(1, f.length / 10), augment));
                total += targets.get(i).length;
            }
            int[] lengths = new int[batch.length], targetLengths = new int[batch.length], concat = new int[total];
            Tensor x = Batching.padFeatures(picked, lengths);
            for (int k = 0, at = 0; k < batch.length; k++) {
                int[] y = targets.get(batch[k]);
                System.arraycopy(y, 0, concat, at, y.length);
                at += y.length;
                targetLengths[k] = y.length;
            }
            SpeechModel.Output out = t.model.forward(x, lengths);
            Tensor logProbs = out.logProbs();
            if (spans != null) {
                int frames = logProbs.dim(0), n = logProbs.dim(1), c = logProbs.dim(2);
                float[] mask = new float[frames * n * c];
                for (int f = 0; f < frames; f++) {
                    for (int k = 0; k < n; k++) {
                        if (f >= spans[k][0] && f < spans[k][1]) continue;
                        java.util.Arrays.fill(mask, (f * n + k) * c + 1, (f * n + k + 1) * c, -1e4f);
                    }
                }
                logProbs = org.grukit.core.Ops.add(logProbs, Tensor.of(mask, frames, n, c));
            }
            // zero_infinity: an utterance too short for its transcript after subsampling adds nothing instead of inf.
            return Ctc.loss(logProbs, concat, out.lengths(), targetLengths, new Ctc.Options(0, Reduction.MEAN, true));
        }

        @Override
        public Map<String, Double> evaluate() {
            Scores s = t.score(devFeatures, dev);
            double loss = 0;
            int batches = 0;
            for (int[] b : Batching.sequential(devFeatures.size(), 32)) {
                loss += ctcLoss(devFeatures, devTargets, b, null, null).item();
                batches++;
            }
            loss /= batches;
            // Ties in WER (a small dev set often reaches 0 early) go to the lower dev loss: the 1e-6 weight cannot
            // outweigh one word error on any dev set of under a million words.
            return Map.of("dev_wer", s.wer(), "dev_cer", s.cer(), "dev_loss", loss, "dev_wer_then_loss", s.wer() + 1e-6 * Math.min(loss, 1e3));
        }

        @Override
        public String monitor() {
            return "dev_wer_then_loss";
        }

        @Override
        public boolean maximize() {
            return false;
        }
    }

    private Scores score(List<float[][]> feats, List<SpeechData.Utterance> utts) {
        List<String> hyps = transcribeFeatures(feats, null), refs = new ArrayList<>();
        for (SpeechData.Utterance u : utts) refs.add(u.transcript());
        return new Scores(ErrorRate.corpusWords(refs, hyps).rate(), ErrorRate.corpusChars(refs, hyps).rate(), hyps.size(), hyps);
    }

    /**
     * How to decode: beam width (1 is greedy) and an optional word language model ({@link WordNgram}, {@link ArpaModel}
     * or any scorer) with its weight and a bonus per word.
     */
    public record Decode(int beam, CtcDecoder.WordScorer lm, double alpha, double beta) {
        public static Decode greedy() {
            return new Decode(1, null, 0, 0);
        }
    }

    /** Transcripts of utterances, in order. */
    public List<String> transcribe(List<SpeechData.Utterance> utts, Decode d) throws IOException {
        if (pauseSeconds > 0) {
            List<SpeechData.Utterance> paused = new ArrayList<>(utts.size());
            int rate = features.sampleRate(), n = (int) Math.round(pauseSeconds * rate);
            for (SpeechData.Utterance u : utts) {
                float[] x = u.load(rate);
                float[] y = SpeechData.withBackground(x, rate, n, n, new Rng(x.length)); // the same noise for the same recording, every time
                paused.add(new SpeechData.Utterance(u.id(), u.transcript(), u.speaker(), null, y, rate));
            }
            utts = paused;
        }
        return transcribeFeatures(featuresOf(features, utts), d);
    }

    public Scores evaluate(List<SpeechData.Utterance> utts, Decode d) throws IOException {
        List<String> hyps = transcribe(utts, d), refs = new ArrayList<>();
        for (SpeechData.Utterance u : utts) refs.add(u.transcript());
        return new Scores(ErrorRate.corpusWords(refs, hyps).rate(), ErrorRate.corpusChars(refs, hyps).rate(), hyps.size(), hyps);
    }

    private List<String> transcribeFeatures(List<float[][]> feats, Decode d) {
        int space = units == Units.CHARS ? labels.indexOf(" ") : -1;
        try (GradMode g = GradMode.noGrad()) {
            return LengthSorted.indices(feats.size(), i -> feats.get(i).length, BATCH, idx -> {
                int n = idx.length;
                List<float[][]> picked = new ArrayList<>(n);
                for (int i : idx) picked.add(feats.get(i));
                int[] lengths = new int[n];
                SpeechModel.Output o = model.forward(Batching.padFeatures(picked, lengths), lengths);
                int c = o.logProbs().dim(2);
                float[] lp = o.logProbs().toArray(); // [T', B, C]
                List<String> out = new ArrayList<>(n);
                for (int k = 0; k < n; k++) {
                    int len = o.lengths()[k];
                    float[] mine = new float[len * c];
                    for (int t = 0; t < len; t++) System.arraycopy(lp, (t * n + k) * c, mine, t * c, c);
                    int[] ids;
                    if (d == null || d.beam() <= 1) {
                        ids = CtcDecoder.greedy(mine, 0, len, c, 0);
                    } else {
                        CtcDecoder.BeamOptions bo = CtcDecoder.BeamOptions.of(0, d.beam());
                        // The language model scores words as the characters complete them, or each word output as it comes.
                        if (d.lm() != null) bo = bo.withWords(units == Units.CHARS ? space : CtcDecoder.EVERY_LABEL, labels::get, d.lm(), d.alpha(), d.beta());
                        ids = CtcDecoder.beamSearch(mine, 0, len, c, bo).get(0).labels();
                    }
                    out.add(spell(ids));
                }
                return out;
            });
        }
    }

    private static final List<OutputField> OUTPUT = List.of(new OutputField("transcript", OutputField.Kind.STRING, "the transcript"));

    @Override
    public List<OutputField> outputFields() {
        return OUTPUT;
    }

    @Override
    public Map<String, Object> outputValues(String transcript) {
        return Map.of("transcript", transcript);
    }

    @Override
    public Class<SpeechData.Utterance> inputType() {
        return SpeechData.Utterance.class;
    }

    @Override
    public InputKind inputKind() {
        return InputKind.AUDIO;
    }

    /** An utterance from a recording's bytes or its path (WAV, FLAC, MP3, Ogg Vorbis), read now, so that a broken file is this input's error. */
    @Override
    public SpeechData.Utterance input(Object value) {
        try {
            if (value instanceof byte[] bytes) {
                if (bytes.length == 0) throw new IllegalArgumentException("the input is empty: no audio bytes");
                Audio a = AudioFiles.read(bytes, "the audio bytes");
                return new SpeechData.Utterance("bytes", null, null, null, a.samples(), a.sampleRate());
            }
            if (value instanceof String path) {
                if (path.isBlank()) throw new IllegalArgumentException("the input is empty: no audio path");
                Path p = Path.of(path.startsWith("file:") ? java.net.URI.create(path).getPath() : path);
                Audio a = AudioFiles.read(p);
                return new SpeechData.Utterance(path, null, null, p, a.samples(), a.sampleRate());
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return TaskModel.super.input(value);
    }

    @Override
    public Module module() {
        return model;
    }

    /** Greedy transcripts of the utterances, in order; an unreadable recording is an error naming it. */
    @Override
    public List<String> predict(List<SpeechData.Utterance> utterances) {
        try {
            return transcribe(utterances, Decode.greedy());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e.getMessage(), e);
        }
    }

    /** Greedy WER and CER (corpus rates, 0..1). */
    @Override
    public Map<String, Double> metrics(List<SpeechData.Utterance> data) {
        try {
            Scores sc = evaluate(data, Decode.greedy());
            return Map.of("wer", sc.wer(), "cer", sc.cer());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e.getMessage(), e);
        }
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("type", type());
        m.put("units", units.name().toLowerCase(java.util.Locale.ROOT));
        m.put("labels", labels.subList(1, labels.size()));
        m.put("sample_rate", features.sampleRate());
        m.put("parameters", model.parameterCount());
        return m;
    }

    @Override
    public void save(Path dir) throws IOException {
        ModelBundle.save(dir, model, ModelBundle.Provenance.none(), java.util.Map.of("speech", new Description(units, labels, features, pauseSeconds)));
    }

    public static Transcriber load(Path dir) throws IOException {
        ModelBundle.Folder f = ModelBundle.open(dir).expect(SpeechModel.TYPE);
        Description d = f.preprocessing("speech", Description.class, LEGACY_FILE);
        if (d.units() == null || d.labels() == null || d.features() == null) {
            throw new IOException(dir.resolve(ModelBundle.MODEL_JSON) + ": preprocessing.speech needs 'units', 'labels' and 'features'");
        }
        return f.assemble(() -> new Transcriber(d.units(), d.labels(), d.features(), f.model(SpeechModel.class), d.pauseSeconds()));
    }
}
