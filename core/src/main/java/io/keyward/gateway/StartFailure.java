package io.keyward.gateway;

import java.io.PrintStream;

/**
 * Why Keyward's web app did not start. The reason is also printed as one line on standard error,
 * because containers log a listener's exception where operators do not look: Tomcat writes it to
 * {@code localhost.DATE.log} and leaves {@code catalina.out} (its captured standard error) with
 * only "startup failed due to previous errors", while {@code /keyward} answers 404.
 */
public final class StartFailure extends RuntimeException {
    private static final String PREFIX = "Keyward did not start: ";
    private static final int MAX_REASON_CHARS = 500;

    private StartFailure(String message, Throwable cause) {
        // No cause means the reason is the whole story (a config key): no stack trace to print.
        super(message, cause, false, cause != null);
    }

    /** Prints the reason as one line to standard error and returns the failure to throw. */
    static StartFailure reported(String reason, Throwable cause) {
        return reported(reason, cause, System.err);
    }

    static StartFailure reported(String reason, Throwable cause, PrintStream out) {
        StartFailure failure = new StartFailure(PREFIX + oneLine(reason), cause);
        out.println(failure.getMessage());
        out.flush();
        return failure;
    }

    private static String oneLine(String reason) {
        String flat = String.valueOf(reason).replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
        return flat.length() <= MAX_REASON_CHARS ? flat : flat.substring(0, MAX_REASON_CHARS) + "...";
    }
}
