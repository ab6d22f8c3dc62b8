package io.keyward.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.store.CallRow;
import io.keyward.testing.FakeVendor;
import io.keyward.testing.ErrorShape;
import io.keyward.testing.RawHttp;
import java.math.BigDecimal;
import io.keyward.testing.TcpRelay;
import io.keyward.testing.TestDatabase;
import io.keyward.testing.TestGateway;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database slows down, then drops every connection. Slow: calls still complete, each reserved,
 * settled and audited. Gone: money-moving calls are refused (503) before anything is sent, and every
 * refusal is audited once the database is back; afterwards calls go through again (no pool or
 * thread was left stuck).
 */
class DatabaseFaultTest {
    private static final String PI = "{\"object\":\"payment_intent\",\"amount\":100,\"currency\":\"usd\"}";

    @Test
    void aSlowThenMissingDatabaseDelaysOrRefusesCallsButNeverLetsMoneyMoveUncounted(@TempDir Path spool) throws Exception {
        String db = TestDatabase.fresh();
        try (FakeVendor vendor = new FakeVendor(); TcpRelay relay = TcpRelay.inFrontOf(db);
             TestGateway node = TestGateway.start(relay.relayed(db), vendor.baseUrl(),
                     "audit:\n  spool_dir: " + spool + "\nguards:\n  loop_max_repeats: 1000\n")) {
            vendor.server().stubFor(post(urlPathEqualTo("/v1/payment_intents")).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/json").withBody(PI)));
            vendor.server().stubFor(post(urlPathMatching("/2010-04-01/Accounts/.*/Messages.json")).willReturn(aResponse()
                    .withStatus(201).withHeader("Content-Type", "application/json").withBody("{\"sid\":\"SM1\"}")));
            FaultCalls calls = new FaultCalls(node);
            String stripe = calls.issue("stripe");
            String twilio = calls.issue("twilio");

            relay.slow(Duration.ofMillis(40));
            ExecutorService pool = Executors.newFixedThreadPool(12);
            List<Future<RawHttp.Response>> inFlight = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                inFlight.add(pool.submit(() -> calls.charge(stripe, 100, null)));
            }
            for (Future<RawHttp.Response> call : inFlight) {
                RawHttp.Response slow = call.get();
                assertEquals(200, slow.status(), "a slow database makes calls slower, not wrong");
                assertEquals(PI, slow.bodyText());
                CallRow row = CallAudit.byRequestId(node, slow.header("X-Keyward-Request-Id"));
                assertEquals("allowed", row.policyCheckResult());
                assertEquals(0, BigDecimal.ONE.compareTo(row.amountUsd()), "reserved and settled as usual");
            }
            pool.shutdown();
            relay.restore();
            assertEquals("12.00", calls.spend(stripe).get("spent_usd").asText());

            relay.cut();
            int forwardedBefore = vendor.received().size();
            RawHttp.Response refused = calls.charge(stripe, 100, null);
            ErrorShape.assertKeywardError(refused, 503, "error_unavailable");
            RawHttp.Response refusedText = calls.text(twilio);
            ErrorShape.assertKeywardError(refusedText, 503, "error_unavailable");
            assertEquals(forwardedBefore, vendor.received().size(), "nothing is sent while money cannot be counted");

            relay.restore();
            long back = System.nanoTime();
            int status = 0;
            for (int i = 0; i < 40 && status != 200; i++) {
                RawHttp.Response reply = calls.charge(stripe, 100, null);
                status = reply.status();
                if (status != 200) {
                    ErrorShape.assertKeywardError(reply, 503, "error_unavailable");
                    Thread.sleep(250);
                }
            }
            assertEquals(200, status, "calls go through again once it is back");
            System.out.printf("calls went through %d ms after the database returned%n", (System.nanoTime() - back) / 1_000_000);
            assertEquals(201, calls.text(twilio).status());
            assertEquals("13.00", calls.spend(stripe).get("spent_usd").asText(), "the refused calls held nothing");
            for (RawHttp.Response each : List.of(refused, refusedText)) {
                CallRow row = CallAudit.byRequestId(node, each.header("X-Keyward-Request-Id"));
                assertEquals("error_unavailable", row.policyCheckResult(), "the refusal reached the audit trail via the spool");
                assertNull(row.amountUsd(), "it held nothing");
                assertNull(row.upstreamStatus(), "and sent nothing");
            }
        }
    }
}
