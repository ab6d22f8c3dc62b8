package io.keyward.samples.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The benchmark's vendor: a plain Jetty handler that answers every request at once with the same
 * Stripe-shaped payment intent, so the benchmark measures the proxies, not the vendor. Prints
 * {@code PORT n} and serves until killed.
 */
public final class BenchVendor {
    private static final byte[] BODY = ("{\"id\":\"pi_3MtwBwLkdIwHu7ix28a3tqPa\",\"object\":\"payment_intent\",\"amount\":100,"
            + "\"currency\":\"usd\",\"status\":\"requires_payment_method\",\"livemode\":false}").getBytes(StandardCharsets.UTF_8);

    private BenchVendor() {
    }

    public static void main(String[] args) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                response.getHeaders().put("Request-Id", "req_bench");
                Content.Source.consumeAll(request, Callback.from(
                        () -> response.write(true, ByteBuffer.wrap(BODY), callback), callback::failed));
                return true;
            }
        });
        server.start();
        System.out.println("PORT " + connector.getLocalPort());
        System.out.flush();
        server.join();
    }
}
