package io.keyward.policy;

/** A policy that cannot be used: the message starts with the path of the offending part, e.g. {@code policy.allow[0].params.amount.max}. */
public final class PolicyException extends RuntimeException {
    private final String path;

    PolicyException(String path, String message) {
        super(path + ": " + message, null, false, false);
        this.path = path;
    }

    public String path() {
        return path;
    }
}
