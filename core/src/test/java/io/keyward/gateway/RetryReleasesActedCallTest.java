package io.keyward.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.store.LedgerRow;
import io.keyward.testing.AdminClient;
import io.keyward.testing.RawHttp;
import io.keyward.testing.TestDatabase;
import io.keyward.testing.TestGateway;
import io.keyward.testing.TestSecrets;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Outside review: a POST with an Idempotency-Key is sent again once after the vendor closed the
 * connection without an answer (it got the whole request: it may have acted). The call used to be
 * judged by the second attempt's failure alone, so a retry that could not connect released the
 * reservation and gave the approval back: the money Stripe may have moved was counted nowhere. Once
 * any attempt may have reached the vendor, the estimate is kept and the approval stays used.
 */
class RetryReleasesActedCallTest {

    /** Reads one whole request, stops listening (so the retry is refused), then closes without answering. */
    private static CompletableFuture<String> actThenVanish(ServerSocket server) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                Socket socket = server.accept();
                String request = readRequest(socket.getInputStream());
                server.close();
                socket.close();
                return request;
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    private static String readRequest(InputStream in) throws Exception {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                text += new String(in.readNBytes(Integer.parseInt(line.substring(15).strip())), StandardCharsets.UTF_8);
            }
        }
        return text;
    }

    private static RawHttp.Response charge(TestGateway node, String key, int cents) throws Exception {
        String body = "amount=" + cents + "&currency=usd";
        String req = "POST /stripe/v1/payment_intents HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nIdempotency-Key: pay-retry-1\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body;
        return RawHttp.send(node.port(), req.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aCallTheVendorReceivedIsReleasedAndItsApprovalGivenBackWhenTheRetryCannotConnect() throws Exception {
        ServerSocket vendor = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        String db = TestDatabase.fresh();
        try (TestGateway node = TestGateway.start(db, "http://127.0.0.1:" + vendor.getLocalPort(), "guards:\n  loop_max_repeats: 100000\n")) {
            AdminClient admin = new AdminClient(node.baseUrl(), TestSecrets.ADMIN_TOKEN);
            String key = admin.issue("stripe", "retry-agent", "\"daily_usd_cap\":\"100.00\",\"policy\":{\"allow\":[{\"id\":\"charge\","
                    + "\"operation\":\"payment_intents.create\",\"approval_above_usd\":\"30.00\"}]}").get("key").asText();
            RawHttp.Response asked = charge(node, key, 5_000);
            assertEquals(403, asked.status(), asked.bodyText());
            String approval = io.keyward.json.Json.MAPPER.readTree(asked.bodyText()).path("error").path("approval_id").asText();
            AdminClient.Reply token = admin.post("/tokens", "{\"name\":\"approver-r\",\"scopes\":[\"approve\"]}");
            AdminClient approver = new AdminClient(node.baseUrl(), token.json().path("token").asText());
            assertEquals(200, approver.post("/approvals/" + approval + "/approve", "{}").status());

            CompletableFuture<String> received = actThenVanish(vendor);
            RawHttp.Response paid = charge(node, key, 5_000);
            String atVendor = received.get(10, TimeUnit.SECONDS);
            assertTrue(atVendor.contains("amount=5000"), "Stripe received the whole $50 payment: " + atVendor);

            assertTrue(node.keyward().spend().flush(Duration.ofSeconds(10)));
            LedgerRow ledger = node.keyward().store().spend().current("key", AgentCalls.idOf(key)).orElseThrow();
            String state = admin.get("/approvals?state=approved").raw();
            assertEquals("50.00", io.keyward.money.Usd.format(ledger.spentUsd().add(ledger.reservedUsd())),
                    "the $50 the vendor received must stay counted (reply " + paid.status() + " " + paid.bodyText()
                    + "); approvals still approved: " + state);
        } finally {
            vendor.close();
        }
    }
}
