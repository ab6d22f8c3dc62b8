package io.keyward.samples.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** Draws the latency percentiles of each benchmarked path as grouped bars (Java2D, headless). */
final class LatencyChart {
    /** One group of bars: a path and its p50, p90, p99 in milliseconds. */
    record Group(String label, double p50, double p90, double p99) {
    }

    private static final Color[] COLORS = {new Color(0x4C78A8), new Color(0xF58518), new Color(0xE45756)};
    private static final String[] NAMES = {"p50", "p90", "p99"};

    private LatencyChart() {
    }

    static void write(String title, String subtitle, List<Group> groups, Path png) throws IOException {
        int width = 180 + groups.size() * 170;
        int height = 460;
        int left = 80;
        int bottom = height - 90;
        int top = 80;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, left, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(subtitle, left, 50);
        double max = groups.stream().mapToDouble(Group::p99).max().orElse(1);
        double scaleMax = niceCeiling(max);
        g.setColor(new Color(0xDDDDDD));
        for (int i = 0; i <= 5; i++) {
            int y = bottom - (int) ((bottom - top) * i / 5.0);
            g.drawLine(left, y, width - 20, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format("%.2f ms", scaleMax * i / 5), 8, y + 4);
            g.setColor(new Color(0xDDDDDD));
        }
        int bar = 40;
        for (int i = 0; i < groups.size(); i++) {
            Group group = groups.get(i);
            double[] values = {group.p50(), group.p90(), group.p99()};
            int x0 = left + 30 + i * 170;
            for (int b = 0; b < 3; b++) {
                int h = (int) Math.round((bottom - top) * values[b] / scaleMax);
                g.setColor(COLORS[b]);
                g.fillRect(x0 + b * (bar + 4), bottom - h, bar, h);
                g.setColor(Color.BLACK);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
                g.drawString(String.format("%.2f", values[b]), x0 + b * (bar + 4) + 2, bottom - h - 4);
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString(group.label(), x0, bottom + 20);
        }
        g.setStroke(new BasicStroke(1));
        g.setColor(Color.BLACK);
        g.drawLine(left, bottom, width - 20, bottom);
        for (int b = 0; b < 3; b++) {
            g.setColor(COLORS[b]);
            g.fillRect(left + b * 90, height - 40, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(NAMES[b], left + b * 90 + 20, height - 28);
        }
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }

    private static double niceCeiling(double value) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= value) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }
}
