package io.keyward.samples.fakevendor;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A local stand-in for Stripe, Twilio and Resend so the whole flow can be tried offline. It checks
 * the credential Keyward injects (so a failed swap shows up as the vendor's own 401), then answers
 * every operation in Keyward's catalog with what the call asked for, in the vendor's shape
 * ({@link StripeSimulator}, {@link TwilioSimulator}, {@link ResendSimulator}); anything else is
 * that vendor's 404. Each vendor lives under {@code /{vendor}}.
 */
public final class FakeVendorServer implements AutoCloseable {
    private final Server server;
    private final String baseUrl;
    private final Map<String, AtomicInteger> failures;

    private FakeVendorServer(Server server, String baseUrl, Map<String, AtomicInteger> failures) {
        this.server = server;
        this.baseUrl = baseUrl;
        this.failures = failures;
    }

    /** @param expectedAuthorization per vendor served, the exact Authorization header Keyward must send */
    public static FakeVendorServer start(Map<String, String> expectedAuthorization) throws Exception {
        Map<String, Simulator> simulators = new HashMap<>();
        expectedAuthorization.forEach((vendor, authorization) -> simulators.put(vendor, switch (vendor) {
            case "stripe" -> new StripeSimulator();
            case "twilio" -> new TwilioSimulator(basicUser(authorization));
            case "resend" -> new ResendSimulator();
            default -> throw new IllegalArgumentException("no simulator for " + vendor);
        }));
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
        context.addServlet(new ServletHolder(new Vendors(simulators, expectedAuthorization, failures)), "/*");
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

    private static String basicUser(String authorization) {
        String credentials = new String(Base64.getDecoder().decode(authorization.substring("Basic ".length())), StandardCharsets.UTF_8);
        return credentials.substring(0, credentials.indexOf(':'));
    }

    private static final class Vendors extends HttpServlet {
        private final Map<String, Simulator> simulators;
        private final Map<String, String> expectedAuthorization;
        private final Map<String, AtomicInteger> failures;

        Vendors(Map<String, Simulator> simulators, Map<String, String> expectedAuthorization, Map<String, AtomicInteger> failures) {
            this.simulators = Map.copyOf(simulators);
            this.expectedAuthorization = Map.copyOf(expectedAuthorization);
            this.failures = failures;
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            byte[] body = request.getInputStream().readAllBytes();
            List<String> segments = new ArrayList<>();
            for (String raw : request.getRequestURI().substring(1).split("/", -1)) {
                segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
            Simulator simulator = simulators.get(segments.get(0));
            if (simulator == null) {
                response.sendError(404, "no such vendor here");
                return;
            }
            Reply reply;
            if (!expectedAuthorization.get(segments.get(0)).equals(request.getHeader("Authorization"))) {
                reply = simulator.unauthorized();
            } else if ("POST".equals(request.getMethod()) && failing(segments.get(0))) {
                reply = simulator.serverError();
            } else {
                VendorCall call = VendorCall.of(request.getMethod(), segments.subList(1, segments.size()), request.getQueryString(),
                        request.getContentType(), body);
                // One call at a time per vendor: its objects change together (a capture moves the charge too).
                synchronized (simulator) {
                    reply = simulator.answer(call);
                }
            }
            respond(response, reply);
        }

        private boolean failing(String vendor) {
            AtomicInteger left = failures.get(vendor);
            return left != null && left.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        }

        private static void respond(HttpServletResponse response, Reply reply) throws IOException {
            response.setStatus(reply.status());
            reply.headers().forEach(response::setHeader);
            if (reply.body().length > 0) {
                response.setContentType("application/json");
                response.setContentLength(reply.body().length);
                response.getOutputStream().write(reply.body());
            }
        }
    }
}
