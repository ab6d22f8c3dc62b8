package io.keyward.admin;

/** Bad admin input: answered 400 with the JSON error shape naming {@link #param()}. */
final class AdminInputException extends RuntimeException {
    private final String param;

    AdminInputException(String param, String message) {
        super(param + ": " + message, null, false, false);
        this.param = param;
    }

    String param() {
        return param;
    }
}
