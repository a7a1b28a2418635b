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
 *       outputs (Bahdanau et al. 2015).</li>
 * </ul>
 * With {@code highway} a linear autoregressive component is added to either (the "highway" of LSTNet, Lai et al.
 * 2018): one linear map from each target's input window to its horizon, shared by the targets, so the network
 * learns what a linear model misses rather than all of it.
 *
 * <p>With several {@code members} the model is an ensemble of independently initialised networks of this shape
 * whose forecasts are averaged; training sums their separate losses ({@link #members}), so each learns on its
 * own and only the averaged forecast picks the epoch.
 */
public final class ForecastModel extends Module implements SavableModel {
    public static final String TYPE = "gru-forecaster";

    public enum Style { DIRECT, SEQ2SEQ }

    /** The architecture, saved in model.json; {@code quantiles} empty means one point forecast. */
    public record Config(int inputSize, int targets, int futureSize, int hiddenSize, int numLayers, int horizon, List<Double> quantiles,
                         Style style, boolean attention, float dropout, int inputLength, boolean highway, int members) {
        public Config {
            if (inputSize < 1 || targets < 1 || targets > inputSize) {
                throw new IllegalArgumentException("need 1 <= targets <= inputSize, got " + targets + " and " + inputSize);
            }
            if (futureSize < 0 || hiddenSize < 1 || numLayers < 1 || horizon < 1) {
                throw new IllegalArgumentException("need futureSize >= 0, hiddenSize, numLayers and horizon >= 1; got " + futureSize + ", " + hiddenSize
                        + ", " + numLayers + ", " + horizon);
            }
            quantiles = quantiles == null ? List.of() : List.copyOf(quantiles);
            for (double q : quantiles) if (!(q > 0 && q < 1)) throw new IllegalArgumentException("quantiles must be in (0, 1), got " + q);
            if (style == null) throw new IllegalArgumentException("style must be DIRECT or SEQ2SEQ");
            if (attention && style != Style.SEQ2SEQ) throw new IllegalArgumentException("attention needs the SEQ2SEQ style");
            if (!(dropout >= 0f && dropout < 1f)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
            if (highway && inputLength < 1) throw new IllegalArgumentException("the highway needs the input length, got " + inputLength);
            if (members < 1) throw new IllegalArgumentException("members must be >= 1, got " + members);
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

    /** One network of the ensemble. */
    private static final class Member extends Module {
        private final Config config;
        private final RecurrentLayer encoder;
        private final Linear head;
        private final GruCell cell;
        private final AdditiveAttention attention;
        private final Linear out;
        private final Linear highway;

        Member(Config config, Rng rng) {
            this.config = config;
            int h = config.hiddenSize(), o = config.targets() * config.outputs();
            encoder = registerModule("encoder", StackedGru.of(new StackedGru.Config(config.inputSize(), h, config.numLayers(), false,
                    config.numLayers() > 1 ? config.dropout() : 0f, StackedGru.Connection.NONE), rng));
            if (config.style() == Style.DIRECT) {
                head = registerModule("head", new Linear(h, config.horizon() * o, rng));
                cell = null;
                attention = null;
                out = null;
            } else {
                head = null;
                cell = registerModule("cell", new GruCell(config.targets() + config.futureSize(), h, rng));
                attention = config.attention() ? registerModule("attention", new AdditiveAttention(h, h, h, rng)) : null;
                out = registerModule("out", new Linear(config.attention() ? 2 * h : h, o, rng));
            }
            highway = config.highway() ? registerModule("highway", new Linear(config.inputLength(), config.horizon(), rng)) : null;
        }

        Tensor forward(Tensor x, Tensor future) {
            Shape.expect("inputs", x, -1, -1, config.inputSize());
            int b = x.dim(0), len = x.dim(1), hz = config.horizon(), k = config.targets(), q = config.outputs();
            Tensor y = config.style() == Style.DIRECT ? Ops.reshape(head.forward(lastState(x)), b, hz, k, q) : decode(x, future);
            if (highway == null) return y;
            if (len != config.inputLength()) throw new IllegalArgumentException("the highway needs windows of " + config.inputLength() + " steps, got " + len);
            Tensor windows = Ops.transpose(Ops.narrow(x, 2, 0, k), 1, 2); // [B, K, L]
            Tensor linear = Ops.transpose(highway.forward(windows), 1, 2); // [B, H, K]
            return Ops.add(y, Ops.reshape(linear, b, hz, k, 1)); // the same shift for every quantile
        }

        private Tensor lastState(Tensor x) {
            return Ops.select(encoder.forward(x, null, null).hN(), 0, config.numLayers() - 1); // [B, H]
        }

        private Tensor decode(Tensor x, Tensor future) {
            int b = x.dim(0), len = x.dim(1), hz = config.horizon(), k = config.targets(), q = config.outputs();
            var enc = encoder.forward(x, null, null);
            Tensor last = Ops.select(enc.hN(), 0, config.numLayers() - 1);
            if (config.futureSize() > 0) Shape.expect("future features", future, b, hz, config.futureSize());
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
