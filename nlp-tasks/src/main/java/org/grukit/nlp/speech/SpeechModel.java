package org.grukit.nlp.speech;

import org.grukit.attention.hybrid.Conv1d;
import org.grukit.attention.hybrid.StackedGru;
import org.grukit.core.nn.RecurrentLayer;
import org.grukit.core.nn.RecurrentOutput;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.grukit.core.io.SavableModel;
import org.grukit.core.nn.Linear;
import org.grukit.core.nn.Module;

/**
 * The acoustic model for CTC: feature frames [B, T, F] -> optional Conv1d subsampling (ReLU; stride s shortens the
 * sequence about s times, as DeepSpeech 2 and most CTC models do before their recurrent layers) -> stacked
 * (Bi)GRU -> dropout -> linear -> log-softmax over the output classes, class 0 being the blank. The output is
 * time-major [T', B, C], as {@link org.grukit.core.nn.Ctc#loss} takes it.
 */
public final class SpeechModel extends Module implements SavableModel {
    public static final String TYPE = "speech-ctc";

    /** The architecture, saved in model.json; {@code convChannels} 0 means no convolution. */
    public record Config(int featureDim, int convChannels, int convKernel, int convStride, int hiddenSize, int numLayers,
                         boolean bidirectional, int classes, float dropout) {
        public Config {
            if (featureDim <= 0 || hiddenSize <= 0 || numLayers <= 0) {
                throw new IllegalArgumentException("featureDim, hiddenSize and numLayers must be > 0, got " + featureDim + ", " + hiddenSize
                        + ", " + numLayers);
            }
            if (convChannels < 0 || (convChannels > 0 && (convKernel <= 0 || convStride <= 0))) {
                throw new IllegalArgumentException("a convolution needs channels, kernel and stride > 0, got " + convChannels + ", "
                        + convKernel + ", " + convStride);
            }
            if (classes < 2) throw new IllegalArgumentException("need the blank and at least one label, got " + classes + " classes");
            if (!(dropout >= 0f && dropout < 1f)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
    }

    /** Log-probabilities [T', B, C] and each utterance's length in output frames. */
    public record Output(Tensor logProbs, int[] lengths) {}


    private final Config config;
    private final Conv1d conv;
    private final RecurrentLayer rnn;
    private final Linear out;
    private final Rng dropoutRng;

    public SpeechModel(Config config, Rng rng) {
        this.config = config;
        int in = config.featureDim();
        if (config.convChannels() > 0) {
            conv = registerModule("conv", new Conv1d(Conv1d.Config.of(in, config.convChannels(), config.convKernel())
                    .withStride(config.convStride()).withPadding(config.convKernel() / 2), rng));
            in = config.convChannels();
        } else {
            conv = null;
        }
        rnn = registerModule("rnn", StackedGru.of(new StackedGru.Config(in, config.hiddenSize(), config.numLayers(), config.bidirectional(),
                config.dropout(), StackedGru.Connection.NONE), rng));
        out = registerModule("out", new Linear(rnn.outputSize(), config.classes(), rng));
        dropoutRng = registerRandomStream("dropout", rng.split());
    }

    public Config config() {
        return config;
    }

    /** Frames per output frame (the convolution's stride, or 1). */
    public int subsampling() {
        return conv == null ? 1 : config.convStride();
    }

    /** @param features [B, T, F], zero-padded after each utterance's {@code lengths[b]} frames */
    public Output forward(Tensor features, int[] lengths) {
        Tensor x = features;
        int[] len = lengths;
        if (conv != null) {
            x = Ops.relu(conv.forwardSequence(x));
            len = conv.outputLengths(lengths);
            for (int i = 0; i < len.length; i++) len[i] = Math.max(1, Math.min(len[i], x.dim(1)));
        }
        Tensor h = rnn.forward(x, null, len).output(); // [B, T', D*H]
        if (isTraining() && config.dropout() > 0f) h = Ops.dropout(h, config.dropout(), dropoutRng);
        Tensor logProbs = Ops.logSoftmax(out.forward(h), -1);
        return new Output(Ops.transpose(logProbs, 0, 1), len);
    }

    /** Feature frames an output frame waits for after its own: the convolution's reach ahead (0 without one). */
    public int lookahead() {
        return conv == null ? 0 : config.convKernel() - 1 - config.convKernel() / 2;
    }

    /**
     * The model run as feature frames arrive, for a forward-only model: each output frame as soon as the
     * convolution has its {@link #lookahead()} frames ahead, the GRU state carried from one piece to the next. What
     * a whole utterance's frames give, in any pieces, equals {@link #forward} on it (within float rounding of the
     * GRU kernels' other blocking).
     */
    public Stream stream() {
        if (config.bidirectional()) {
            throw new IllegalStateException("a bidirectional model hears the whole utterance before it answers; train a streaming one (forward GRU layers only)");
        }
        return new Stream();
    }

    /** The state of one stream: frames the convolution still needs, the GRU state, and the next output frame. */
    public final class Stream {
        private final java.util.ArrayList<float[]> frames = new java.util.ArrayList<>();
        private long base; // the index of frames.get(0)
        private long received, produced;
        private Tensor h; // null: zeros

        private Stream() {}

        /** Log-probabilities [frames][classes] of the output frames that {@code input} makes ready. */
        public float[][] accept(java.util.List<float[]> input) {
            for (float[] f : input) {
                if (f.length != config.featureDim()) {
                    throw new IllegalArgumentException("expected feature frames of " + config.featureDim() + " coefficients, got " + f.length);
                }
                frames.add(f);
            }
            received += input.size();
            long ready = conv == null ? received : received - 1 - lookahead() < 0 ? 0 : (received - 1 - lookahead()) / conv.config().stride() + 1;
            return run(ready);
        }

        /** The last output frames, the utterance having ended (the convolution's padding past its end). */
        public float[][] finish() {
            long total = conv == null ? received : (received == 0 ? 0 : Math.max(1, conv.config().outputLength((int) received)));
            float[][] out = run(total);
            frames.clear();
            return out;
        }

        /** Starts a new utterance: the GRU state back to zeros; the frames already in stay the convolution's context. */
        public void resetState() {
            h = null;
        }

        private float[][] run(long upTo) {
            int n = (int) (upTo - produced);
            if (n <= 0) return new float[0][];
            Tensor x;
            if (conv == null) {
                x = rows(produced, upTo);
            } else { // the frames under outputs produced .. upTo-1, with zeros where the padding is
                int k = conv.config().kernelSize(), s = conv.config().stride();
                long first = windowStart(), last = (upTo - 1) * s - conv.config().padding() + k - 1;
                // The convolution pads the window again; output i of the window starts at window frame i * s - padding,
                // so the window starts early enough for the wanted outputs to be whole outputs of it.
                Tensor y = Ops.relu(conv.forwardSequence(rows(first, last + 1)));
                x = Ops.narrow(y, 1, (conv.config().padding() + lead()) / s, n);
            }
            RecurrentOutput o = rnn.forward(x, h, null);
            h = o.hN();
            Tensor logProbs = Ops.logSoftmax(out.forward(o.output()), -1); // [1, n, C]
            float[] lp = logProbs.toArray();
            int c = config.classes();
            float[][] rowsOut = new float[n][];
            for (int t = 0; t < n; t++) rowsOut[t] = java.util.Arrays.copyOfRange(lp, t * c, (t + 1) * c);
            produced = upTo;
            long keep = conv == null ? produced : windowStart();
            while (base < keep && !frames.isEmpty()) {
                frames.remove(0);
                base++;
            }
            return rowsOut;
        }

        /** The first frame of the next convolution window: its padding, and the lead that aligns it to the stride. */
        private long windowStart() {
            return produced * conv.config().stride() - conv.config().padding() - lead();
        }

        private int lead() {
            int s = conv.config().stride();
            return (s - conv.config().padding() % s) % s;
        }

        /** Frames [from, to) as [1, to - from, F], zeros before the first and past the last. */
        private Tensor rows(long from, long to) {
            int f = config.featureDim(), len = (int) (to - from);
            float[] data = new float[len * f];
            for (int i = 0; i < len; i++) {
                long t = from + i;
                if (t < 0 || t >= received) continue;
                System.arraycopy(frames.get((int) (t - base)), 0, data, i * f, f);
            }
            return Tensor.of(data, 1, len, f);
        }
    }

    @Override
    public String modelType() {
        return TYPE;
    }

    @Override
    public Object modelConfig() {
        return config;
    }
}
