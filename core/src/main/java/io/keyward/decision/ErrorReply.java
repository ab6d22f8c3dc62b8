package io.keyward.decision;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyward.json.Json;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Writes Keyward's one error shape:
 * {@code {"error":{"type":"keyward_error","code":"...","message":"...","request_id":"..."},
 * "message":"code: message","name":"code","status":403}}.
 * The proxy and the admin API both answer through here so the shape cannot drift. The {@code error}
 * object is what Stripe's SDKs read (so {@code StripeException.getCode()} is Keyward's code); the
 * top-level {@code message}, {@code name} and {@code status} are where twilio-java
 * ({@code ApiException.getMessage()}, {@code getStatusCode()}) and resend-java
 * ({@code ResendException.getMessage()}, {@code getErrorName()}) look, so an agent using any of
 * the three SDKs sees Keyward's code in the SDK's own exception.
 */
public final class ErrorReply {
    public static final String REQUEST_ID_HEADER = "X-Keyward-Request-Id";

    private ErrorReply() {
    }

    public static void write(HttpServletResponse response, Refusal refusal, String requestId) throws IOException {
        if (refusal.retryAfterSeconds() != null && !response.isCommitted()) {
            response.setHeader("Retry-After", Long.toString(Math.max(1, refusal.retryAfterSeconds())));
        }
        write(response, refusal.status(), refusal.code().wire(), refusal.getMessage(), null, requestId);
    }

    /**
     * @param param the request field at fault (admin input), or null
     */
    public static void write(HttpServletResponse response, int status, String code, String message,
                             String param, String requestId) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader(REQUEST_ID_HEADER, requestId);
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write(body(status, code, message, param, requestId));
    }

    static byte[] body(int status, String code, String message, String param, String requestId) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("type", "keyward_error");
        error.put("code", code);
        error.put("message", message);
        if (param != null) {
            error.put("param", param);
        }
        error.put("request_id", requestId);
        root.put("message", code + ": " + message);
        root.put("name", code);
        root.put("status", status);
        return Json.bytes(root);
    }
}
