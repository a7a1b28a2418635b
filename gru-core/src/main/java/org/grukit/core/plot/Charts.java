package org.grukit.core.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.grukit.core.io.AtomicFiles;

/**
 * PNG pictures for people to look at: line charts (training curves: loss and metrics per epoch) and heatmaps
 * (attention weights, with row and column labels). Drawn with the JDK's headless imaging, written atomically.
 */
public final class Charts {
    private Charts() {}

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** One named series of y values at x = 1, 2, ... (epochs). */
    public record Series(String name, double[] values) {}

    private static final Color[] PALETTE = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
            new Color(214, 39, 40), new Color(148, 103, 189)};

    /** A line chart of the series against their index (1-based), optionally with a logarithmic y axis. */
    public static void lineChart(Path png, String title, String xLabel, List<Series> series, boolean logY) throws IOException {
        int w = 720, h = 440, left = 70, right = 170, top = 40, bottom = 50;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        int n = 0;
        for (Series s : series) {
            n = Math.max(n, s.values().length);
            for (double v : s.values()) {
                if (!Double.isFinite(v) || logY && v <= 0) continue;
                double y = logY ? Math.log10(v) : v;
                lo = Math.min(lo, y);
                hi = Math.max(hi, y);
            }
        }
        if (n == 0 || lo > hi) throw new IllegalArgumentException("nothing to plot");
        if (hi - lo < 1e-12) {
            hi += 0.5;
            lo -= 0.5;
        }
        int pw = w - left - right, ph = h - top - bottom;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, left, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawRect(left, top, pw, ph);
        for (int i = 0; i <= 4; i++) { // y ticks
            double y = lo + (hi - lo) * i / 4;
            int py = top + ph - (int) Math.round(ph * (double) i / 4);
            g.setColor(new Color(225, 225, 225));
            g.drawLine(left + 1, py, left + pw - 1, py);
            g.setColor(Color.BLACK);
            String label = logY ? String.format(Locale.ROOT, "%.3g", Math.pow(10, y)) : String.format(Locale.ROOT, "%.3g", y);
            g.drawString(label, 8, py + 4);
        }
        int ticks = Math.min(n, 10);
        for (int i = 0; i < ticks; i++) { // x ticks
            int x = 1 + (int) Math.round((n - 1) * (double) i / Math.max(1, ticks - 1));
            int px = left + (n == 1 ? pw / 2 : (int) Math.round(pw * (x - 1) / (double) (n - 1)));
            g.drawString(String.valueOf(x), px - 4, top + ph + 16);
        }
        g.drawString(xLabel, left + pw / 2 - 20, h - 12);
        for (int si = 0; si < series.size(); si++) {
            Series s = series.get(si);
            g.setColor(PALETTE[si % PALETTE.length]);
            g.setStroke(new BasicStroke(2f));
            int prevX = -1, prevY = -1;
            for (int i = 0; i < s.values().length; i++) {
                double v = s.values()[i];
                if (!Double.isFinite(v) || logY && v <= 0) {
                    prevX = -1;
                    continue;
                }
                double y = logY ? Math.log10(v) : v;
                int px = left + (n == 1 ? pw / 2 : (int) Math.round(pw * i / (double) (n - 1)));
                int py = top + ph - (int) Math.round(ph * (y - lo) / (hi - lo));
                if (prevX >= 0) g.drawLine(prevX, prevY, px, py);
                g.fillOval(px - 3, py - 3, 6, 6);
                prevX = px;
                prevY = py;
            }
            g.fillRect(left + pw + 15, top + 10 + si * 20, 14, 4);
            g.setColor(Color.BLACK);
            g.drawString(s.name(), left + pw + 35, top + 15 + si * 20);
        }
        g.dispose();
        write(png, img);
    }

    /**
     * A training run at a glance: the train loss (left axis) and the monitored metric (right axis, on its own
     * scale) per epoch, with the chosen epoch marked by a vertical line.
     */
    public static void trainingCurve(Path png, String title, double[] trainLoss, String metric, double[] monitored,
                                     int bestEpoch) throws IOException {
        int n = Math.max(trainLoss.length, monitored.length);
        if (n == 0) throw new IllegalArgumentException("nothing to plot: no epochs");
        int w = 780, h = 440, left = 70, right = 110, top = 40, bottom = 50;
        int pw = w - left - right, ph = h - top - bottom;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, left, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawRect(left, top, pw, ph);
        if (bestEpoch >= 1 && bestEpoch <= n) {
            int bx = xOf(bestEpoch - 1, n, left, pw);
            g.setColor(new Color(150, 150, 150));
            g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {4f, 4f}, 0f));
            g.drawLine(bx, top + 1, bx, top + ph - 1);
            g.drawString("best epoch " + bestEpoch, Math.min(bx + 4, left + pw - 90), top + 14);
        }
        g.setStroke(new BasicStroke(2f));
        drawOnAxis(g, trainLoss, PALETTE[0], n, left, top, pw, ph, 8, "train loss", h);
        drawOnAxis(g, monitored, PALETTE[1], n, left, top, pw, ph, left + pw + 8, metric, h);
        g.setColor(Color.BLACK);
        int ticks = Math.min(n, 10);
        for (int i = 0; i < ticks; i++) {
            int x = 1 + (int) Math.round((n - 1) * (double) i / Math.max(1, ticks - 1));
            g.drawString(String.valueOf(x), xOf(x - 1, n, left, pw) - 4, top + ph + 16);
        }
        g.drawString("epoch", left + pw / 2 - 20, h - 12);
        g.dispose();
        write(png, img);
    }

    private static int xOf(int i, int n, int left, int pw) {
        return left + (n == 1 ? pw / 2 : (int) Math.round(pw * i / (double) (n - 1)));
    }

    /** One series on its own y scale, labelled at {@code labelX} (left or right of the plot) in its colour. */
    private static void drawOnAxis(Graphics2D g, double[] v, Color colour, int n, int left, int top, int pw, int ph,
                                   int labelX, String name, int h) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            if (!Double.isFinite(x)) continue;
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        if (lo > hi) return; // nothing finite to draw
        if (hi - lo < 1e-12) {
            hi += 0.5;
            lo -= 0.5;
        }
        g.setColor(colour);
        for (int i = 0; i <= 4; i++) {
            double y = lo + (hi - lo) * i / 4;
            g.drawString(String.format(Locale.ROOT, "%.3g", y), labelX, top + ph - (int) Math.round(ph * (double) i / 4) + 4);
        }
        g.drawString(name, labelX, top + ph + 34);
        int prevX = -1, prevY = -1;
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                prevX = -1;
                continue;
            }
            int px = xOf(i, n, left, pw), py = top + ph - (int) Math.round(ph * (v[i] - lo) / (hi - lo));
            if (prevX >= 0) g.drawLine(prevX, prevY, px, py);
            g.fillOval(px - 3, py - 3, 6, 6);
            prevX = px;
            prevY = py;
        }
    }

    /**
     * A heatmap of weights [rows][cols] in [0, 1] (darker is larger), with row labels on the left and column
     * labels on top, as attention matrices are shown (rows: output tokens, columns: input tokens).
     */
    public static void heatmap(Path png, String title, float[][] weights, List<String> rowLabels, List<String> colLabels)
            throws IOException {
        int rows = weights.length, cols = rows == 0 ? 0 : weights[0].length;
        if (rows == 0 || cols == 0) throw new IllegalArgumentException("nothing to plot");
        if (rowLabels.size() != rows || colLabels.size() != cols) {
            throw new IllegalArgumentException("expected " + rows + " row and " + cols + " column labels, got "
                    + rowLabels.size() + " and " + colLabels.size());
        }
        int cell = Math.max(14, Math.min(40, 600 / Math.max(rows, cols)));
        int left = 120, top = 110;
        int w = left + cols * cell + 20, h = top + rows * cell + 20;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, 10, 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                float v = Math.max(0f, Math.min(1f, weights[r][c]));
                int shade = Math.round(255 * (1 - v));
                g.setColor(new Color(shade, shade, 255 - Math.round(60 * (1 - v))));
                g.fillRect(left + c * cell, top + r * cell, cell, cell);
            }
            g.setColor(Color.BLACK);
            g.drawString(clip(rowLabels.get(r)), 8, top + r * cell + cell / 2 + 4);
        }
        for (int c = 0; c < cols; c++) { // column labels, rotated
            Graphics2D gr = (Graphics2D) g.create();
            gr.translate(left + c * cell + cell / 2 + 4, top - 6);
            gr.rotate(-Math.PI / 2);
            gr.drawString(clip(colLabels.get(c)), 0, 0);
            gr.dispose();
        }
        g.dispose();
        write(png, img);
    }

    private static String clip(String s) {
        return s.length() > 14 ? s.substring(0, 13) + "…" : s;
    }

    private static Graphics2D canvas(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        return g;
    }

    private static void write(Path png, BufferedImage img) throws IOException {
        AtomicFiles.write(png, out -> {
            if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer available");
        });
    }
}
