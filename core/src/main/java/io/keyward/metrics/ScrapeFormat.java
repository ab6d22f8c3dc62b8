package io.keyward.metrics;

import java.util.Locale;

/**
 * What {@code GET /admin/metrics} answers in, from the caller's {@code Accept}: the Prometheus text
 * format (0.0.4) or OpenMetrics 1.0 when a scraper asks for one, the admin API's JSON otherwise.
 * Prometheus lists several types with weights ({@code application/openmetrics-text;version=1.0.0;q=0.6,
 * ...,text/plain;version=0.0.4;q=0.3,...}); the listed type of highest weight wins, the first listed
 * among equals, and any other type (curl's {@code *}/{@code *}) or no header at all keeps the JSON
 * scripts already read.
 */
public enum ScrapeFormat {
    JSON,
    PROMETHEUS_TEXT,
    OPENMETRICS;

    public static ScrapeFormat of(String accept) {
        if (accept == null || accept.isBlank()) {
            return JSON;
        }
        ScrapeFormat best = JSON;
        double bestWeight = 0;
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            ScrapeFormat format = named(parts[0].strip().toLowerCase(Locale.ROOT));
            double weight = weight(parts);
            if (format != null && weight > bestWeight) {
                best = format;
                bestWeight = weight;
            }
        }
        return best;
    }

    private static ScrapeFormat named(String mediaType) {
        return switch (mediaType) {
            case "application/openmetrics-text" -> OPENMETRICS;
            case "text/plain" -> PROMETHEUS_TEXT;
            case "application/json" -> JSON;
            default -> null;
        };
    }

    /** The {@code q} parameter, 1 when absent; a malformed one counts as 0, as if the type were not listed. */
    private static double weight(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            String param = parts[i].strip();
            if (param.startsWith("q=")) {
                try {
                    double q = Double.parseDouble(param.substring(2));
                    return q >= 0 && q <= 1 ? q : 0;
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }
}
