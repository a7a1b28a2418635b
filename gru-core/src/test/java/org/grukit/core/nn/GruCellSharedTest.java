package org.grukit.core.nn;

import static org.grukit.core.GradCheck.assertPasses;
import static org.grukit.core.GradCheck.check;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.grukit.core.Ops;
import org.grukit.core.Rng;
import org.grukit.core.Tensor;
import org.junit.jupiter.api.Test;

/** GruCell.forwardShared: the step of rows that share inputs and states equals the plain step on the gathered rows. */
class GruCellSharedTest {
    private static final int[] X_ROWS = {0, 1, 2, 0, 1, 2, 2}, H_ROWS = {0, 0, 0, 1, 1, 1, 0};

    @Test
    void equalsTheStepOnGatheredRowsForBothResetPlacements() {
        for (boolean resetAfter : new boolean[] {true, false}) {
            Rng rng = new Rng(7);
            GruCell cell = new GruCell(4, 5, true, resetAfter, rng);
            Tensor x = Tensor.randn(rng, 3, 4), h = Tensor.randn(rng, 2, 5);
            Tensor shared = cell.forwardShared(x, X_ROWS, h, H_ROWS);
            Tensor plain = cell.forward(Ops.indexSelect(x, X_ROWS), Ops.indexSelect(h, H_ROWS));
            assertArrayEquals(plain.toArray(), shared.toArray(), 1e-6f, "reset after: " + resetAfter);
        }
    }

    @Test
    void hasFiniteDifferenceGradientsForInputsStatesAndWeights() {
        Rng rng = new Rng(8);
        GruCell cell = new GruCell(3, 4, rng);
        Tensor x = Tensor.randn(rng, 3, 3).requiresGrad(true), h = Tensor.randn(rng, 2, 4).requiresGrad(true);
        java.util.List<Tensor> all = new java.util.ArrayList<>(java.util.List.of(x, h));
        all.addAll(cell.parameters());
        assertPasses("shared GRU step", check(in -> cell.forwardShared(in[0], X_ROWS, in[1], H_ROWS), all.toArray(new Tensor[0])));
    }

    @Test
    void namesWhatItExpected() {
        GruCell cell = new GruCell(3, 4, new Rng(1));
        var e = assertThrows(IllegalArgumentException.class, () -> cell.forwardShared(Tensor.zeros(2, 5), new int[] {0}, Tensor.zeros(1, 4), new int[] {0}));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("[X, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cell.forwardShared(Tensor.zeros(2, 3), new int[] {0, 1}, Tensor.zeros(1, 4), new int[] {0}));
    }
}
