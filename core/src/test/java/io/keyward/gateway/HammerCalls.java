package io.keyward.gateway;

import io.keyward.testing.TestGateway;
import io.keyward.testing.TwoNodesExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The two-node spend tests' key and call: a $0.37 payment intent, each with its own description. */
final class HammerCalls {
    static final String HIGH_LIMITS = "guards:\n  rate_per_second: 100000\n  rate_per_minute: 1000000\n  loop_max_repeats: 100000\n";
    private final TwoNodesExtension nodes;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    HammerCalls(TwoNodesExtension nodes) {
        this.nodes = nodes;
    }

    String issue(String agent, String cap) throws Exception {
        return nodes.admin().issue("stripe", agent, "\"daily_usd_cap\":\"" + cap + "\","
                + "\"policy\":{\"allow\":[{\"operation\":\"payment_intents.create\"}]}").get("key").asText();
    }

    int pay(TestGateway node, String key, int n) throws Exception {
        return pay(http, node, key, n);
    }

    /** One $0.37 payment intent through {@code node}; its status. */
    static int pay(HttpClient http, TestGateway node, String key, int n) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/stripe/v1/payment_intents"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("amount=37&currency=usd&description=call-" + n)).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
