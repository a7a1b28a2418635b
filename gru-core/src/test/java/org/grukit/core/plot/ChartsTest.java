package org.grukit.core.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Charts write readable PNGs: curves with their colours, heatmaps darker where weights are larger. */
class ChartsTest {
    @TempDir
    Path dir;

    @Test
    void lineChartAndHeatmap() throws Exception {
        Path curve = dir.resolve("curve.png");
        Charts.lineChart(curve, "loss", "epoch", List.of(new Charts.Series("train", new double[] {1, 0.5, 0.1}),
                new Charts.Series("dev", new double[] {1.2, 0.6, Double.NaN})), true);
        BufferedImage img = ImageIO.read(curve.toFile());
        assertEquals(720, img.getWidth());
        boolean blue = false;
        for (int x = 0; x < img.getWidth() && !blue; x++) {
            for (int y = 0; y < img.getHeight(); y++) if ((img.getRGB(x, y) & 0xffffff) == 0x1f77b4) blue = true;
        }
        assertTrue(blue, "the first series is drawn in its colour");
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(curve)));

        Path heat = dir.resolve("heat.png");
        Charts.heatmap(heat, "attention", new float[][] {{1f, 0f}, {0f, 1f}}, List.of("the", "cat"), List.of("le", "chat"));
        BufferedImage h = ImageIO.read(heat.toFile());
        int cell = 40, left = 120, top = 110;
        int strong = h.getRGB(left + cell / 2, top + cell / 2) & 0xff, weak = h.getRGB(left + cell + cell / 2, top + cell / 2) & 0xff;
        int strongRed = (h.getRGB(left + cell / 2, top + cell / 2) >> 16) & 0xff;
        int weakRed = (h.getRGB(left + cell + cell / 2, top + cell / 2) >> 16) & 0xff;
        assertTrue(strongRed < weakRed, "weight 1 is darker than weight 0: " + strongRed + " vs " + weakRed + " " + strong + weak);
        assertThrows(IllegalArgumentException.class,
                () -> Charts.heatmap(heat, "x", new float[][] {{1f}}, List.of("a", "b"), List.of("c")));
    }
}
