package io.keyward.testing;

import java.util.Map;
import java.util.TreeMap;

/**
 * A scrape in the Prometheus text format or OpenMetrics, read into samples: {@code name{a="1",b="2"}}
 * (labels sorted by name) to value. Comment lines ({@code # HELP}, {@code # TYPE}, {@code # EOF}) are
 * skipped; a line that is neither a comment nor a sample fails the read, so a malformed scrape
 * cannot pass a test by parsing to nothing.
 */
public final class Exposition {
    private final Map<String, Double> samples;

    private Exposition(Map<String, Double> samples) {
        this.samples = samples;
    }

    public static Exposition parse(String text) {
        Map<String, Double> samples = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int braces = line.indexOf('{');
            int space = line.indexOf(' ');
            String name;
            String labels = "";
            String rest;
            if (braces >= 0 && (space < 0 || braces < space)) {
                name = line.substring(0, braces);
                int close = closingBrace(line, braces);
                labels = sortedLabels(line.substring(braces + 1, close));
                rest = line.substring(close + 1).strip();
            } else {
                if (space < 0) {
                    throw new AssertionError("not a sample line: " + line);
                }
                name = line.substring(0, space);
                rest = line.substring(space + 1).strip();
            }
            if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
                throw new AssertionError("not a metric name in: " + line);
            }
            String value = rest.split(" ")[0];
            samples.put(name + "{" + labels + "}", parseValue(value, line));
        }
        return new Exposition(samples);
    }

    private static int closingBrace(String line, int open) {
        boolean quoted = false;
        for (int i = open + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '}' && !quoted) {
                return i;
            }
        }
        throw new AssertionError("unclosed labels: " + line);
    }

    private static String sortedLabels(String labels) {
        Map<String, String> sorted = new TreeMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?").matcher(labels);
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                throw new AssertionError("malformed labels: " + labels);
            }
            sorted.put(m.group(1), m.group(2));
            end = m.end();
        }
        if (end != labels.length()) {
            throw new AssertionError("malformed labels: " + labels);
        }
        StringBuilder out = new StringBuilder();
        sorted.forEach((k, v) -> out.append(out.length() == 0 ? "" : ",").append(k).append("=\"").append(v).append('"'));
        return out.toString();
    }

    private static double parseValue(String value, String line) {
        return switch (value) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(value);
                } catch (NumberFormatException e) {
                    throw new AssertionError("not a sample value in: " + line);
                }
            }
        };
    }

    /**
     * The sample of {@code name} with exactly these labels (given as {@code "vendor", "stripe", ...}),
     * or 0 when the scrape has none yet (a counter whose labels have not been seen).
     */
    public double value(String name, String... labels) {
        return samples.getOrDefault(key(name, labels), 0.0);
    }

    public boolean has(String name, String... labels) {
        return samples.containsKey(key(name, labels));
    }

    public Map<String, Double> samples() {
        return samples;
    }

    private static String key(String name, String... labels) {
        Map<String, String> sorted = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            sorted.put(labels[i], labels[i + 1]);
        }
        StringBuilder out = new StringBuilder();
        sorted.forEach((k, v) -> out.append(out.length() == 0 ? "" : ",").append(k).append("=\"").append(v).append('"'));
        return name + "{" + out + "}";
    }
}
