package org.grukit.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.grukit.core.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shipped GEMM against the plain triple loop: both micro-kernels (Vector API and plain Java), every
 * transpose combination, sizes that are not multiples of the panel sizes, leading dimensions larger than
 * the rows, pre-packed B, the few-row path and the threaded split.
 */
class GemmTest {

    static List<GemmDriver> drivers() {
        List<GemmDriver> d = new ArrayList<>();
        d.add(new GemmDriver(new ScalarMicroKernel()));
        d.add(new GemmDriver(new VectorMicroKernel()));
        return d;
    }

    @Test
    void theTestJvmShipsTheVectorKernel() {
        // Surefire runs with --add-modules jdk.incubator.vector, as the launcher does.
        assertTrue(Gemm.backend().startsWith("vector-"), Gemm.backend());
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "3,5,7", "4,32,256", "17,33,9", "64,130,257", "5,600,140", "130,3,520", "1,768,256",
                "2,40,300", "129,70,600"})
    void bothKernelsMatchTheReference(int m, int n, int k) {
        Rng rng = new Rng(m * 1000L + n * 10L + k);
        for (GemmDriver driver : drivers()) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 2, ldc = n + 5;
                    float[] a = random(rng, (ta ? k : m) * lda + 4);
                    float[] b = random(rng, (tb ? n : k) * ldb + 4);
                    float[] c1 = random(rng, m * ldc + 6);
                    float[] c2 = c1.clone();
                    float[] c3 = c1.clone();
                    driver.gemm(c1, 6, ldc, a, 4, lda, ta, b, 4, ldb, tb, m, n, k);
                    Gemm.gemmReference(c2, 6, ldc, a, 4, lda, ta, b, 4, ldb, tb, m, n, k);
                    Gemm.Packed packed = driver.pack(b, 4, ldb, tb, k, n);
                    driver.multiply(c3, 6, ldc, a, 4, lda, ta, packed, m, false);
                    String what = driver.kernel.name() + " m=" + m + " n=" + n + " k=" + k + " transA=" + ta + " transB=" + tb;
                    assertClose(what, c2, c1, k);
                    assertClose(what + " (pre-packed)", c2, c3, k);
                }
            }
        }
    }

    /** The entry point's shortcuts (matrix-vector, outer product, row times matrix) against the reference. */
    @ParameterizedTest
    @CsvSource({"1024,1,256", "300,1,17", "1024,256,1", "40,33,1", "1,256,1024", "1,70,300", "1,1,5000"})
    void entryPointShortcutsMatchTheReference(int m, int n, int k) {
        Rng rng = new Rng(m * 7L + n * 3L + k);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (boolean tight : new boolean[] {false, true}) { // tight: a column C with ldc 1, a B row with ldb 1
                    int lda = (ta ? m : k) + 3, ldb = tight ? (tb ? k : n) : (tb ? k : n) + 2, ldc = tight ? n : n + 5;
                    float[] a = random(rng, (ta ? k : m) * lda + 4);
                    float[] b = random(rng, (tb ? n : k) * ldb + 4);
                    float[] c1 = random(rng, m * ldc + 6);
                    float[] c2 = c1.clone();
                    Gemm.gemm(c1, 6, ldc, a, 4, lda, ta, b, 4, ldb, tb, m, n, k);
                    Gemm.gemmReference(c2, 6, ldc, a, 4, lda, ta, b, 4, ldb, tb, m, n, k);
                    assertClose("m=" + m + " n=" + n + " k=" + k + " transA=" + ta + " transB=" + tb + " ldc=" + ldc, c2, c1, k);
                }
            }
        }
    }

    @Test
    void threadedProductsMatchSerialOnes() {
        Rng rng = new Rng(5);
        int m = 200, n = 700, k = 300;
        float[] a = random(rng, m * k), b = random(rng, k * n);
        float[] serial = new float[m * n], threaded = new float[m * n];
        Gemm.Packed packed = Gemm.pack(b, 0, n, false, k, n);
        Gemm.gemmSerial(serial, 0, n, a, 0, k, false, packed, m);
        Gemm.gemm(threaded, 0, n, a, 0, k, false, packed, m);
        // Each C element is computed by exactly one thread in the same order: bit-identical.
        for (int i = 0; i < serial.length; i++) assertEquals(serial[i], threaded[i], 0f, "element " + i);
    }

    @Test
    void tallProductsSplitByRowsMatchSerialOnes() {
        Rng rng = new Rng(6);
        int m = 1030, n = 70, k = 300; // tall: split by rows, with a remainder block of rows
        for (boolean transA : new boolean[] {false, true}) {
            int lda = transA ? m : k;
            float[] a = random(rng, m * k), b = random(rng, k * n);
            float[] serial = new float[m * n], threaded = new float[m * n], reference = new float[m * n];
            Gemm.Packed packed = Gemm.pack(b, 0, n, false, k, n);
            Gemm.gemmSerial(serial, 0, n, a, 0, lda, transA, packed, m);
            Gemm.gemm(threaded, 0, n, a, 0, lda, transA, packed, m);
            Gemm.gemmReference(reference, 0, n, a, 0, lda, transA, b, 0, n, false, m, n, k);
            for (int i = 0; i < serial.length; i++) assertEquals(serial[i], threaded[i], 0f, "transA=" + transA + " " + i);
            assertClose("tall transA=" + transA, reference, threaded, k);
        }
    }

    private static void assertClose(String what, float[] expected, float[] actual, int k) {
        double worst = 0;
        for (int i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        double tol = 1e-6 * k + 1e-6;
        assertTrue(worst <= tol, what + ": max |diff| " + worst + " > " + tol);
    }

    private static float[] random(Rng rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rng.uniform(-1, 1);
        return x;
    }
}
