package io.keyward.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** A request the gateway refused or could not answer: the message for the operator and the exit code for scripts. */
final class ApiFailure extends RuntimeException {
    private final int exitCode;
    private final JsonNode error;

    ApiFailure(int exitCode, String message) {
        this(exitCode, message, null);
    }

    private ApiFailure(int exitCode, String message, JsonNode error) {
        super(message);
        this.exitCode = exitCode;
        this.error = error;
    }

    /** From the gateway's one JSON error shape, {@code {"error":{"code","message","param"?}}}. */
    static ApiFailure of(int status, JsonNode answer) {
        JsonNode error = answer == null ? null : answer.path("error");
        String code = error == null ? "" : error.path("code").asText("");
        String message = error == null ? "" : error.path("message").asText("");
        String param = error == null ? "" : error.path("param").asText("");
        StringBuilder text = new StringBuilder("the gateway answered ").append(status);
        if (!code.isEmpty()) {
            text.append(' ').append(code);
        }
        if (!message.isEmpty()) {
            text.append(": ").append(message);
        }
        if (!param.isEmpty()) {
            text.append(" (").append(param).append(')');
        }
        return new ApiFailure(ExitCode.forStatus(status), text.toString(), answer);
    }

    int exitCode() {
        return exitCode;
    }

    /** The gateway's error body, for {@code --json}; null when it sent none. */
    JsonNode error() {
        return error;
    }
}
