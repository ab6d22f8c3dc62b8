package io.keyward.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.store.LedgerRow;
import io.keyward.testing.ErrorShape;
import io.keyward.testing.GatewayExtension;
import io.keyward.testing.RawHttp;
import io.keyward.testing.TestSecrets;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A money call whose cost is already reserved and that is then refused before it is sent (here:
 * the stored vendor secret was deleted behind Keyward's back, so no credential can be chosen; in
 * a Galera node's death, the ledger read for the budget headers) gives the money back. Before the
 * fix the reservation stayed held until the end of the day, counting against the cap for a call
 * the vendor never saw: the Galera IT's "node killed" run found $0.37 left reserved per such call.
 */
class RefusedAfterReserveTest {
    private static final String CONFIG = "secrets:\n  master_key_id: k1\n  master_keys:\n"
            + "    k1: \"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=\"\n"
            + "guards:\n  loop_max_repeats: 100000\n";

    @RegisterExtension
    static final GatewayExtension leased = new GatewayExtension(CONFIG);
    @RegisterExtension
    static final GatewayExtension callByCall = new GatewayExtension(CONFIG + "spend:\n  lease_usd: \"off\"\n");

    @Test
    void aCallRefusedAfterItsMoneyWasDrawnFromTheLeaseGivesItBack() throws Exception {
        refusedAfterReserve(leased);
    }

    @Test
    void aCallRefusedAfterItsOwnReservationGivesItBack() throws Exception {
        refusedAfterReserve(callByCall);
    }

    private static void refusedAfterReserve(GatewayExtension gw) throws Exception {
        AgentCalls calls = new AgentCalls(gw, "refused-after-reserve");
        gw.vendor().server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"object\":\"payment_intent\"}")));
        HttpResponse<String> rotated = calls.admin(TestSecrets.ADMIN_TOKEN, "PUT", "/vendors/stripe/secret",
                "{\"secret\":\"sk_test_rotatedForRefusalR4n8Qw2Lp6Vb3Hm9Zx\"}");
        assertEquals(200, rotated.statusCode(), rotated.body());
        String key = calls.key("stripe", "\"daily_usd_cap\":\"100.00\",\"policy\":{\"allow\":[{\"operation\":\"payment_intents.create\"}]}");
        RawHttp.Response paid = charge(calls, key, 500);
        assertEquals(200, paid.status(), paid.bodyText());

        try (Connection c = gw.gateway().keyward().store().dataSource().getConnection()) {
            assertEquals(1, c.createStatement().executeUpdate("DELETE FROM vendor_secrets WHERE vendor = 'stripe'"));
        }
        gw.gateway().keyward().keyCache().invalidateAll();
        int sentBefore = gw.vendor().received().size();
        RawHttp.Response refused = charge(calls, key, 700);
        ErrorShape.assertKeywardError(refused, 503, "error_unavailable");
        assertEquals(sentBefore, gw.vendor().received().size(), "the refused call was not sent");

        assertTrue(gw.gateway().keyward().spend().flush(Duration.ofSeconds(10)));
        gw.gateway().keyward().spend().dropLeases();
        LedgerRow ledger = calls.ledger(key);
        assertAll(
                () -> assertEquals(0, new BigDecimal("5.00").compareTo(ledger.spentUsd()), "only the paid call is spent: " + ledger),
                () -> assertEquals(0, ledger.reservedUsd().signum(), "nothing stays reserved for the refused call: " + ledger));
    }

    private static RawHttp.Response charge(AgentCalls calls, String key, int cents) throws Exception {
        return calls.send(key, "POST", "/stripe/v1/payment_intents", "application/x-www-form-urlencoded",
                "amount=" + cents + "&currency=usd");
    }
}
