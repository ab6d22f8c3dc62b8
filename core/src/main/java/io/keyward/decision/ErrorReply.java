package io.keyward.decision;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyward.json.Json;
import io.keyward.key.VaultKeyFormat;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Writes Keyward's one error shape:
 * {@code {"error":{"type":"keyward_error","code":"...","message":"...","request_id":"..."},
 * "code":40303,"message":"code: message","more_info":"...","status":403,"statusCode":403,"name":"code"}}.
 * The proxy and the admin API both answer through here so the shape cannot drift.
 *
 * <p>One body is read fully by every vendor SDK, because each looks in its own place and the places
 * do not collide: the {@code error} object is Stripe's (stripe-java/node/python read {@code code},
 * {@code type}, {@code message} there); the top-level numeric {@code code}, {@code message},
 * {@code more_info} and {@code status} are Twilio's (its SDKs parse {@code code} as an integer);
 * {@code name}, {@code message} and {@code statusCode} are Resend's.
 */
public final class ErrorReply {
    public static final String REQUEST_ID_HEADER = "X-Keyward-Request-Id";
    /** Where each code is explained; the page ships in every clone and release. */
    static final String MORE_INFO = "docs/errors.md#";

    private ErrorReply() {
    }

    public static void write(HttpServletResponse response, Refusal refusal, String requestId) throws IOException {
        if (refusal.retryAfterSeconds() != null && !response.isCommitted()) {
            response.setHeader("Retry-After", Long.toString(Math.max(1, refusal.retryAfterSeconds())));
        }
        write(response, refusal.status(), refusal.code().wire(), refusal.getMessage(), null, refusal.details(), requestId);
    }

    /**
     * @param param the request field at fault (admin input), or null
     */
    public static void write(HttpServletResponse response, int status, String code, String message,
                             String param, String requestId) throws IOException {
        write(response, status, code, message, param, java.util.Map.of(), requestId);
    }

    private static void write(HttpServletResponse response, int status, String code, String message,
                              String param, java.util.Map<String, String> details, String requestId) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader(REQUEST_ID_HEADER, requestId);
        response.setHeader("Cache-Control", "no-store");
        // A message may quote what the agent sent (a parameter's name): a vault key in it, its own or
        // another agent's, is shown by its id only, as in the audit trail.
        response.getOutputStream().write(body(status, code, VaultKeyFormat.scrub(message), VaultKeyFormat.scrub(param), details, requestId));
    }

    static byte[] body(int status, String code, String message, String param, String requestId) {
        return body(status, code, message, param, java.util.Map.of(), requestId);
    }

    static byte[] body(int status, String code, String message, String param, java.util.Map<String, String> details, String requestId) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("type", "keyward_error");
        error.put("code", code);
        error.put("message", message);
        if (param != null) {
            error.put("param", param);
        }
        details.forEach(error::put);
        error.put("request_id", requestId);
        root.put("code", ErrorNumbers.of(code, status));
        root.put("message", code + ": " + message);
        root.put("more_info", MORE_INFO + code);
        root.put("status", status);
        root.put("statusCode", status);
        root.put("name", code);
        return Json.bytes(root);
    }
}
