package io.keyward.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.keyward.store.CallQuery;
import io.keyward.store.CallRow;
import io.keyward.testing.AdminClient;
import io.keyward.testing.FakeVendor;
import io.keyward.testing.GatewayProcess;
import io.keyward.testing.TestDatabase;
import io.keyward.testing.TestGateway;
import io.keyward.testing.TestSecrets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A Keyward node killed with SIGKILL while its money calls are at the vendor: after a restart on the
 * same database and spool, every call the vendor received has its audit row (from the forward
 * journal), saying its answer was never recorded.
 */
class KillNineAuditTest {
    private static final int CALLS = 12;

    @Test
    void everyCallTheVendorReceivedHasItsRowAfterAKillNine() throws Exception {
        String jdbc = TestDatabase.fresh();
        Path spool = Path.of("target", "kill-nine-" + UUID.randomUUID()).toAbsolutePath();
        Path extra = Files.createDirectories(spool.getParent()).resolve(spool.getFileName() + ".yaml");
        Files.writeString(extra, "audit:\n  spool_dir: " + spool + "\n");
        try (FakeVendor vendor = new FakeVendor()) {
            // The vendor takes its time: the node is killed while every call is at the vendor.
            vendor.server().stubFor(post(urlEqualTo("/v1/payment_intents")).willReturn(aResponse().withStatus(200)
                    .withFixedDelay(20_000).withHeader("Content-Type", "application/json")
                    .withBody("{\"object\":\"payment_intent\",\"amount\":60,\"currency\":\"usd\"}")));
            try (GatewayProcess.Running node = GatewayProcess.launch(jdbc, vendor.baseUrl(), extra,
                    spool.getParent().resolve(spool.getFileName() + ".log"))) {
                AdminClient admin = new AdminClient(node.baseUrl(), TestSecrets.ADMIN_TOKEN);
                String key = admin.issue("stripe", "killed-agent", "\"daily_usd_cap\":\"100.00\","
                        + "\"policy\":{\"allow\":[{\"operation\":\"payment_intents.create\"}]}").get("key").asText();
                HttpClient http = HttpClient.newHttpClient();
                for (int i = 0; i < CALLS; i++) {
                    CompletableFuture<HttpResponse<Void>> ignored = http.sendAsync(HttpRequest.newBuilder(
                                    URI.create(node.baseUrl() + "/stripe/v1/payment_intents"))
                            .header("Authorization", "Bearer " + key).header("Idempotency-Key", "kill-nine-" + i)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString("amount=" + (100 + i) + "&currency=usd")).build(), HttpResponse.BodyHandlers.discarding());
                }
                awaitReceived(vendor, CALLS);
            }
            Set<String> atTheVendor = vendor.received().stream().map(r -> r.getHeader("Idempotency-Key")).collect(Collectors.toSet());
            assertEquals(CALLS, atTheVendor.size());

            try (TestGateway restarted = TestGateway.start(jdbc, vendor.baseUrl(), Files.readString(extra))) {
                restarted.flushAudit();
                Map<String, CallRow> rows = restarted.keyward().store().calls()
                        .list(new CallQuery(null, null, null, null, null, null, null, null, 500)).stream()
                        .filter(r -> r.idempotencyKey() != null)
                        .collect(Collectors.toMap(CallRow::idempotencyKey, Function.identity()));
                assertEquals(atTheVendor, rows.keySet(), "every call that reached the vendor has its row, and no other");
                for (CallRow row : rows.values()) {
                    assertEquals("allowed", row.policyCheckResult());
                    assertTrue(row.reason().startsWith("the node stopped while the call was at the vendor"), row.reason());
                    int i = Integer.parseInt(row.idempotencyKey().substring("kill-nine-".length()));
                    assertEquals(0, new java.math.BigDecimal(100 + i).movePointLeft(2).compareTo(row.estimatedUsd()),
                            "the reservation it was forwarded under");
                }
            }
        }
    }

    static void awaitReceived(FakeVendor vendor, int calls) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<LoggedRequest> seen = vendor.received();
        while (seen.size() < calls && System.nanoTime() < deadline) {
            Thread.sleep(50);
            seen = vendor.received();
        }
        assertEquals(calls, seen.size(), "every call reached the vendor before the kill");
    }
}
