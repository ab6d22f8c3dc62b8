package io.keyward.decision;

/**
 * The answer to a request Keyward's web app holds but no step serves: an unknown path, or one the
 * container itself could not read. Shared by the servlet that answers inside the web app and by an
 * embedding server's own error handler, so both speak the one JSON error shape.
 */
public record NotServed(int status, String code, String message) {
    static final String HOW = "Keyward serves /{vendor}/... (or any path with a vault key in Authorization) and /admin/...";

    /** @param containerStatus the status the container chose, or 0 for a path nothing serves */
    public static NotServed of(int containerStatus) {
        if (containerStatus < 400 || containerStatus == 404 || containerStatus == 405) {
            // 404 also for 405: no servlet of Keyward's takes some methods only; the path is not served.
            return new NotServed(404, "not_found", "nothing here: " + HOW);
        }
        if (containerStatus < 500) {
            return new NotServed(containerStatus, "invalid_request", "the request could not be read");
        }
        return new NotServed(containerStatus, Code.ERROR_UNAVAILABLE.wire(), "Keyward is unavailable; try again later");
    }

    /** The JSON error body, for a server that writes it itself. */
    public byte[] body(String requestId) {
        return ErrorReply.body(status, code, message, null, requestId);
    }
}
