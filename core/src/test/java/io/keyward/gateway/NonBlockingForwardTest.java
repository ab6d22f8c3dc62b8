package io.keyward.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.keyward.store.CallRow;
import io.keyward.testing.AdminClient;
import io.keyward.testing.TestDatabase;
import io.keyward.testing.TestGateway;
import io.keyward.testing.TestSecrets;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No server thread waits while a vendor works: a Jetty with {@value #MAX_THREADS} threads in all
 * (an acceptor and a selector among them) carries {@value #CALLS} calls to a slow vendor at once,
 * and the vendor sees them all in flight together. With a thread held per call the vendor would
 * see at most the pool's few, its latch would never open, and the test would fail. The answers
 * still have the echoed secret masked, and a hung vendor still times out (504) on the same pool.
 */
class NonBlockingForwardTest {
    private static final int MAX_THREADS = 6;
    private static final int CALLS = 16;
    private static final CountDownLatch ALL_IN_FLIGHT = new CountDownLatch(CALLS);
    private static final AtomicBoolean TOGETHER = new AtomicBoolean(true);
    private static HttpServer vendor;
    private static ExecutorService vendorThreads;
    private static TestGateway gateway;
    private static AdminClient admin;

    @BeforeAll
    static void start() throws Exception {
        vendorThreads = Executors.newFixedThreadPool(CALLS + 4);
        vendor = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        vendor.setExecutor(vendorThreads);
        // Slow: answers only once every call is in flight at the vendor (or after 15 s, recorded as a failure).
        vendor.createContext("/v1/customers/", exchange -> {
            ALL_IN_FLIGHT.countDown();
            try {
                if (!ALL_IN_FLIGHT.await(15, TimeUnit.SECONDS)) {
                    TOGETHER.set(false);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            String id = exchange.getRequestURI().getPath().substring("/v1/customers/".length());
            answer(exchange, "{\"object\":\"customer\",\"id\":\"" + id + "\",\"description\":\"key " + TestSecrets.STRIPE + "\"}");
        });
        // Hung: never answers within the operation's 1 s response timeout.
        vendor.createContext("/v1/balance", exchange -> {
            try {
                Thread.sleep(4_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, "{\"object\":\"balance\"}");
        });
        // Too long to hold: 9 MiB, with its length declared (ch_len), chunked (ch_chunked), or gzipped (ch_gzip).
        vendor.createContext("/v1/charges/", exchange -> {
            byte[] body = ("{\"object\":\"charge\",\"padding\":\"" + "x".repeat(9 * 1024 * 1024) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            if (exchange.getRequestURI().getPath().endsWith("ch_gzip")) {
                // A few KiB on the wire that inflate past the bound.
                java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
                try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(zipped)) {
                    gzip.write(body);
                }
                body = zipped.toByteArray();
                exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            }
            exchange.sendResponseHeaders(200, exchange.getRequestURI().getPath().endsWith("ch_chunked") ? 0 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            } catch (IOException closed) {
                // Keyward stops reading past its bound.
            }
        });
        vendor.start();
        String vendorBase = "http://127.0.0.1:" + vendor.getAddress().getPort();
        gateway = TestGateway.start(TestDatabase.fresh(), vendorBase, "", """
                forward:
                  response_timeout: 20s
                  response_timeouts:
                    stripe:
                      balance.retrieve: 1s
                """, java.util.function.UnaryOperator.identity(), MAX_THREADS);
        admin = new AdminClient(gateway.baseUrl(), TestSecrets.ADMIN_TOKEN);
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        vendor.stop(0);
        vendorThreads.shutdownNow();
    }

    private static void answer(HttpExchange exchange, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Test
    void moreSlowCallsThanServerThreadsAreAllInFlightAtOnceAndMasked() throws Exception {
        String key = admin.issue("stripe", "nonblocking", "").get("key").asText();
        HttpClient agent = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4)).build();
        List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            replies.add(agent.sendAsync(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/stripe/v1/customers/cus_" + i))
                    .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < CALLS; i++) {
            HttpResponse<String> reply = replies.get(i).get(40, TimeUnit.SECONDS);
            assertEquals(200, reply.statusCode(), reply.body());
            assertTrue(reply.body().contains("\"id\":\"cus_" + i + "\""), reply.body());
            assertFalse(reply.body().contains(TestSecrets.STRIPE), "the echoed secret is masked: " + reply.body());
            CallRow row = CallAudit.byRequestId(gateway, reply.headers().firstValue("X-Keyward-Request-Id").orElseThrow());
            assertEquals("allowed", row.policyCheckResult());
            assertEquals(200, row.upstreamStatus());
        }
        assertTrue(TOGETHER.get(), "all " + CALLS + " calls were at the vendor at once, on " + MAX_THREADS + " server threads");
    }

    @Test
    void anAnswerLongerThanKeywardHoldsIsA502NotAnUnboundedBuffer() throws Exception {
        String key = admin.issue("stripe", "nonblocking-limit", "").get("key").asText();
        for (String charge : List.of("ch_len", "ch_chunked", "ch_gzip")) {
            HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(gateway.baseUrl() + "/stripe/v1/charges/" + charge))
                    .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(502, reply.statusCode(), charge);
            assertTrue(reply.body().contains("\"code\":\"error_upstream\"") && reply.body().contains("MiB"), reply.body());
            CallRow row = CallAudit.byRequestId(gateway, reply.headers().firstValue("X-Keyward-Request-Id").orElseThrow());
            assertEquals("forward.answer_limit", row.rule(), charge);
        }
    }

    @Test
    void aHungVendorStillTimesOutOnTheNonBlockingPath() throws Exception {
        String key = admin.issue("stripe", "nonblocking-timeout", "").get("key").asText();
        long start = System.nanoTime();
        HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/stripe/v1/balance"))
                .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(504, reply.statusCode(), reply.body());
        assertTrue(reply.body().contains("\"code\":\"error_upstream\""), reply.body());
        assertTrue(seconds < 3.5, "at the operation's 1 s timeout, not the vendor's 4 s: " + seconds);
    }
}
