package org.grukit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.grukit.core.kernel.Gemm;
import org.grukit.core.kernel.GruKernels;
import org.grukit.core.kernel.VectorSupport;
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
        // Said once, through the logging facade, with the flag that fixes it.
        String notice = VectorSupport.notice();
        assertNotNull(notice, "running without the Vector API module must be logged");
        assertTrue(notice.contains("--add-modules jdk.incubator.vector"), notice);
        new GruParityTest().matchesTorch("gru_varlen_2layer_batch_first");
        new GruParityTest().matchesTorch("gru_reset_before");
        new TrainingParityTest().lossCurveMatchesTorch("adam");
    }
}
