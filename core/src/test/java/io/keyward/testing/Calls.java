package io.keyward.testing;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.keyward.config.ConfigLoader;
import io.keyward.config.KeywardConfig;
import io.keyward.contract.Vendor;
import io.keyward.registry.VendorRegistry;
import io.keyward.request.CallRequest;
import io.keyward.request.RequestReader;
import io.keyward.route.Route;
import io.keyward.route.Router;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds routed, parsed calls without a server, for unit tests of the request and policy steps:
 * the same Router and RequestReader the filter uses, fed by a mocked servlet request.
 */
public final class Calls {
    public static final Map<String, Vendor> VENDORS;
    private static final Router ROUTER;

    static {
        VENDORS = vendors("https://vendor.invalid");
        ROUTER = new Router("", VENDORS);
    }

    /** The test config's vendors, all at {@code baseUrl} (Twilio Verify at {@code baseUrl/verify-host}). */
    public static Map<String, Vendor> vendors(String baseUrl) {
        KeywardConfig config = new ConfigLoader(Map.of("TEST_JDBC_URL", "jdbc:mariadb://127.0.0.1:1/unused")::get)
                .parse(TestGateway.yaml(baseUrl));
        return VendorRegistry.fromConfig(config.vendors(), config.spend());
    }

    public static Vendor vendor(String name, String baseUrl) {
        return vendors(baseUrl).get(name);
    }

    private Calls() {
    }

    /** A parsed call and its route. */
    public record Parsed(Route route, CallRequest call) {
    }

    public static Route route(String rawPath, String rawQuery) {
        return ROUTER.route(rawPath, rawQuery).orElseThrow(() -> new AssertionError("not a vendor path: " + rawPath));
    }

    public static Parsed parse(String method, String rawPath, String rawQuery, String contentType, String body) throws IOException {
        return parse(method, rawPath, rawQuery, contentType, body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8),
                Map.of(), false);
    }

    public static Parsed parse(String method, String rawPath, String rawQuery, String contentType, byte[] body,
                               Map<String, String> extraHeaders, boolean decodeBodies) throws IOException {
        return parse(ROUTER, method, rawPath, rawQuery, contentType, body, extraHeaders, decodeBodies);
    }

    /**
     * The call as a gateway whose vendors all live at {@code vendorBaseUrl} reads it (the test
     * gateway's config): the route then names the same upstream base as the gateway's.
     */
    public static Parsed parseAt(String vendorBaseUrl, String method, String rawPath, String rawQuery, String contentType,
                                 byte[] body, Map<String, String> headers) throws IOException {
        return parse(new Router("", vendors(vendorBaseUrl)), method, rawPath, rawQuery, contentType, body, headers, false);
    }

    private static Parsed parse(Router router, String method, String rawPath, String rawQuery, String contentType, byte[] body,
                                Map<String, String> extraHeaders, boolean decodeBodies) throws IOException {
        Route route = router.route(rawPath, rawQuery).orElseThrow(() -> new AssertionError("not a vendor path: " + rawPath));
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (contentType != null && extraHeaders.keySet().stream().noneMatch(n -> n.equalsIgnoreCase("Content-Type"))) {
            headers.put("Content-Type", new ArrayList<>(List.of(contentType)));
        }
        extraHeaders.forEach((k, v) -> headers.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        HttpServletRequest request = mock(HttpServletRequest.class);
        when(request.getMethod()).thenReturn(method);
        when(request.getQueryString()).thenReturn(rawQuery);
        when(request.getContentType()).thenReturn(contentType);
        // A chunked body declares no length, as the container reports it.
        boolean chunked = extraHeaders.entrySet().stream()
                .anyMatch(e -> e.getKey().equalsIgnoreCase("Transfer-Encoding") && e.getValue().equalsIgnoreCase("chunked"));
        when(request.getContentLengthLong()).thenReturn(chunked ? -1L : body.length);
        when(request.getHeaderNames()).thenAnswer(i -> Collections.enumeration(headers.keySet()));
        when(request.getHeaders(org.mockito.ArgumentMatchers.anyString())).thenAnswer(i -> {
            String name = i.getArgument(0);
            return Collections.enumeration(headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).toList());
        });
        when(request.getHeader(org.mockito.ArgumentMatchers.anyString())).thenAnswer(i -> {
            String name = i.getArgument(0);
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
        });
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        when(request.getInputStream()).thenReturn(new ServletInputStream() {
            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return in.read(b, off, len);
            }

            @Override
            public boolean isFinished() {
                return in.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException();
            }
        });
        CallRequest call = new RequestReader(new io.keyward.config.LimitsConfig(1024 * 1024, decodeBodies, io.keyward.config.LimitsConfig.DEFAULT_MIN_BODY_BYTES_PER_SECOND)).read(request, route);
        return new Parsed(route, call);
    }
}
