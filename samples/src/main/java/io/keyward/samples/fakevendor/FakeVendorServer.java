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

    private FakeVendorServer(Server server, String baseUrl) {
        this.server = server;
        this.baseUrl = baseUrl;
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
        context.addServlet(new ServletHolder(new Vendors(simulators, expectedAuthorization)), "/*");
        server.setHandler(context);
        server.start();
        return new FakeVendorServer(server, "http://127.0.0.1:" + connector.getLocalPort());
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

        Vendors(Map<String, Simulator> simulators, Map<String, String> expectedAuthorization) {
            this.simulators = Map.copyOf(simulators);
            this.expectedAuthorization = Map.copyOf(expectedAuthorization);
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
            } else {
                VendorCall call = VendorCall.of(request.getMethod(), segments.subList(1, segments.size()), request.getQueryString(),
                        request.getContentType(), body);
                // One call at a time per vendor: its objects change together (a capture moves the charge too).
                synchronized (simulator) {
                    reply = simulator.answer(call);
                }
            }
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
