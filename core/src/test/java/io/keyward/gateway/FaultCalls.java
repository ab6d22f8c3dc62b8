package io.keyward.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyward.testing.AdminClient;
import io.keyward.testing.RawHttp;
import io.keyward.testing.TestGateway;
import io.keyward.testing.TestSecrets;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The calls and spend readings the vendor and database fault tests make. */
final class FaultCalls {
    static final String POLICY = "{\"allow\":[{\"operation\":\"payment_intents.create\"},{\"operation\":\"customers.retrieve\"},"
            + "{\"operation\":\"messages.create\"}]}";
    private static final String RESEND_POLICY = "{\"allow\":[{\"operation\":\"emails.send\"}]}";

    private final TestGateway gw;
    private final AdminClient admin;

    FaultCalls(TestGateway gw) {
        this.gw = gw;
        this.admin = new AdminClient(gw.baseUrl(), TestSecrets.ADMIN_TOKEN);
    }

    String issue(String vendor) throws Exception {
        return admin.issue(vendor, "fault-agent", "\"daily_usd_cap\":\"500.00\",\"policy\":"
                + ("resend".equals(vendor) ? RESEND_POLICY : POLICY)).get("key").asText();
    }

    /** A money-moving Stripe call of {@code cents} US cents. */
    RawHttp.Response charge(String key, int cents, String idempotencyKey) throws Exception {
        String body = "amount=" + cents + "&currency=usd&description=" + System.nanoTime();
        return RawHttp.send(gw.port(), ("POST /stripe/v1/payment_intents HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Authorization: Bearer " + key + "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + (idempotencyKey == null ? "" : "Idempotency-Key: " + idempotencyKey + "\r\n")
                + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
    }

    RawHttp.Response read(String key) throws Exception {
        return RawHttp.send(gw.port(), ("GET /stripe/v1/customers/cus_" + System.nanoTime() + " HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\nAuthorization: Bearer " + key + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    }

    /** A Twilio SMS: another vendor, to show one vendor's trouble leaves the others alone. */
    RawHttp.Response text(String twilioKey) throws Exception {
        String body = "To=%2B15558675310&From=%2B15017122661&Body=hi";
        return RawHttp.send(gw.port(), ("POST /twilio/2010-04-01/Accounts/ACx/Messages.json HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\nAuthorization: Bearer " + twilioKey + "\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A Resend email to one recipient: a priced call.
     *
     * @param keepAlive whether to leave the connection open (an SDK's pool), which lets the
     *     container frame a body of unknown length in chunks instead of by closing the connection
     */
    RawHttp.Response email(String resendKey, boolean keepAlive) throws Exception {
        String body = "{\"from\":\"billing@example.com\",\"to\":[\"ann@example.com\"],\"subject\":\"s\",\"html\":\"h\"}";
        return RawHttp.send(gw.port(), ("POST /resend/emails HTTP/1.1\r\nHost: x\r\n" + (keepAlive ? "" : "Connection: close\r\n")
                + "Authorization: Bearer " + resendKey + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
    }

    /** The key's ledger for today, once pending settles are written. */
    /** What the key's calls hold reserved: its {@code reserved_usd} less what this node's escrow lease holds. */
    java.math.BigDecimal heldByCalls(String key) throws Exception {
        return new java.math.BigDecimal(spend(key).get("reserved_usd").asText()).subtract(gw.keyward().spend().leased(key.substring(3, 19)));
    }

    JsonNode spend(String key) throws Exception {
        gw.keyward().spend().flush(Duration.ofSeconds(5));
        return admin.get("/spend?key_id=" + key.substring(3, 19)).json();
    }
}
