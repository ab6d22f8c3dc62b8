package io.keyward.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.keyward.store.CallRow;
import io.keyward.testing.GatewayExtension;
import io.keyward.testing.ErrorShape;
import io.keyward.testing.RawHttp;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A vendor that hangs, answers slowly, resets connections or breaks off mid-body. Each case checks
 * what the agent gets, whether the reservation is kept or released, the audit row, and that the
 * other vendors' calls still go through (no pool or thread is held hostage).
 */
class VendorFaultTest {
    private static final String PI = "{\"object\":\"payment_intent\",\"amount\":100,\"currency\":\"usd\"}";

    /** Resend's stand-in: a socket that answers as scripted and closes, where WireMock would finish the body. */
    private static final CutVendor CUT_VENDOR = CutVendor.open();

    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension("""
            forward:
              response_timeout: 10s
              response_timeouts:
                stripe:
                  payment_intents.create: 1s
              max_concurrent_per_vendor: 2
            guards:
              loop_max_repeats: 1000
            """, config -> config.replaceFirst("(  resend:\n    base_url: )\\S+", "$1" + CUT_VENDOR.baseUrl()));
    private final FaultCalls calls = new FaultCalls(gw.gateway());

    @org.junit.jupiter.api.AfterAll
    static void closeCutVendor() throws Exception {
        CUT_VENDOR.close();
    }

    private static void paymentIntentsAnswer(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer) {
        gw.vendor().server().stubFor(post(urlPathEqualTo("/v1/payment_intents")).willReturn(answer));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder ok(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    private static void twilioAnswers() {
        gw.vendor().server().stubFor(post(urlPathMatching("/2010-04-01/Accounts/.*/Messages.json"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody("{\"sid\":\"SM1\"}")));
    }

    @Test
    void aHungVendorTimesOutAtTheOperationsTimeoutAndKeepsTheReservation() throws Exception {
        paymentIntentsAnswer(ok(PI).withFixedDelay(4_000));
        String key = calls.issue("stripe");
        long start = System.nanoTime();
        RawHttp.Response timedOut = calls.charge(key, 250, null);
        long millis = (System.nanoTime() - start) / 1_000_000;
        ErrorShape.assertKeywardError(timedOut, 504, "error_upstream");
        assertTrue(millis < 3_500, "payment_intents.create has a 1 s timeout, not the 10 s default: took " + millis + " ms");
        assertEquals("2.50", calls.spend(key).get("spent_usd").asText(), "the vendor may have acted: the money stays counted");
        CallRow row = CallAudit.byRequestId(gw.gateway(), timedOut.header("X-Keyward-Request-Id"));
        assertEquals("error_upstream", row.policyCheckResult());
        assertEquals(0, new BigDecimal("2.50").compareTo(row.amountUsd()), "the row counts the kept money");
        assertTrue(row.reason().contains("did not answer in time"), row.reason());
    }

    @Test
    void theBulkheadRefusesAtOnceBeyondItsBoundWhileOtherVendorsKeepWorking() throws Exception {
        gw.vendor().server().stubFor(get(urlPathMatching("/v1/customers/.*")).willReturn(ok("{\"id\":\"cus_1\"}").withFixedDelay(3_000)));
        twilioAnswers();
        paymentIntentsAnswer(ok(PI));
        String key = calls.issue("stripe");
        String twilio = calls.issue("twilio");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<RawHttp.Response>> hung = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                hung.add(pool.submit(() -> calls.read(key)));
            }
            for (int i = 0; i < 100 && gw.vendor().received().size() < 2; i++) {
                Thread.sleep(50);
            }
            assertEquals(2, gw.vendor().received().size(), "both slow calls are at the vendor");

            RawHttp.Response refused = calls.charge(key, 300, null);
            ErrorShape.assertKeywardError(refused, 503, "error_upstream");
            assertEquals("1", refused.header("Retry-After"));
            CallRow row = CallAudit.byRequestId(gw.gateway(), refused.header("X-Keyward-Request-Id"));
            assertEquals("error_upstream", row.policyCheckResult());
            assertEquals("forward.max_concurrent_per_vendor", row.rule());
            assertNull(row.amountUsd(), "released: nothing counted");
            assertNull(row.upstreamStatus(), "never sent");
            assertEquals("0.00", calls.spend(key).get("spent_usd").asText(), "nothing was sent: the reservation is released");
            assertEquals(0, calls.heldByCalls(key).signum(), "no call holds money (what is reserved is this node's lease)");

            assertEquals(201, calls.text(twilio).status(), "Twilio calls go through while Stripe's are stuck");
            for (Future<RawHttp.Response> slow : hung) {
                assertEquals(200, slow.get().status(), "the slow calls finish normally");
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(200, calls.charge(key, 300, null).status(), "the bulkhead frees its places");
    }

    @Test
    void aResetIsRetriedOnceOnlyForAStripePostWithAnIdempotencyKeyOrAGet() throws Exception {
        String key = calls.issue("stripe");
        resetThenOk(() -> post(urlPathEqualTo("/v1/payment_intents")), PI);
        RawHttp.Response retried = calls.charge(key, 100, "idem-" + System.nanoTime());
        assertEquals(200, retried.status(), retried.bodyText());
        assertEquals(PI, retried.bodyText());
        assertEquals(2, gw.vendor().received().size(), "sent twice: Stripe deduplicates by the Idempotency-Key");
        assertEquals("1.00", calls.spend(key).get("spent_usd").asText(), "and counted once");

        gw.vendor().reset();
        resetThenOk(() -> post(urlPathEqualTo("/v1/payment_intents")), PI);
        RawHttp.Response notRetried = calls.charge(key, 100, null);
        ErrorShape.assertKeywardError(notRetried, 502, "error_upstream");
        CallRow row = CallAudit.byRequestId(gw.gateway(), notRetried.header("X-Keyward-Request-Id"));
        assertEquals("error_upstream", row.policyCheckResult());
        assertEquals(0, BigDecimal.ONE.compareTo(row.amountUsd()), "kept, and on the row");
        assertEquals("allowed", CallAudit.byRequestId(gw.gateway(), retried.header("X-Keyward-Request-Id")).policyCheckResult(),
                "the retried call is one row, its final outcome");
        assertEquals(1, gw.vendor().received().size(), "a POST without an Idempotency-Key is never repeated");
        assertEquals("2.00", calls.spend(key).get("spent_usd").asText(), "the reset came after the request was sent: kept");

        gw.vendor().reset();
        resetThenOk(() -> get(urlPathMatching("/v1/customers/.*")), "{\"id\":\"cus_1\"}");
        assertEquals(200, calls.read(key).status(), "a GET is repeated once");
        assertEquals(2, gw.vendor().received().size());
    }

    /** The first matching request has its connection reset; every later one is answered. */
    private static void resetThenOk(java.util.function.Supplier<com.github.tomakehurst.wiremock.client.MappingBuilder> request,
                                    String body) {
        String scenario = "reset-" + System.nanoTime();
        gw.vendor().server().stubFor(request.get().inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("up"));
        gw.vendor().server().stubFor(request.get().inScenario(scenario).whenScenarioStateIs("up").willReturn(ok(body)));
    }

    @Test
    void aChunkedAnswerBreakingOffReachesTheAgentAsABrokenConnection() throws Exception {
        paymentIntentsAnswer(aResponse().withStatus(200).withFault(Fault.MALFORMED_RESPONSE_CHUNK));
        String key = calls.issue("stripe");
        RawHttp.Response broken = calls.charge(key, 400, null);
        assertEquals(200, broken.status(), "the status was already on its way to the agent");
        assertFalse(broken.complete(), "an SDK must not take the broken answer for a complete one: " + broken.everything());
        assertEquals("4.00", calls.spend(key).get("spent_usd").asText(), "the vendor may have acted: kept");
        CallRow row = CallAudit.byRequestId(gw.gateway(), broken.header("X-Keyward-Request-Id"));
        assertEquals("allowed", row.policyCheckResult());
        assertEquals(200, row.upstreamStatus());
        assertEquals(0, new BigDecimal("4.00").compareTo(row.amountUsd()));
        assertTrue(row.reason().contains("broke off") && row.reason().contains("reservation kept"), row.reason());
    }

    @Test
    void anAnswerShortOfItsContentLengthReachesTheAgentShortAndBroken() throws Exception {
        String key = calls.issue("resend");
        String whole = "{\"id\":\"49a3999c-0ce1-4ea6-ab68-afcd6dc2e794\",\"object\":\"email\"}";
        String half = whole.substring(0, whole.length() / 2);
        Future<?> vendor = CUT_VENDOR.answerOnce("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + whole.length() + "\r\n\r\n" + half);
        RawHttp.Response broken = calls.email(key, false);
        vendor.get(10, TimeUnit.SECONDS);
        assertEquals(200, broken.status());
        assertEquals(String.valueOf(whole.length()), broken.header("Content-Length"), "the vendor's length, unchanged");
        assertFalse(broken.complete(), "fewer bytes than Content-Length, then the end: " + broken.everything());
        assertTrue(whole.startsWith(broken.bodyText()), broken.bodyText());
        CallRow row = CallAudit.byRequestId(gw.gateway(), broken.header("X-Keyward-Request-Id"));
        assertEquals(200, row.upstreamStatus());
        assertTrue(row.reason().contains("broke off") && row.reason().contains("reservation kept"), row.reason());
        assertTrue(row.amountUsd().signum() > 0 && row.amountUsd().compareTo(row.estimatedUsd()) == 0,
                "the estimate stays counted: " + row.amountUsd());
        assertEquals(0, row.amountUsd().compareTo(new BigDecimal(calls.spend(key).get("spent_usd").asText())));
    }

    @Test
    void aLongChunkedAnswerBreakingOffReachesTheAgentShortOfADeclaredLength() throws Exception {
        String key = calls.issue("resend");
        // More than the container's response buffer: headers and the first bytes are out before the cut.
        String part = "{\"id\":\"e1\",\"padding\":\"" + "x".repeat(100_000);
        Future<?> vendor = CUT_VENDOR.answerOnce("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(part.length()) + "\r\n" + part + "\r\n");
        RawHttp.Response broken = calls.email(key, true);
        vendor.get(10, TimeUnit.SECONDS);
        assertEquals(200, broken.status());
        // The whole answer is in hand before the agent's first byte (Forwarder: no thread waits on the
        // vendor), so the cut is known up front: the agent gets what came, short of a declared length.
        assertEquals(String.valueOf(broken.body().length + 1), broken.header("Content-Length"),
                "one byte more declared than will arrive: " + broken.headers());
        assertEquals("close", broken.header("Connection"));
        assertFalse(broken.complete(), "short of its length, then the end");
        assertTrue(broken.body().length > 0 && part.startsWith(broken.bodyText()), "part of the body arrived first");
        CallRow row = CallAudit.byRequestId(gw.gateway(), broken.header("X-Keyward-Request-Id"));
        assertTrue(row.reason().contains("broke off") && row.reason().contains("reservation kept"), row.reason());
    }

    @Test
    void aSlowButSteadyAnswerArrivesWhole() throws Exception {
        String body = "{\"object\":\"payment_intent\",\"amount\":100,\"currency\":\"usd\",\"padding\":\"" + "x".repeat(2_000) + "\"}";
        paymentIntentsAnswer(ok(body).withChunkedDribbleDelay(8, 800));
        String key = calls.issue("stripe");
        RawHttp.Response slow = calls.charge(key, 100, null);
        assertEquals(200, slow.status());
        assertTrue(slow.complete());
        assertEquals(body, slow.bodyText());
        assertEquals("1.00", calls.spend(key).get("spent_usd").asText());
        CallRow row = CallAudit.byRequestId(gw.gateway(), slow.header("X-Keyward-Request-Id"));
        assertEquals("allowed", row.policyCheckResult());
        assertEquals(200, row.upstreamStatus());
        assertNull(row.reason(), "nothing notable: " + row.reason());
    }
}
