package io.keyward.samples;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A local stand-in for Stripe, Twilio and Resend so the whole flow can be tried offline. It checks
 * the credential Keyward injects (so a failed swap shows up as the vendor's own 401) and answers
 * each common operation with a body in that vendor's shape, taken from real captures.
 * Routes are in {@code fakevendor/routes.tsv}; anything else is that vendor's 404.
 */
public final class FakeVendorServer implements AutoCloseable {
    private static final String RESOURCES = "/io/keyward/samples/fakevendor/";
    private final Server server;
    private final String baseUrl;
    private final Map<String, AtomicInteger> failures;

    private record FakeRoute(String vendor, String method, Pattern path, int status, byte[] body) {
    }

    private FakeVendorServer(Server server, String baseUrl, Map<String, AtomicInteger> failures) {
        this.server = server;
        this.baseUrl = baseUrl;
        this.failures = failures;
    }

    /** @param expectedAuthorization per vendor, the exact Authorization header Keyward must send */
    public static FakeVendorServer start(Map<String, String> expectedAuthorization) throws Exception {
        List<FakeRoute> routes = routes();
        Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new Vendors(routes, expectedAuthorization, failures)), "/*");
        server.setHandler(context);
        server.start();
        return new FakeVendorServer(server, "http://127.0.0.1:" + connector.getLocalPort(), failures);
    }

    /**
     * A vendor hiccup, as an SDK that retries 5xx meets it: the next {@code count} POSTs to
     * {@code vendor} are answered 500 in that vendor's shape, without acting on them (as a failure
     * in front of the vendor's idempotency layer would).
     */
    public void failNextPosts(String vendor, int count) {
        failures.computeIfAbsent(vendor, v -> new AtomicInteger()).set(count);
    }

    /** Base URL; each vendor lives under {@code /{vendor}}. */
    public String baseUrl() {
        return baseUrl;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private static final class Vendors extends HttpServlet {
        private final List<FakeRoute> routes;
        private final Map<String, String> expectedAuthorization;
        private final Map<String, AtomicInteger> failures;

        Vendors(List<FakeRoute> routes, Map<String, String> expectedAuthorization, Map<String, AtomicInteger> failures) {
            this.routes = routes;
            this.expectedAuthorization = Map.copyOf(expectedAuthorization);
            this.failures = failures;
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            request.getInputStream().readAllBytes();
            String path = request.getRequestURI();
            String[] parts = path.split("/", 3);
            String vendor = parts.length > 1 ? parts[1] : "";
            String rest = parts.length > 2 ? "/" + parts[2] : "/";
            String expected = expectedAuthorization.get(vendor);
            if (expected == null) {
                reply(response, 404, "text/plain", "no such vendor here".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (!expected.equals(request.getHeader("Authorization"))) {
                reply(response, 401, "application/json", unauthorized(vendor));
                return;
            }
            AtomicInteger failing = failures.get(vendor);
            if ("POST".equals(request.getMethod()) && failing != null && failing.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                reply(response, 500, "application/json", serverError(vendor));
                return;
            }
            for (FakeRoute route : routes) {
                if (route.vendor().equals(vendor) && route.method().equals(request.getMethod()) && route.path().matcher(rest).matches()) {
                    response.setHeader(requestIdHeader(vendor), "req_fake_" + Long.toHexString(System.nanoTime()));
                    reply(response, route.status(), "application/json", route.body());
                    return;
                }
            }
            reply(response, 404, "application/json", notFound(vendor));
        }

        private static String requestIdHeader(String vendor) {
            return switch (vendor) {
                case "stripe" -> "Request-Id";
                case "twilio" -> "Twilio-Request-Id";
                default -> "X-Request-Id";
            };
        }

        private static byte[] unauthorized(String vendor) {
            return (switch (vendor) {
                case "stripe" -> "{\"error\":{\"message\":\"Invalid API Key provided.\",\"type\":\"invalid_request_error\"}}";
                case "twilio" -> "{\"code\":20003,\"message\":\"Authenticate\",\"more_info\":\"https://www.twilio.com/docs/errors/20003\",\"status\":401}";
                default -> "{\"statusCode\":401,\"name\":\"validation_error\",\"message\":\"API key is invalid\"}";
            }).getBytes(StandardCharsets.UTF_8);
        }

        private static byte[] serverError(String vendor) {
            return (switch (vendor) {
                case "stripe" -> "{\"error\":{\"message\":\"An unknown error occurred\",\"type\":\"api_error\"}}";
                case "twilio" -> "{\"code\":20500,\"message\":\"Internal Server Error\",\"status\":500}";
                default -> "{\"statusCode\":500,\"name\":\"internal_server_error\",\"message\":\"An unexpected error occurred\"}";
            }).getBytes(StandardCharsets.UTF_8);
        }

        private static byte[] notFound(String vendor) {
            return (switch (vendor) {
                case "stripe" -> "{\"error\":{\"message\":\"Unrecognized request URL.\",\"type\":\"invalid_request_error\"}}";
                case "twilio" -> "{\"code\":20404,\"message\":\"The requested resource was not found\",\"status\":404}";
                default -> "{\"statusCode\":404,\"name\":\"not_found\",\"message\":\"Route not found\"}";
            }).getBytes(StandardCharsets.UTF_8);
        }

        private static void reply(HttpServletResponse response, int status, String type, byte[] body) throws IOException {
            response.setStatus(status);
            response.setContentType(type);
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }

    private static List<FakeRoute> routes() throws IOException {
        List<FakeRoute> routes = new ArrayList<>();
        for (String line : new String(resource("routes.tsv"), StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            routes.add(new FakeRoute(f[0], f[1], Pattern.compile(f[2]), Integer.parseInt(f[3]), resource(f[4] + ".json")));
        }
        return routes;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = FakeVendorServer.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IOException("missing fake vendor resource " + name);
            }
            return in.readAllBytes();
        }
    }
}
