package org.grukit.nlp.forecast;

import java.util.List;
import org.grukit.attention.AdditiveAttention;
import org.grukit.attention.Attended;
import org.grukit.attention.hybrid.StackedGru;
import org.grukit.core.nn.RecurrentLayer;
import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Shape;
import org.grukit.core.Tensor;
import org.grukit.core.io.SavableModel;
import org.grukit.core.nn.Dropout;
import org.grukit.core.nn.GruCell;
import org.grukit.core.nn.Linear;
import org.grukit.core.nn.Module;

/**
 * A GRU forecaster over a window of inputs [B, L, inputSize] whose first {@code targets} columns are the series to
 * forecast (then covariates and calendar features), giving [B, horizon, targets, quantiles]:
 * <ul>
 *   <li>{@code DIRECT}: a stacked GRU encoder, and one linear layer from its last state to every horizon step at
 *       once (the multi-output strategy);</li>
 *   <li>{@code SEQ2SEQ}: the encoder's last state starts a GRU decoder that runs one step per horizon step, fed the
 *       previous step's values (the last observed ones, then its own median forecasts, so training and use see the
 *       same inputs) and the step's calendar features; optionally with additive attention over the encoder's
 *       outputs (Bahdanau et al. 2015);</li>
 *   <li>{@code SEGMENT}: SegRNN (Lin et al. 2023). The window is cut into segments of {@code segmentLength} steps,
 *       each embedded by a linear layer and ReLU, and one GRU cell runs over the segments; then every output segment
 *       is decoded at once from that state by one step of the same cell, fed a learned embedding of the segment's
 *       position and of the channel (parallel multi-step forecasting), and a linear layer gives its steps. Always
 *       channel-independent.</li>
 * </ul>
 * With {@code channelIndependent} each target is forecast on its own by one network shared by the targets (as
 * PatchTST and SegRNN do for multivariate data): it reads that target's window beside the covariates and calendar
 * features. With {@code revin} each target's window is normalised by its own mean and standard deviation, with a
 * learned scale and shift per target, and the forecast de-normalised (reversible instance normalisation, Kim et
 * al. 2022), so a shift in level or spread between training and test costs the network nothing.
 *
 * <p>With {@code highway} a linear autoregressive component is added to any style (the "highway" of LSTNet, Lai et
 * al. 2018): one linear map from each target's input window to its horizon, shared by the targets, so the network
 * learns what a linear model misses rather than all of it.
 *
 * <p>With {@code fixedHighway} the highway is not trained: it holds a linear forecaster fitted in closed form
 * ({@link #startFromLinear}), saved with the model, and the network learns what that linear forecaster misses.
 *
 * <p>With several {@code members} the model is an ensemble of independently initialised networks of this shape
 * whose forecasts are averaged; training sums their separate losses ({@link #members}), so each learns on its
 * own and only the averaged forecast picks the epoch.
 */
public final class ForecastModel extends Module implements SavableModel {
    public static final String TYPE = "gru-forecaster";

    public enum Style { DIRECT, SEQ2SEQ, SEGMENT }

    /**
     * The architecture, saved in model.json; {@code quantiles} empty means one point forecast. {@code segmentLength}
     * is read by the SEGMENT style only (which needs {@code inputLength} a whole number of segments); models saved
     * before the segment style, channel independence and instance normalisation read 0 and false.
     */
    public record Config(int inputSize, int targets, int futureSize, int hiddenSize, int numLayers, int horizon, List<Double> quantiles,
                         Style style, boolean attention, float dropout, int inputLength, boolean highway, int members,
                         Integer segmentLength, Boolean channelIndependent, Boolean revin, Boolean fixedHighway) {
        public Config {
            // Absent from the model.json of models saved before these options: none of them.
            segmentLength = segmentLength == null ? 0 : segmentLength;
            channelIndependent = Boolean.TRUE.equals(channelIndependent);
            revin = Boolean.TRUE.equals(revin);
            fixedHighway = Boolean.TRUE.equals(fixedHighway);
            if (inputSize < 1 || targets < 1 || targets > inputSize) {
                throw new IllegalArgumentException("need 1 <= targets <= inputSize, got " + targets + " and " + inputSize);
            }
            if (futureSize < 0 || hiddenSize < 1 || numLayers < 1 || horizon < 1) {
                throw new IllegalArgumentException("need futureSize >= 0, hiddenSize, numLayers and horizon >= 1; got " + futureSize + ", " + hiddenSize
                        + ", " + numLayers + ", " + horizon);
            }
            quantiles = quantiles == null ? List.of() : List.copyOf(quantiles);
            for (double q : quantiles) if (!(q > 0 && q < 1)) throw new IllegalArgumentException("quantiles must be in (0, 1), got " + q);
            if (style == null) throw new IllegalArgumentException("style must be DIRECT, SEQ2SEQ or SEGMENT");
            if (attention && style != Style.SEQ2SEQ) throw new IllegalArgumentException("attention needs the SEQ2SEQ style");
            if (!(dropout >= 0f && dropout < 1f)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
            if (highway && inputLength < 1) throw new IllegalArgumentException("the highway needs the input length, got " + inputLength);
            if (fixedHighway && !highway) throw new IllegalArgumentException("a fixed highway needs the highway");
            if (members < 1) throw new IllegalArgumentException("members must be >= 1, got " + members);
            if (style == Style.SEGMENT) {
                if (segmentLength < 1 || inputLength < segmentLength || inputLength % segmentLength != 0) {
                    throw new IllegalArgumentException("the segment style needs an input length that is a whole number of segments, got input "
                            + inputLength + " and segments of " + segmentLength);
                }
                if (hiddenSize < 2) throw new IllegalArgumentException("the segment style needs hiddenSize >= 2 (position and channel halves), got " + hiddenSize);
                channelIndependent = true;
            }
        }

        /** Outputs per step and target: the quantiles, or 1. */
        public int outputs() {
            return quantiles.isEmpty() ? 1 : quantiles.size();
        }

        /** The output slot of the point forecast: the quantile nearest 0.5. */
        public int median() {
            int best = 0;
            for (int i = 1; i < quantiles.size(); i++) if (Math.abs(quantiles.get(i) - 0.5) < Math.abs(quantiles.get(best) - 0.5)) best = i;
            return best;
        }
    }


    private final Config config;
    private final org.grukit.core.nn.ModuleList members = new org.grukit.core.nn.ModuleList();
    private final List<Member> list = new java.util.ArrayList<>();

    public ForecastModel(Config config, Rng rng) {
        this.config = config;
        registerModule("members", members);
        for (int i = 0; i < config.members(); i++) list.add(members.add(new Member(config, rng)));
    }

    public Config config() {
        return config;
    }

    /**
     * @param x      [B, L, inputSize], the first {@code targets} columns the series (normalized)
     * @param future [B, horizon, futureSize] calendar features of the forecast steps, or null when futureSize is 0
     * @return [B, horizon, targets, outputs], the members' mean
     */
    public Tensor forward(Tensor x, Tensor future) {
        List<Tensor> each = members(x, future);
        Tensor sum = each.get(0);
        for (int i = 1; i < each.size(); i++) sum = Ops.add(sum, each.get(i));
        return each.size() == 1 ? sum : Ops.mulScalar(sum, 1f / each.size());
    }

    /** Each member's forecast, as {@link #forward} describes it. */
    public List<Tensor> members(Tensor x, Tensor future) {
        List<Tensor> out = new java.util.ArrayList<>(list.size());
        for (Member m : list) out.add(m.forward(x, future));
        return out;
    }

    /**
     * Starts every member as one linear forecaster: its highway set to {@code weight} [horizon, inputLength] and
     * {@code bias} [horizon], and the network's output layer zeroed, so the untrained model forecasts exactly what
     * the linear model does and training learns what that misses.
     */
    public void startFromLinear(Tensor weight, Tensor bias) {
        if (!config.highway()) throw new IllegalStateException("a linear start needs the highway");
        Shape.expect("the linear start's weight", weight, config.horizon(), config.inputLength());
        Shape.expect("the linear start's bias", bias, config.horizon());
        for (Member m : list) {
            m.highwayWeight.copyFrom(weight);
            m.highwayBias.copyFrom(bias);
            Linear last = m.head != null ? m.head : m.out;
            last.weight().fill(0f);
            if (last.bias() != null) last.bias().fill(0f);
        }
    }

    /** A linear map that is state but not trained: its weight and bias are buffers, saved and loaded under a Linear's names. */
    private static final class FixedLinear extends Module {
        final Tensor weight, bias;

        FixedLinear(int in, int out) {
            weight = registerBuffer("weight", Tensor.zeros(out, in));
            bias = registerBuffer("bias", Tensor.zeros(out));
        }
    }

    /** RevIN's small constant: in the variance, and under the learned scale when de-normalising. */
    private static final float EPS = 1e-5f;

    /** One network of the ensemble. */
    private static final class Member extends Module {
        private final Config config;
        /** What the network reads and forecasts: one target per row when channel-independent. */
        private final int innerInputs, innerTargets;
        private final RecurrentLayer encoder;
        private final Linear head;
        private final GruCell cell;
        private final AdditiveAttention attention;
        private final Linear out;
        /** The highway's weight [H, L] and bias [H]: a trained Linear's, or a fixed one's buffers. */
        private final Tensor highwayWeight, highwayBias;
        private final Linear embed;
        private final Tensor position, channel;
        private final Dropout dropout;
        private final Tensor revinWeight, revinBias;

        Member(Config config, Rng rng) {
            this.config = config;
            int h = config.hiddenSize(), k = config.targets(), q = config.outputs();
            innerTargets = config.channelIndependent() ? 1 : k;
            innerInputs = config.inputSize() - k + innerTargets;
            int o = innerTargets * q;
            Linear head = null, out = null, embed = null;
            RecurrentLayer encoder = null;
            GruCell cell = null;
            AdditiveAttention attention = null;
            Tensor position = null, channel = null;
            Dropout dropout = null;
            switch (config.style()) {
                case DIRECT -> {
                    encoder = encoder(config, rng);
                    head = registerModule("head", new Linear(h, config.horizon() * o, rng));
                }
                case SEQ2SEQ -> {
                    encoder = encoder(config, rng);
                    cell = registerModule("cell", new GruCell(innerTargets + config.futureSize(), h, rng));
                    attention = config.attention() ? registerModule("attention", new AdditiveAttention(h, h, h, rng)) : null;
                    out = registerModule("out", new Linear(config.attention() ? 2 * h : h, o, rng));
                }
                case SEGMENT -> {
                    int w = config.segmentLength(), m = outputSegments(config);
                    embed = registerModule("embed", new Linear(w * innerInputs, h, rng));
                    cell = registerModule("cell", new GruCell(h, h, rng)); // one cell encodes and decodes, as in SegRNN
                    position = registerParameter("position", Tensor.randn(rng, m, h / 2));
                    channel = registerParameter("channel", Tensor.randn(rng, k, h - h / 2));
                    dropout = registerModule("dropout", new Dropout(config.dropout(), rng));
                    out = registerModule("out", new Linear(h, w * q, rng));
                }
            }
            this.encoder = encoder;
            this.head = head;
            this.cell = cell;
            this.attention = attention;
            this.out = out;
            this.embed = embed;
            this.position = position;
            this.channel = channel;
            this.dropout = dropout;
            if (!config.highway()) {
                highwayWeight = highwayBias = null;
            } else if (config.fixedHighway()) {
                FixedLinear f = registerModule("highway", new FixedLinear(config.inputLength(), config.horizon()));
                highwayWeight = f.weight;
                highwayBias = f.bias;
            } else {
                Linear l = registerModule("highway", new Linear(config.inputLength(), config.horizon(), rng));
                highwayWeight = l.weight();
                highwayBias = l.bias();
            }
            revinWeight = config.revin() ? registerParameter("revin_weight", Tensor.ones(k)) : null;
            revinBias = config.revin() ? registerParameter("revin_bias", Tensor.zeros(k)) : null;
        }

        private RecurrentLayer encoder(Config config, Rng rng) {
            return registerModule("encoder", StackedGru.of(new StackedGru.Config(innerInputs, config.hiddenSize(), config.numLayers(), false,
                    config.numLayers() > 1 ? config.dropout() : 0f, StackedGru.Connection.NONE), rng));
        }

        private static int outputSegments(Config config) {
            return (config.horizon() + config.segmentLength() - 1) / config.segmentLength();
        }

        Tensor forward(Tensor x, Tensor future) {
            Shape.expect("inputs", x, -1, -1, config.inputSize());
            int b = x.dim(0), len = x.dim(1), hz = config.horizon(), k = config.targets(), q = config.outputs();
            if (config.futureSize() > 0) Shape.expect("future features", future, b, hz, config.futureSize());
            Tensor[] stats = revinWeight == null ? null : windowStats(x);
            Tensor in = stats == null ? x : normalise(x, stats);
            Tensor y;
            if (config.channelIndependent()) {
                Tensor rows = perTarget(in); // [B K, L, 1 + extras]
                Tensor fut = future == null || config.futureSize() == 0 ? null : Ops.reshape(Ops.stack(1, java.util.Collections.nCopies(k, future)
                        .toArray(new Tensor[0])), b * k, hz, config.futureSize());
                Tensor each = network(rows, fut); // [B K, H, 1, Q]
                y = Ops.permute(Ops.reshape(each, b, k, hz, q), 0, 2, 1, 3);
            } else {
                y = network(in, future);
            }
            if (stats != null) y = denormalise(y, stats);
            if (highwayWeight == null) return y;
            if (len != config.inputLength()) throw new IllegalArgumentException("the highway needs windows of " + config.inputLength() + " steps, got " + len);
            Tensor windows = Ops.transpose(Ops.narrow(x, 2, 0, k), 1, 2); // [B, K, L]
            Tensor linear = Ops.transpose(Ops.linear(windows, highwayWeight, highwayBias), 1, 2); // [B, H, K]
            return Ops.add(y, Ops.reshape(linear, b, hz, k, 1)); // the same shift for every quantile
        }

        /** The style's network on rows [N, L, innerInputs], giving [N, H, innerTargets, Q]. */
        private Tensor network(Tensor x, Tensor future) {
            int n = x.dim(0), hz = config.horizon(), q = config.outputs();
            return switch (config.style()) {
                case DIRECT -> Ops.reshape(head.forward(lastState(x)), n, hz, innerTargets, q);
                case SEQ2SEQ -> decode(x, future);
                case SEGMENT -> segments(x);
            };
        }

        /** Each target's window with the shared columns (covariates, calendar) beside it: [B, L, F] to [B K, L, 1 + F - K]. */
        private Tensor perTarget(Tensor x) {
            int b = x.dim(0), len = x.dim(1), k = config.targets(), extras = config.inputSize() - k;
            if (extras == 0) return Ops.reshape(Ops.permute(x, 0, 2, 1), b * k, len, 1);
            Tensor shared = Ops.narrow(x, 2, k, extras);
            Tensor[] each = new Tensor[k];
            for (int j = 0; j < k; j++) each[j] = Ops.concat(2, Ops.narrow(x, 2, j, 1), shared);
            return Ops.reshape(Ops.stack(1, each), b * k, len, 1 + extras);
        }

        /** Each target's window mean [B, 1, K] and standard deviation, as constants: RevIN does not differentiate through them. */
        private Tensor[] windowStats(Tensor x) {
            int b = x.dim(0), len = x.dim(1), f = x.dim(2), k = config.targets();
            float[] v = x.toArray(), mean = new float[b * k], std = new float[b * k];
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < k; j++) {
                    double s = 0, ss = 0;
                    for (int t = 0; t < len; t++) s += v[(i * len + t) * f + j];
                    double m = s / len;
                    for (int t = 0; t < len; t++) {
                        double d = v[(i * len + t) * f + j] - m;
                        ss += d * d;
                    }
                    mean[i * k + j] = (float) m;
                    std[i * k + j] = (float) Math.sqrt(ss / len + EPS);
                }
            }
            return new Tensor[] {Tensor.of(mean, b, 1, k), Tensor.of(std, b, 1, k)};
        }

        private Tensor normalise(Tensor x, Tensor[] stats) {
            int k = config.targets(), extras = config.inputSize() - k;
            Tensor t = Ops.add(Ops.mul(Ops.div(Ops.sub(Ops.narrow(x, 2, 0, k), stats[0]), stats[1]), revinWeight), revinBias);
            return extras == 0 ? t : Ops.concat(2, t, Ops.narrow(x, 2, k, extras));
        }

        /** y [B, H, K, Q] back to the window's scale: (y - shift) / scale * std + mean. */
        private Tensor denormalise(Tensor y, Tensor[] stats) {
            int b = y.dim(0), k = config.targets();
            Tensor w = Ops.reshape(Ops.addScalar(revinWeight, EPS * EPS), k, 1), c = Ops.reshape(revinBias, k, 1);
            Tensor scaled = Ops.div(Ops.sub(y, c), w);
            return Ops.add(Ops.mul(scaled, Ops.reshape(stats[1], b, 1, k, 1)), Ops.reshape(stats[0], b, 1, k, 1));
        }

        private Tensor lastState(Tensor x) {
            return Ops.select(encoder.forward(x, null, null).hN(), 0, config.numLayers() - 1); // [N, hidden]
        }

        private Tensor decode(Tensor x, Tensor future) {
            int b = x.dim(0), len = x.dim(1), hz = config.horizon(), k = innerTargets, q = config.outputs();
            var enc = encoder.forward(x, null, null);
            Tensor last = Ops.select(enc.hN(), 0, config.numLayers() - 1);
            Tensor keys = attention == null ? null : attention.projectKeys(enc.output());
            Tensor prev = Ops.reshape(Ops.narrow(Ops.select(x, 1, len - 1), 1, 0, k), b, k); // the last observed values
            Tensor h = last;
            Tensor[] steps = new Tensor[hz];
            for (int t = 0; t < hz; t++) {
                Tensor in = config.futureSize() > 0 ? Ops.concat(1, prev, Ops.select(future, 1, t)) : prev;
                h = cell.forward(in, h);
                Tensor features = h;
                if (attention != null) {
                    Attended a = attention.attendProjected(h, keys, enc.output(), null);
                    features = Ops.concat(1, h, a.context());
                }
                Tensor y = Ops.reshape(out.forward(features), b, k, q);
                steps[t] = y;
                prev = Ops.reshape(Ops.select(y, 2, config.median()), b, k);
            }
            return Ops.stack(1, steps);
        }

        /**
         * SegRNN on rows [N, L, F] (row r is target r mod K): segments embedded, the cell run over them, then every
         * output segment decoded at once from the last state. [N, H, 1, Q].
         */
        private Tensor segments(Tensor x) {
            int n = x.dim(0), len = x.dim(1), f = x.dim(2), w = config.segmentLength(), k = config.targets(), q = config.outputs();
            if (len % w != 0) throw new IllegalArgumentException("the segment style needs windows of whole segments of " + w + " steps, got " + len);
            int segs = len / w, m = outputSegments(config);
            Tensor e = Ops.relu(embed.forward(Ops.reshape(x, n, segs, w * f))); // [N, segs, hidden]
            Tensor h = null;
            for (int i = 0; i < segs; i++) h = cell.forward(Ops.select(e, 1, i), h);
            // The decoder's inputs: one per (target, output segment), position then channel embedding.
            int[] pos = new int[k * m], chan = new int[k * m];
            for (int j = 0; j < k; j++) {
                for (int s = 0; s < m; s++) {
                    pos[j * m + s] = s;
                    chan[j * m + s] = j;
                }
            }
            Tensor queries = Ops.concat(1, Ops.indexSelect(position, pos), Ops.indexSelect(channel, chan)); // [K M, hidden]
            int[] inRows = new int[n * m], stateRows = new int[n * m];
            for (int r = 0; r < n; r++) {
                for (int s = 0; s < m; s++) {
                    inRows[r * m + s] = (r % k) * m + s;
                    stateRows[r * m + s] = r;
                }
            }
            Tensor hy = cell.forwardShared(queries, inRows, h, stateRows); // [N M, hidden]
            Tensor y = Ops.reshape(out.forward(dropout.forward(hy)), n, m * w, q);
            return Ops.reshape(Ops.narrow(y, 1, 0, config.horizon()), n, config.horizon(), 1, q);
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
