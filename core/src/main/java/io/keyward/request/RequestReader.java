package io.keyward.request;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyward.config.LimitsConfig;
import io.keyward.contract.BodyFormat;
import io.keyward.contract.Catalog;
import io.keyward.contract.HeaderRule;
import io.keyward.contract.Operation;
import io.keyward.contract.Param;
import io.keyward.contract.ParamName;
import io.keyward.contract.ParamReading;
import io.keyward.contract.Params;
import io.keyward.contract.Vendor;
import io.keyward.decision.Code;
import io.keyward.decision.Refusal;
import io.keyward.route.Route;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the agent's request once into a {@link CallRequest}, by the rules of the vendor that will
 * read it, and refuses, before anything is forwarded, whatever the vendor could read differently
 * from Keyward: methods outside the vendor APIs, method-override headers and parameters, control
 * characters in headers, an admitted header sent twice or out of its form, ambiguous paths and
 * encoded fixed path segments, compressed bodies (unless decoding is configured), bodies over the
 * limit, Content-Types the operation does not take, bodies that do not parse, and parameters the
 * vendor could read in two ways ({@link Params#canonical}).
 *
 * <p>What is forwarded is what was read: the admitted headers, the body's bytes, the query's bytes
 * (strictly decoded here, so the vendor's decoding gives the same values), and a path rebuilt from
 * the decoded segments.
 */
public final class RequestReader {
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    private static final Set<String> METHOD_OVERRIDES = Set.of("x-http-method-override", "x-method-override", "x-http-method");
    private static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** How long a body may take before its average rate is held against the minimum. */
    private static final long BODY_GRACE_NANOS = 2_000_000_000L;
    /** Where a body of undeclared length (chunked) starts; it doubles as it arrives. */
    private static final int UNDECLARED_START = 4096;
    private final int maxBodyBytes;
    private final boolean decodeBodies;
    private final int minBodyBytesPerSecond;

    public RequestReader(LimitsConfig limits) {
        this.maxBodyBytes = limits.maxBodyBytes();
        this.decodeBodies = limits.decodeRequestBodies();
        this.minBodyBytesPerSecond = limits.minBodyBytesPerSecond();
    }

    public CallRequest read(HttpServletRequest request, Route route) throws IOException {
        String method = request.getMethod();
        if (!METHODS.contains(method)) {
            throw new Refusal(Code.DENIED_MALFORMED, 405, "method " + (method.matches("[A-Z]{1,16}") ? method : "(invalid)")
                    + " is not proxied", "request.method");
        }
        Vendor vendor = route.vendor();
        List<CallRequest.Header> headers = admittedHeaders(request, vendor);
        PathCheck.Segments path = PathCheck.segments(route.vendorPath());
        Catalog catalog = vendor.catalog();
        Optional<Catalog.Match> match = catalog.find(method, path.decoded());
        Operation operation = match.map(Catalog.Match::operation).orElse(null);
        refuseEncodedFixedSegments(path, operation);

        long declared = request.getContentLengthLong();
        if (declared > maxBodyBytes) {
            throw tooLarge();
        }
        byte[] body = readBounded(request.getInputStream(), declared);
        List<String> encodings = Collections.list(request.getHeaders("Content-Encoding"));
        if (encodings.size() > 1) {
            // One layer or none: a second header would be a layer Keyward never read.
            throw new Refusal(Code.DENIED_MALFORMED, 400, "Content-Encoding is sent more than once", "request.content_encoding");
        }
        String encoding = encodings.isEmpty() ? null : encodings.get(0);
        if (encoding != null && !encoding.isBlank() && !encoding.strip().equalsIgnoreCase("identity")) {
            if (!decodeBodies) {
                throw new Refusal(Code.DENIED_MALFORMED, 415, "compressed request bodies are not accepted (Content-Encoding)", "request.content_encoding");
            }
            body = BodyDecoder.decode(body, encoding, maxBodyBytes);
        }

        ParamReading reading = vendor.reading();
        List<Param> raw = new ArrayList<>();
        match.ifPresent(m -> m.pathVariables().forEach((name, value) ->
                raw.add(new Param(Param.Source.PATH, ParamName.of(name), value))));
        raw.addAll(FormParser.parse(request.getQueryString(), Param.Source.QUERY, reading));
        raw.addAll(bodyParams(method, body, request.getContentType(), operation, vendor));
        for (Param p : raw) {
            if (p.source() != Param.Source.PATH && p.name().segments().get(0).equalsIgnoreCase("_method")) {
                throw new Refusal(Code.DENIED_MALFORMED, 400, "method-override parameters (_method) are not accepted", "request.method_override");
            }
        }
        Params params = Params.canonical(raw, reading);
        String idempotencyKey = headers.stream().filter(h -> h.name().equalsIgnoreCase(IDEMPOTENCY_KEY))
                .map(CallRequest.Header::value).findFirst().orElse(null);
        return new CallRequest(method, headers, body, request.getContentType(), idempotencyKey, operation, path.decoded(), params);
    }

    /**
     * A fixed segment of the operation ({@code Accounts}, {@code 2010-04-01}) must be sent as plain
     * text: an encoded spelling is read as the same operation here but may not be by every parser
     * between Keyward and the vendor. A call that names no operation may not encode anything.
     */
    private static void refuseEncodedFixedSegments(PathCheck.Segments path, Operation operation) {
        for (int i = 0; i < path.raw().size(); i++) {
            if (path.encoded(i) && (operation == null || operation.path().isLiteral(i))) {
                throw PathCheck.refuse("percent-encoding is accepted only in the variable parts of an operation's path, not in a fixed segment");
            }
        }
    }

    /**
     * The headers the vendor's contract admits, each at most once and in its form; every other
     * header stays here. Method overrides and control characters are refused outright.
     */
    private static List<CallRequest.Header> admittedHeaders(HttpServletRequest request, Vendor vendor) {
        List<CallRequest.Header> headers = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            if (METHOD_OVERRIDES.contains(name.toLowerCase(Locale.ROOT))) {
                throw new Refusal(Code.DENIED_MALFORMED, 400, "method-override headers are not accepted", "request.method_override");
            }
            Optional<HeaderRule> rule = vendor.headers().rule(name);
            for (String value : Collections.list(request.getHeaders(name))) {
                if (hasControlCharacter(name) || hasControlCharacter(value)) {
                    throw new Refusal(Code.DENIED_MALFORMED, 400, "a request header carries a control character (CR, LF, NUL...)", "request.header");
                }
                if (rule.isEmpty()) {
                    continue;
                }
                String canonical = rule.get().name();
                if (!seen.add(canonical.toLowerCase(Locale.ROOT))) {
                    throw new Refusal(Code.DENIED_MALFORMED, 400, "the " + canonical + " header is sent more than once",
                            "request.header." + canonical);
                }
                if (!rule.get().admits(value)) {
                    throw new Refusal(Code.DENIED_MALFORMED, 400, "the " + canonical + " header is longer than "
                            + rule.get().maxLength() + " characters or not in the form " + vendor.name() + " accepts",
                            "request.header." + canonical);
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

    private static List<Param> bodyParams(String method, byte[] body, String contentType, Operation operation, Vendor vendor) {
        if (body.length == 0) {
            return List.of();
        }
        if (method.equals("GET") || method.equals("DELETE")) {
            throw new Refusal(Code.DENIED_MALFORMED, 400, method + " requests carry no body here", "request.body");
        }
        BodyFormat format = format(contentType, operation);
        return switch (format) {
            case FORM -> FormParser.parse(new String(body, StandardCharsets.ISO_8859_1), Param.Source.BODY, vendor.reading());
            case JSON -> {
                JsonNode tree = JsonParams.read(body);
                if (operation != null) {
                    vendor.checkJsonShape(operation, tree);
                }
                yield JsonParams.flatten(tree);
            }
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

    /**
     * The body, at most {@code maxBodyBytes}, refused once it arrives slower on average than the
     * minimum rate after the grace period. A read that blocks outright is ended by the container's
     * idle timeout. Read into one array sized by the declared length when there is one (most calls:
     * no 16 KB scratch buffer and no copy per call), grown by doubling for a chunked body.
     */
    private byte[] readBounded(InputStream in, long declared) throws IOException {
        if (declared == 0) {
            return new byte[0];
        }
        byte[] body = new byte[declared > 0 ? (int) declared : Math.min(UNDECLARED_START, maxBodyBytes + 1)];
        int size = 0;
        long start = System.nanoTime();
        for (int n; (n = in.read(body, size, body.length - size)) > 0; ) {
            size += n;
            if (size > maxBodyBytes) {
                throw tooLarge();
            }
            long elapsed = System.nanoTime() - start;
            if (elapsed > BODY_GRACE_NANOS && size < minBodyBytesPerSecond * (elapsed / 1e9)) {
                throw new Refusal(Code.DENIED_MALFORMED, 408, "the request body arrived slower than "
                        + minBodyBytesPerSecond + " bytes a second", "request.body_rate");
            }
            if (size == body.length) {
                if (declared > 0) {
                    if (in.read() < 0) {
                        return body; // exactly the declared length, the usual case: no copy
                    }
                    // Containers cut a body at its Content-Length; one that does not is not trusted to frame it.
                    throw new Refusal(Code.DENIED_MALFORMED, 400, "the request body is longer than its Content-Length", "request.body");
                }
                body = java.util.Arrays.copyOf(body, (int) Math.min((long) maxBodyBytes + 1, body.length * 2L));
            }
        }
        return size == body.length ? body : java.util.Arrays.copyOf(body, size);
    }

    private Refusal tooLarge() {
        return new Refusal(Code.DENIED_TOO_LARGE, 413, "request body is larger than " + maxBodyBytes + " bytes", "request.body");
    }
}
