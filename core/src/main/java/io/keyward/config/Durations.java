package io.keyward.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the short duration form used in config and in the admin API: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 8h}, {@code 7d}. */
public final class Durations {
    private static final Pattern SHORT = Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)");

    private Durations() {
    }

    /** @throws IllegalArgumentException with a message fit for the user when the text is not a positive duration */
    public static Duration parse(String text) {
        Matcher m = text == null ? null : SHORT.matcher(text.strip());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("must be a duration such as \"30m\", \"8h\" or \"7d\"");
        }
        long n = Long.parseLong(m.group(1));
        if (n == 0) {
            throw new IllegalArgumentException("must be greater than zero");
        }
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
