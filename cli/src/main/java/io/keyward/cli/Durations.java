package io.keyward.cli;

import java.time.Duration;

/** {@code 500ms}, {@code 2s}, {@code 5m}: the spellings the gateway's own config uses. */
final class Durations {
    private Durations() {
    }

    static Duration parse(String option, String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,6})(ms|s|m|h)").matcher(text.strip());
        if (!m.matches()) {
            throw new ApiFailure(ExitCode.USAGE, option + " must be a number and ms, s, m or h, such as 2s: " + Printer.safe(text));
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
        if (d.isZero()) {
            throw new ApiFailure(ExitCode.USAGE, option + " must be more than zero");
        }
        return d;
    }
}
