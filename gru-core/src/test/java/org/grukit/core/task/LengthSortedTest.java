package org.grukit.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Length-sorted batched inference: batches of similar lengths, results in input order. */
class LengthSortedTest {
    @Test
    void batchesAreOfSimilarLengthAndResultsComeBackInInputOrder() {
        List<String> items = List.of("ccc", "a", "bbbbb", "dd", "e", "ffff", "gggggg");
        List<List<String>> batches = new ArrayList<>();
        List<Integer> out = LengthSorted.map(items, String::length, 3, batch -> {
            batches.add(batch);
            return batch.stream().map(String::length).toList();
        });
        assertEquals(List.of(3, 1, 5, 2, 1, 4, 6), out);
        assertEquals(List.of(List.of("a", "e", "dd"), List.of("ccc", "ffff", "bbbbb"), List.of("gggggg")), batches);
    }

    @Test
    void aBatchThatLosesResultsIsAnError() {
        var e = assertThrows(IllegalStateException.class, () -> LengthSorted.map(List.of("a", "b"), String::length, 2,
                batch -> List.of(1)));
        assertTrue(e.getMessage().contains("2 inputs gave 1"), e.getMessage());
    }
}
