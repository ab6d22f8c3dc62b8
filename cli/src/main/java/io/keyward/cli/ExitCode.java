package io.keyward.cli;

/** What a script can tell apart without reading the message. */
final class ExitCode {
    static final int OK = 0;
    /** The gateway refused the request as asked: bad input (400), a conflict (409). */
    static final int REFUSED = 1;
    /** The command line itself is wrong (picocli's own code for usage errors), or no token was given. */
    static final int USAGE = 2;
    /** The token is wrong or lacks the scope (401, 403), or too many failed tries (429). */
    static final int DENIED = 3;
    /** No such key, or no admin API at that address (404). */
    static final int NOT_FOUND = 4;
    /** The gateway could not be reached or could not answer (5xx, connection refused, timeout). */
    static final int UNAVAILABLE = 5;

    private ExitCode() {
    }

    static int forStatus(int status) {
        if (status == 401 || status == 403 || status == 429) {
            return DENIED;
        }
        if (status == 404) {
            return NOT_FOUND;
        }
        return status >= 500 ? UNAVAILABLE : REFUSED;
    }
}
