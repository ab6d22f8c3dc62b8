package io.keyward.request;

import io.keyward.decision.Code;
import io.keyward.decision.Refusal;
import io.keyward.route.Route;
import io.keyward.vendor.BodyFormat;
import io.keyward.vendor.Catalog;
import io.keyward.vendor.Operation;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the agent's request once into a {@link CallRequest} and refuses, before anything is
 * forwarded, whatever the vendor could read differently from Keyward: methods outside the vendor
 * APIs, method-override headers and parameters, control characters in headers, ambiguous paths,
 * compressed bodies (unless decoding is configured), bodies over the limit, Content-Types the
 * operation does not take, and bodies that do not parse.
 */
public final class RequestReader {
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    private static final Set<String> METHOD_OVERRIDES = Set.of("x-http-method-override", "x-method-override", "x-http-method");
    private final int maxBodyBytes;
    private final boolean decodeBodies;

    public RequestReader(int maxBodyBytes, boolean decodeBodies) {
        this.maxBodyBytes = maxBodyBytes;
        this.decodeBodies = decodeBodies;
    }

    public CallRequest read(HttpServletRequest request, Route route) throws IOException {
        String method = request.getMethod();
        if (!METHODS.contains(method)) {
            throw new Refusal(Code.DENIED_MALFORMED, 405, "method " + (method.matches("[A-Z]{1,16}") ? method : "(invalid)")
                    + " is not proxied", "request.method");
        }
        List<CallRequest.Header> headers = headers(request);
        List<String> segments = PathCheck.segments(route.vendorPath());
        Catalog catalog = route.vendor().catalog();
        Optional<Catalog.Match> match = catalog.find(method, segments);
        Operation operation = match.map(Catalog.Match::operation).orElse(null);

        long declared = request.getContentLengthLong();
        if (declared > maxBodyBytes) {
            throw tooLarge();
        }
        byte[] body = readBounded(request.getInputStream());
        String encoding = request.getHeader("Content-Encoding");
        if (encoding != null && !encoding.isBlank() && !encoding.strip().equalsIgnoreCase("identity")) {
            if (!decodeBodies) {
                throw new Refusal(Code.DENIED_MALFORMED, 415, "compressed request bodies are not accepted (Content-Encoding)", "request.content_encoding");
            }
            body = BodyDecoder.decode(body, encoding, maxBodyBytes);
            headers.removeIf(h -> h.name().equalsIgnoreCase("Content-Encoding"));
        }

        List<Param> params = new ArrayList<>();
        match.ifPresent(m -> m.pathVariables().forEach((name, value) ->
                params.add(new Param(Param.Source.PATH, new ParamName(List.of(name)), value))));
        params.addAll(FormParser.parse(request.getQueryString(), Param.Source.QUERY));
        params.addAll(bodyParams(method, body, request.getContentType(), operation));
        for (Param p : params) {
            if (p.source() != Param.Source.PATH && p.name().segments().get(0).equalsIgnoreCase("_method")) {
                throw new Refusal(Code.DENIED_MALFORMED, 400, "method-override parameters (_method) are not accepted", "request.method_override");
            }
        }
        return new CallRequest(method, headers, body, request.getContentType(), request.getHeader("Idempotency-Key"),
                operation, segments, params);
    }

    private static List<CallRequest.Header> headers(HttpServletRequest request) {
        List<CallRequest.Header> headers = new ArrayList<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            if (METHOD_OVERRIDES.contains(name.toLowerCase(Locale.ROOT))) {
                throw new Refusal(Code.DENIED_MALFORMED, 400, "method-override headers are not accepted", "request.method_override");
            }
            for (String value : Collections.list(request.getHeaders(name))) {
                if (hasControlCharacter(name) || hasControlCharacter(value)) {
                    throw new Refusal(Code.DENIED_MALFORMED, 400, "a request header carries a control character (CR, LF, NUL...)", "request.header");
                }
                headers.add(new CallRequest.Header(name, value));
            }
        }
        return headers;
    }

    static boolean hasControlCharacter(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    private List<Param> bodyParams(String method, byte[] body, String contentType, Operation operation) {
        if (body.length == 0) {
            return List.of();
        }
        if (method.equals("GET") || method.equals("DELETE")) {
            throw new Refusal(Code.DENIED_MALFORMED, 400, method + " requests carry no body here", "request.body");
        }
        BodyFormat format = format(contentType, operation);
        return switch (format) {
            case FORM -> FormParser.parse(new String(body, StandardCharsets.ISO_8859_1), Param.Source.BODY);
            case JSON -> JsonParams.parse(body);
        };
    }

    /** The body format the Content-Type declares, if the operation takes it (any known format when there is no catalog operation). */
    private static BodyFormat format(String contentType, Operation operation) {
        if (contentType == null || contentType.isBlank()) {
            throw new Refusal(Code.DENIED_MALFORMED, 415, "a request body needs a Content-Type", "request.content_type");
        }
        String[] parts = contentType.split(";");
        String media = parts[0].strip().toLowerCase(Locale.ROOT);
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            String key = kv[0].strip().toLowerCase(Locale.ROOT);
            String value = kv.length > 1 ? kv[1].strip().replace("\"", "").toLowerCase(Locale.ROOT) : "";
            if (!key.equals("charset") || !(value.equals("utf-8") || value.equals("utf8"))) {
                throw new Refusal(Code.DENIED_MALFORMED, 415, "the only Content-Type parameter accepted is charset=utf-8", "request.content_type");
            }
        }
        for (BodyFormat format : BodyFormat.values()) {
            if (format.mediaType().equals(media) && (operation == null || operation.body() == format)) {
                return format;
            }
        }
        String expected = operation == null ? "application/x-www-form-urlencoded or application/json" : operation.body().mediaType();
        throw new Refusal(Code.DENIED_MALFORMED, 415, "this operation takes " + expected, "request.content_type");
    }

    private byte[] readBounded(InputStream in) throws IOException {
        byte[] body = in.readNBytes(maxBodyBytes);
        if (body.length == maxBodyBytes && in.read() != -1) {
            throw tooLarge();
        }
        return body;
    }

    private Refusal tooLarge() {
        return new Refusal(Code.DENIED_TOO_LARGE, 413, "request body is larger than " + maxBodyBytes + " bytes", "request.body");
    }
}
