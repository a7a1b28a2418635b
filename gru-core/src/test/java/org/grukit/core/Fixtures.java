package org.grukit.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import org.grukit.core.io.SafeTensors;

/**
 * Loads the PyTorch fixtures written by the scripts in tools/reference/ (from the test resources of whichever
 * module's tests run) and compares tensors with the stated tolerances, printing the worst difference.
 */
public final class Fixtures {
    private Fixtures() {}

    /** Forward values: absolute tolerance. */
    public static final double FORWARD_ATOL = 1e-5;
    /** Gradients: relative tolerance, against max(|expected|, 1) so near-zero entries compare absolutely. */
    public static final double GRAD_RTOL = 1e-4;

    public static Map<String, Tensor> load(String name) {
        return read(name).tensors();
    }

    public static SafeTensors.Contents read(String name) {
        try {
            var url = Thread.currentThread().getContextClassLoader().getResource("fixtures/" + name + ".safetensors");
            if (url == null) throw new IllegalStateException("fixture " + name + " missing: run tools/reference/make_fixtures.py");
            return SafeTensors.read(Path.of(url.toURI()));
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path path(String name) {
        try {
            return Path.of(Thread.currentThread().getContextClassLoader().getResource("fixtures/" + name + ".safetensors")
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Max |a - e| over the values, after checking shapes. */
    public static double maxAbsDiff(String what, Tensor expected, Tensor actual) {
        assertTrue(java.util.Arrays.equals(expected.shape(), actual.shape()),
                what + ": expected shape " + Shape.str(expected.shape()) + ", got " + Shape.str(actual.shape()));
        double worst = 0;
        for (int i = 0; i < expected.numel(); i++) {
            double d = Math.abs(expected.array()[expected.offset() + i] - actual.array()[actual.offset() + i]);
            if (Double.isNaN(d)) return Double.POSITIVE_INFINITY;
            worst = Math.max(worst, d);
        }
        return worst;
    }

    public static void assertForward(String what, Tensor expected, Tensor actual) {
        double d = maxAbsDiff(what, expected, actual);
        System.out.printf("parity %-48s max |diff| %.2e%n", what, d);
        assertTrue(d <= FORWARD_ATOL, what + ": max |diff| " + d + " > " + FORWARD_ATOL);
    }

    /** |a - e| <= rtol * max(|e|, 1) elementwise; reports the worst ratio. */
    public static void assertGrad(String what, Tensor expected, Tensor actual) {
        assertTrue(actual != null, what + ": no gradient was computed");
        assertTrue(java.util.Arrays.equals(expected.shape(), actual.shape()),
                what + ": expected shape " + Shape.str(expected.shape()) + ", got " + Shape.str(actual.shape()));
        double worst = 0;
        for (int i = 0; i < expected.numel(); i++) {
            double e = expected.array()[expected.offset() + i], a = actual.array()[actual.offset() + i];
            double r = Math.abs(a - e) / Math.max(Math.abs(e), 1.0);
            if (Double.isNaN(r)) r = Double.POSITIVE_INFINITY;
            worst = Math.max(worst, r);
        }
        System.out.printf("parity %-48s max rel   %.2e%n", what, worst);
        assertTrue(worst <= GRAD_RTOL, what + ": max relative diff " + worst + " > " + GRAD_RTOL);
    }

    public static int[] ints(Tensor t) {
        int[] out = new int[t.numel()];
        for (int i = 0; i < out.length; i++) out[i] = Math.round(t.array()[t.offset() + i]);
        return out;
    }
}
