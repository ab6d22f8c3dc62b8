package io.keyward.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.store.CallRow;
import io.keyward.testing.GatewayExtension;
import io.keyward.testing.ErrorShape;
import io.keyward.testing.RawHttp;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A vendor answering 500s in a burst: its circuit opens, later calls to it are refused at once
 * (503, audited, reservation released) while other vendors keep working, and after the open period
 * one probe that succeeds closes it again.
 */
class CircuitBreakerTest {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension("""
            forward:
              circuit_breaker:
                window_calls: 4
                minimum_calls: 4
                failure_rate_percent: 50
                open_for: 2s
                half_open_calls: 1
            guards:
              loop_max_repeats: 1000
            """);
    private final FaultCalls calls = new FaultCalls(gw.gateway());

    @Test
    void aBurstOf500sOpensTheCircuitForThatVendorOnly() throws Exception {
        gw.vendor().server().stubFor(post(urlPathEqualTo("/v1/payment_intents")).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":{\"type\":\"api_error\"}}")));
        gw.vendor().server().stubFor(post(urlPathMatching("/2010-04-01/Accounts/.*/Messages.json")).willReturn(aResponse()
                .withStatus(201).withHeader("Content-Type", "application/json").withBody("{\"sid\":\"SM1\"}")));
        String stripe = calls.issue("stripe");
        String twilio = calls.issue("twilio");

        for (int i = 0; i < 4; i++) {
            RawHttp.Response failed = calls.charge(stripe, 100, null);
            assertEquals(500, failed.status(), "the vendor's own 500 reaches the agent");
            assertEquals("{\"error\":{\"type\":\"api_error\"}}", failed.bodyText(), "as the vendor sent it");
            CallRow row = CallAudit.byRequestId(gw.gateway(), failed.header("X-Keyward-Request-Id"));
            assertEquals("allowed", row.policyCheckResult());
            assertEquals(500, row.upstreamStatus());
            assertEquals(0, BigDecimal.ONE.compareTo(row.amountUsd()));
            assertTrue(row.reason().contains("reservation kept"), row.reason());
        }
        assertEquals("4.00", calls.spend(stripe).get("spent_usd").asText(), "after a 5xx the vendor may have acted: kept");

        RawHttp.Response refused = calls.charge(stripe, 100, null);
        ErrorShape.assertKeywardError(refused, 503, "error_upstream");
        assertEquals("2", refused.header("Retry-After"));
        assertEquals(4, gw.vendor().received().size(), "an open circuit sends nothing");
        assertEquals("4.00", calls.spend(stripe).get("spent_usd").asText(), "the refused call's reservation is released");
        assertEquals(0, calls.heldByCalls(stripe).signum(), "no call holds money (what is reserved is this node's lease)");
        CallRow row = CallAudit.byRequestId(gw.gateway(), refused.header("X-Keyward-Request-Id"));
        assertEquals("error_upstream", row.policyCheckResult());
        assertEquals("forward.circuit_breaker", row.rule());
        assertNull(row.amountUsd(), "released");
        assertNull(row.upstreamStatus(), "never sent");

        assertEquals(201, calls.text(twilio).status(), "another vendor is not affected");

        gw.vendor().server().stubFor(post(urlPathEqualTo("/v1/payment_intents")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"object\":\"payment_intent\",\"amount\":100,\"currency\":\"usd\"}")));
        // Until open_for has passed every call is refused at once, sending nothing; then one probe goes.
        RawHttp.Response probe = calls.charge(stripe, 100, null);
        for (long deadline = System.nanoTime() + 10_000_000_000L; probe.status() == 503 && System.nanoTime() < deadline; ) {
            ErrorShape.assertKeywardError(probe, 503, "error_upstream");
            Thread.sleep(100);
            probe = calls.charge(stripe, 100, null);
        }
        assertEquals(200, probe.status(), "after open_for one probe goes through: " + probe.bodyText());
        assertEquals(5, gw.vendor().received().stream().filter(r -> r.getUrl().startsWith("/v1/payment_intents")).count(),
                "the refusals while open sent nothing to Stripe; the probe did");
        assertEquals(200, calls.charge(stripe, 100, null).status(), "and, having succeeded, closed the circuit");
    }
}
