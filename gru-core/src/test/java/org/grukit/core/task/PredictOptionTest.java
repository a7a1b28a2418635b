package org.grukit.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A request's options: defaults filled in, bounds and names checked, the messages naming the option. */
class PredictOptionTest {
    static final List<PredictOption> OPTIONS = List.of(PredictOption.beam(5), PredictOption.nBest("translations"));

    @Test
    void defaultsFillWhatARequestLeavesOut() {
        assertEquals(Map.of("beam", 5, "n_best", 1), PredictOption.resolve(OPTIONS, Map.of()));
        assertEquals(Map.of("beam", 2, "n_best", 1), PredictOption.resolve(OPTIONS, Map.of("beam", 2)));
        assertEquals(List.of("beam", "n_best"), List.copyOf(PredictOption.resolve(OPTIONS, Map.of("n_best", 3)).keySet()));
    }

    @Test
    void unknownNamesValuesOutOfBoundsAndOrderAreNamed() {
        String unknown = assertThrows(IllegalArgumentException.class, () -> PredictOption.resolve(OPTIONS, Map.of("top_k", 3))).getMessage();
        assertTrue(unknown.contains("unknown option 'top_k'") && unknown.contains("[beam, n_best]"), unknown);
        String bounds = assertThrows(IllegalArgumentException.class, () -> PredictOption.resolve(OPTIONS, Map.of("beam", 65))).getMessage();
        assertEquals("'beam' must be in [1, 64], got 65", bounds);
        String none = assertThrows(IllegalArgumentException.class, () -> PredictOption.resolve(List.of(), Map.of("beam", 1))).getMessage();
        assertTrue(none.contains("takes none"), none);
        String order = assertThrows(IllegalArgumentException.class,
                () -> PredictOption.requireAtMost(Map.of("beam", 2, "n_best", 3), "n_best", "beam")).getMessage();
        assertEquals("'n_best' (3) must not exceed 'beam' (2)", order);
        assertThrows(IllegalArgumentException.class, () -> new PredictOption("x", 1, 4, 5, ""), "a default out of its bounds");
    }
}
