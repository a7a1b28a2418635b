package org.grukit.examples.cli;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.grukit.core.io.AtomicFiles;
import org.grukit.nlp.sentiment.SentimentClassifier;

/**
 * Attention weights of sentiment predictions as a picture: a line per text with its prediction, each token in
 * a box shaded by its weight (white 0 to dark blue 1), so the words the model pooled from stand out.
 */
final class SentimentPictures {
    private SentimentPictures() {}

    static void heatmap(Path png, List<SentimentClassifier.Explanation> explanations) throws IOException {
        if (explanations.isEmpty()) throw new IllegalArgumentException("nothing to draw");
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 14), bold = font.deriveFont(Font.BOLD);
        FontMetrics fm = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics().getFontMetrics(font);
        int pad = 6, rowH = fm.getHeight() + 2 * pad + 6, labelW = fm.stringWidth("pos 0.000") + 40, width = 0;
        for (SentimentClassifier.Explanation e : explanations) {
            int w = labelW;
            for (var t : e.tokens()) w += fm.stringWidth(t.text()) + 2 * pad + 4;
            width = Math.max(width, w);
        }
        int height = 40 + rowH * explanations.size() + 10;
        BufferedImage img = new BufferedImage(Math.min(width + 20, 4000), height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(bold);
        g.drawString("attention weight per token (darker: more weight)", 10, 24);
        for (int r = 0; r < explanations.size(); r++) {
            SentimentClassifier.Explanation e = explanations.get(r);
            int y = 40 + r * rowH, x = 10;
            g.setFont(bold);
            g.setColor(Color.BLACK);
            g.drawString(String.format("%s %.3f", e.prediction().label(), e.prediction().probability()), x, y + pad + fm.getAscent());
            x += labelW;
            g.setFont(font);
            for (int k = 0; k < e.tokens().size(); k++) {
                String text = e.tokens().get(k).text();
                float w = (float) Math.max(0, Math.min(1, e.weights()[k]));
                int boxW = fm.stringWidth(text) + 2 * pad;
                g.setColor(new Color(1 - 0.85f * w, 1 - 0.75f * w, 1 - 0.35f * w));
                g.fillRect(x, y, boxW, fm.getHeight() + 2 * pad);
                g.setColor(new Color(200, 200, 200));
                g.drawRect(x, y, boxW, fm.getHeight() + 2 * pad);
                g.setColor(w > 0.55f ? Color.WHITE : Color.BLACK);
                g.drawString(text, x + pad, y + pad + fm.getAscent());
                x += boxW + 4;
            }
        }
        g.dispose();
        AtomicFiles.write(png, out -> javax.imageio.ImageIO.write(img, "png", out));
    }
}
