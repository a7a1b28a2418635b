package org.grukit.core;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Finite-difference gradient checking, as torch.autograd.gradcheck: the loss is sum(f(inputs) * r) for a
 * fixed random r, its analytic gradient comes from backward, and each input value is perturbed by
 * +-eps for the central difference. float32 arithmetic bounds how tight this can be; the defaults suit
 * tiny shapes with values of order one.
 */
public final class GradCheck {
    private GradCheck() {}

    /** The worst disagreement found for one input. */
    public record Result(int input, int worstIndex, double analytic, double numeric, double error, boolean passed) {
        @Override
        public String toString() {
            return "input " + input + (passed ? " ok" : " FAILED") + ": worst at flat index " + worstIndex
                    + " analytic " + analytic + " numeric " + numeric + " (error " + error + ")";
        }
    }

    public static final double DEFAULT_EPS = 1e-2;
    public static final double DEFAULT_ATOL = 2e-3;
    public static final double DEFAULT_RTOL = 2e-2;

    /** Checks every input that requires grad with the default tolerances. */
    public static List<Result> check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        return check(f, inputs, DEFAULT_EPS, DEFAULT_ATOL, DEFAULT_RTOL, 1234L);
    }

    /**
     * @param f      a deterministic function of the inputs
     * @param inputs the inputs; those marked requiresGrad are checked
     * @return one result per checked input; passed when {@code |analytic - numeric| <= atol + rtol * |numeric|}
     *         for every value
     */
    public static List<Result> check(Function<Tensor[], Tensor> f, Tensor[] inputs, double eps, double atol,
                                     double rtol, long seed) {
        for (Tensor t : inputs) if (t != null) t.zeroGrad();
        Tensor out = f.apply(inputs);
        Tensor weights = Tensor.randn(new Rng(seed), out.shape());
        Ops.sum(Ops.mul(out, weights)).backward();

        List<Result> results = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            if (t == null || !t.requiresGrad()) continue;
            Tensor g = t.grad();
            float[] analytic = g == null ? new float[t.numel()] : g.toArray();
            double worstExcess = Double.NEGATIVE_INFINITY;
            int worst = -1;
            double wa = 0, wn = 0;
            boolean passed = true;
            for (int k = 0; k < t.numel(); k++) {
                float orig = t.data[t.offset + k];
                t.data[t.offset + k] = (float) (orig + eps);
                t.bumpVersion();
                double plus = loss(f, inputs, weights);
                t.data[t.offset + k] = (float) (orig - eps);
                t.bumpVersion();
                double minus = loss(f, inputs, weights);
                t.data[t.offset + k] = orig;
                t.bumpVersion();
                double numeric = (plus - minus) / (2 * eps);
                double err = Math.abs(analytic[k] - numeric);
                double excess = err - (atol + rtol * Math.abs(numeric));
                if (excess > 0 || Double.isNaN(err)) passed = false;
                if (excess > worstExcess || worst < 0) {
                    worstExcess = excess;
                    worst = k;
                    wa = analytic[k];
                    wn = numeric;
                }
            }
            results.add(new Result(i, worst, wa, wn, Math.abs(wa - wn), passed));
        }
        return results;
    }

    private static double loss(Function<Tensor[], Tensor> f, Tensor[] inputs, Tensor weights) {
        try (GradMode g = GradMode.noGrad()) {
            Tensor out = f.apply(inputs);
            double s = 0;
            for (int k = 0; k < out.numel(); k++) {
                s += (double) out.data[out.offset + k] * weights.data[weights.offset + k];
            }
            return s;
        }
    }

    /** Throws AssertionError naming every failing input. */
    public static void assertPasses(String what, List<Result> results) {
        StringBuilder sb = new StringBuilder();
        for (Result r : results) if (!r.passed()) sb.append("\n  ").append(r);
        if (results.isEmpty()) throw new AssertionError(what + ": no input requires grad, nothing was checked");
        if (sb.length() > 0) throw new AssertionError(what + " gradient check failed:" + sb);
    }
}
