package io.keyward.gateway;

import io.keyward.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Callers paying $0.37 with one key through several Keyward nodes at once (caller i on node
 * i mod n), each call's outcome recorded with the node, the time it was sent and the error code a
 * refusal carried: what the Galera IT counts.
 */
final class ClusterLoad {
    /**
     * One call: the node's index in the list, when it was sent (nanoTime), how long its answer took,
     * its status (-1: no answer, the node is gone), and a refusal's body.
     */
    record Outcome(int node, long sentNanos, long tookNanos, int status, String body) {
        boolean serverError() {
            return status >= 500;
        }

        /** Node, status and the refusal's code, as "K3 503 error_unavailable". */
        String summary() {
            java.util.regex.Matcher code = java.util.regex.Pattern.compile("\"code\":\"([a-z_]+)\"").matcher(body);
            return "K" + (node + 1) + " " + status + (code.find() ? " " + code.group(1) : "");
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger sent = new AtomicInteger();
    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final ExecutorService pool;
    private final List<Future<?>> callers = new ArrayList<>();

    private ClusterLoad(int callers) {
        this.pool = Executors.newFixedThreadPool(callers);
    }

    static ClusterLoad start(List<TestGateway> nodes, String key, int callers, int callsEach) {
        return startOn(nodes.stream().map(TestGateway::baseUrl).toList(), key, callers, callsEach);
    }

    /** The same, on nodes given by base URL (a node in a process of its own). */
    static ClusterLoad startOn(List<String> nodes, String key, int callers, int callsEach) {
        ClusterLoad load = new ClusterLoad(callers);
        for (int c = 0; c < callers; c++) {
            int node = c % nodes.size();
            load.callers.add(load.pool.submit(() -> {
                for (int i = 0; i < callsEach; i++) {
                    load.sent.incrementAndGet();
                    long at = System.nanoTime();
                    try {
                        HttpResponse<String> reply = pay(nodes.get(node), key);
                        load.outcomes.add(new Outcome(node, at, System.nanoTime() - at, reply.statusCode(),
                                reply.statusCode() == 200 ? "" : reply.body()));
                    } catch (java.io.IOException gone) {
                        load.outcomes.add(new Outcome(node, at, System.nanoTime() - at, -1, gone.getClass().getSimpleName()));
                    }
                }
                return null;
            }));
        }
        return load;
    }

    void awaitSent(int calls) throws InterruptedException {
        while (sent.get() < calls) {
            Thread.sleep(2);
        }
    }

    /** Waits until {@code node} answered {@code calls} calls 200, or 60 s passed. */
    void awaitAnswered(int node, int calls) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (outcomes.stream().filter(o -> o.node() == node && o.status() == 200).count() < calls && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    List<Outcome> finish() throws Exception {
        try {
            for (Future<?> caller : callers) {
                caller.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return List.copyOf(outcomes);
    }

    /** One payment through {@code node}. */
    static HttpResponse<String> pay(String baseUrl, String key) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/stripe/v1/payment_intents"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("amount=37&currency=usd&description=" + UUID.randomUUID())).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
