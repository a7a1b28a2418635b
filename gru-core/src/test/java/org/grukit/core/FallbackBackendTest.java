package org.grukit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.grukit.core.kernel.Gemm;
import org.grukit.core.kernel.GruKernels;
import org.junit.jupiter.api.Test;

/**
 * Run by its own Surefire execution without {@code --add-modules jdk.incubator.vector}: grukit then picks the
 * plain-Java kernels by itself, and still matches PyTorch.
 */
class FallbackBackendTest {
    @Test
    void withoutTheIncubatorModuleThePlainKernelsRunAndMatchTorch() {
        assertEquals("java", Gemm.backend());
        assertEquals("java", GruKernels.GATES.name());
        new GruParityTest().matchesTorch("gru_varlen_2layer_batch_first");
        new GruParityTest().matchesTorch("gru_reset_before");
        new TrainingParityTest().lossCurveMatchesTorch("adam");
    }
}
