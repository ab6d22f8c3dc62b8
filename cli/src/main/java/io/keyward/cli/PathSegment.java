package io.keyward.cli;

/** A value that goes into the admin API's path: only what ids are made of, so it cannot reach another route. */
final class PathSegment {
    private PathSegment() {
    }

    static String of(String label, String value) {
        if (value == null || !value.matches("[A-Za-z0-9_.-]{1,200}") || value.equals(".") || value.equals("..")) {
            throw new ApiFailure(ExitCode.USAGE, label + " must be letters, digits, '_', '-' or '.': " + Printer.safe(String.valueOf(value)));
        }
        return value;
    }
}
