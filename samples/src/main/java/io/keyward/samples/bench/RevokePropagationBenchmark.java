package io.keyward.samples.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyward.config.ConfigLoader;
import io.keyward.gateway.Keyward;
import io.keyward.samples.fakevendor.FakeVendorServer;
import io.keyward.samples.GatewayServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/**
 * How long a revoke takes to bite on another node: two gateway nodes on one MariaDB; for each of
 * N keys, node B serves a call, node A revokes the key, and node B is called until it refuses.
 * Reports, over N revokes, the time from the revoke's answer on A to the first refusal on B.
 *
 * <p>Usage: {@code java -cp samples/target/keyward-quickstart.jar io.keyward.samples.bench.RevokePropagationBenchmark
 * 'jdbc:mariadb://127.0.0.1:3306/scratch?user=...&password=...' [revokes]}
 */
public final class RevokePropagationBenchmark {
    private static final String ADMIN_TOKEN = "kwadmin_bench_token_for_revoke_propagation";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private RevokePropagationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: RevokePropagationBenchmark <jdbc url of a scratch database> [revokes]");
            System.exit(2);
        }
        int revokes = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        String stripeAuth = "Bearer sk_test_bench_fake_vendor_secret";
        try (FakeVendorServer vendor = FakeVendorServer.start(Map.of("stripe", stripeAuth))) {
            String yaml = """
                    database: {url: "%s", pool_size: 8}
                    security: {key_pepper: bench-pepper-0123456789-0123456789-0123456789, admin_token_sha256: %s}
                    vendors:
                      stripe: {base_url: "%s/stripe", secret: sk_test_bench_fake_vendor_secret}
                    """.formatted(args[0], sha256(ADMIN_TOKEN), vendor.baseUrl());
            try (Keyward a = Keyward.start(new ConfigLoader(System::getenv).parse(yaml));
                 Keyward b = Keyward.start(new ConfigLoader(System::getenv).parse(yaml));
                 GatewayServer nodeA = GatewayServer.start(a, "127.0.0.1", 0);
                 GatewayServer nodeB = GatewayServer.start(b, "127.0.0.1", 0)) {
                long[] bite = new long[revokes];
                int extraCalls = 0;
                for (int i = 0; i < revokes; i++) {
                    String issued = post(nodeA.port(), "/admin/keys", "{\"vendor\":\"stripe\",\"agent_name\":\"bench\"}", ADMIN_TOKEN);
                    String key = JSON.readTree(issued).get("key").asText();
                    String id = JSON.readTree(issued).get("id").asText();
                    if (call(nodeB.port(), key) != 200) {
                        throw new IllegalStateException("node B did not serve a fresh key");
                    }
                    post(nodeA.port(), "/admin/keys/" + id + "/revoke", "{\"reason\":\"bench\"}", ADMIN_TOKEN);
                    long revoked = System.nanoTime();
                    int status;
                    int calls = 0;
                    do {
                        status = call(nodeB.port(), key);
                        calls++;
                    } while (status == 200);
                    bite[i] = System.nanoTime() - revoked;
                    extraCalls += calls - 1;
                }
                Arrays.sort(bite);
                System.out.printf("| revokes | p50 ms | p99 ms | max ms | calls served after a revoke |%n|---:|---:|---:|---:|---:|%n");
                System.out.printf("| %d | %.2f | %.2f | %.2f | %d |%n", revokes, bite[revokes / 2] / 1e6,
                        bite[Math.min(revokes - 1, (int) (revokes * 0.99))] / 1e6, bite[revokes - 1] / 1e6, extraCalls);
            }
        }
    }

    /** Reads the customer the fake vendor is seeded with: 200 while the key is live. */
    private static int call(int port, String key) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/stripe/v1/customers/cus_NffrFeUfNV2Hib"))
                .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String post(int port, String path, String body, String token) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(path + " answered " + r.statusCode());
        }
        return r.body();
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
