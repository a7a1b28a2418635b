package org.grukit.core.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.grukit.core.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The shipped GEMM against the plain triple loop, all transpose combinations, odd sizes and leading dims. */
class GemmTest {

    @ParameterizedTest
    @CsvSource({"1,1,1", "3,5,7", "17,33,9", "64,130,257", "5,600,140", "130,3,520"})
    void matchesReferenceForEveryTransposeCombination(int m, int n, int k) {
        Rng rng = new Rng(m * 1000L + n * 10L + k);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 2, ldc = n + 5;
                float[] a = random(rng, (ta ? k : m) * lda + 4);
                float[] b = random(rng, (tb ? n : k) * ldb + 4);
                float[] c1 = random(rng, m * ldc + 6);
                float[] c2 = c1.clone();
                Gemm.gemm(c1, 6, ldc, a, 4, lda, ta, b, 4, ldb, tb, m, n, k);
                Gemm.gemmReference(c2, 6, ldc, a, 4, lda, ta, b, 4, ldb, tb, m, n, k);
                double worst = 0;
                for (int i = 0; i < c1.length; i++) worst = Math.max(worst, Math.abs(c1[i] - c2[i]));
                double tol = 1e-6 * k + 1e-6;
                assertTrue(worst <= tol, "transA=" + ta + " transB=" + tb + " max |diff| " + worst + " > " + tol);
            }
        }
    }

    private static float[] random(Rng rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rng.uniform(-1, 1);
        return x;
    }
}
