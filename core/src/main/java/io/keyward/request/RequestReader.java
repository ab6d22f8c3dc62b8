package io.keyward.request;

import io.keyward.decision.Code;
import io.keyward.decision.Refusal;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Reads the agent's request into a {@link CallRequest}, refusing what must never be forwarded:
 * methods no vendor API uses, and bodies over the limit (refused from {@code Content-Length} before
 * reading, and cut off while reading when the length was not declared).
 */
public final class RequestReader {
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    private final int maxBodyBytes;

    public RequestReader(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    public CallRequest read(HttpServletRequest request) throws IOException {
        String method = request.getMethod();
        if (!METHODS.contains(method)) {
            throw new Refusal(Code.DENIED_MALFORMED, 405, "method " + sanitize(method) + " is not proxied", "method");
        }
        long declared = request.getContentLengthLong();
        if (declared > maxBodyBytes) {
            throw tooLarge();
        }
        byte[] body = readBounded(request.getInputStream());
        List<CallRequest.Header> headers = new ArrayList<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            for (String value : Collections.list(request.getHeaders(name))) {
                headers.add(new CallRequest.Header(name, value));
            }
        }
        return new CallRequest(method, headers, body, request.getContentType(), request.getHeader("Idempotency-Key"));
    }

    private byte[] readBounded(InputStream in) throws IOException {
        byte[] body = in.readNBytes(maxBodyBytes);
        if (body.length == maxBodyBytes && in.read() != -1) {
            throw tooLarge();
        }
        return body;
    }

    private Refusal tooLarge() {
        return new Refusal(Code.DENIED_TOO_LARGE, "request body is larger than " + maxBodyBytes + " bytes");
    }

    private static String sanitize(String text) {
        return text.matches("[A-Z]{1,16}") ? text : "(invalid)";
    }
}
