package io.keyward.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.keyward.store.LedgerRow;
import io.keyward.testing.GatewayExtension;
import io.keyward.testing.RawHttp;
import java.math.BigDecimal;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The last outside check's attack: a retry sent while the first call is still at the vendor. It
 * used to ride free on the first call's reservation; the first then failed with a 4xx, its
 * reservation was given back, and the retry moved $40 nothing covered: $80 of payment intents on
 * a $50 cap. A retry is now free only once the first call was answered; before that it is 409.
 */
class IdempotentRetryRaceTest {
    private static final String FORM = "application/x-www-form-urlencoded";
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension(
            "guards:\n  loop_max_repeats: 100000\n  rate_per_second: 100000\n  rate_per_minute: 1000000\n");
    private static final AgentCalls calls = new AgentCalls(gw, "racer");

    @ParameterizedTest(name = "the first call answered {0}")
    @ValueSource(ints = {400, 429})
    void aRetryWhileTheFirstCallIsInFlightIsRefusedAndTheCapHolds(int firstStatus) throws Exception {
        gw.vendor().reset();
        gw.vendor().server().stubFor(any(anyUrl()).inScenario("race").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(firstStatus).withFixedDelay(1500)
                        .withBody("{\"error\":{\"type\":\"invalid_request_error\"}}"))
                .willSetStateTo("answered"));
        gw.vendor().server().stubFor(any(anyUrl()).inScenario("race").whenScenarioStateIs("answered")
                .willReturn(aResponse().withStatus(200).withBody("{\"id\":\"pi_1\",\"amount\":4000,\"currency\":\"usd\"}")));
        String key = calls.key("stripe", "\"daily_usd_cap\":\"50.00\",\"policy\":{\"allow\":[{\"operation\":\"payment_intents.create\"}]}");
        String idempotency = "Idempotency-Key: race-" + firstStatus;

        CompletableFuture<RawHttp.Response> first = CompletableFuture.supplyAsync(() -> send(key, idempotency));
        Thread.sleep(300);
        RawHttp.Response retry = send(key, idempotency);
        assertEquals(409, retry.status(), "a retry while the first is in flight: " + retry.bodyText());
        assertTrue(retry.bodyText().contains("still in flight"), retry.bodyText());
        assertEquals(firstStatus, first.get().status());
        assertEquals(1, gw.vendor().received().size(), "the refused retry never reached the vendor");

        // The first failed and gave its money back: the next call, with or without the key, is paid for.
        RawHttp.Response again = send(key, idempotency);
        assertEquals(200, again.status(), again.bodyText());
        RawHttp.Response another = send(key, null);
        assertEquals(429, another.status(), "$40 + $40 on a $50 cap: " + another.bodyText());
        LedgerRow ledger = calls.ledger(key);
        assertEquals(0, ledger.spentUsd().compareTo(new BigDecimal("40.00")), "spent " + ledger.spentUsd());
        assertEquals(0, ledger.reservedUsd().signum());

        // Once the first call was answered, a retry is free again.
        RawHttp.Response replay = send(key, idempotency);
        assertEquals(200, replay.status(), replay.bodyText());
        assertEquals(0, calls.ledger(key).spentUsd().compareTo(new BigDecimal("40.00")));
    }

    private static RawHttp.Response send(String key, String header) {
        try {
            return header == null
                    ? calls.send(key, "POST", "/stripe/v1/payment_intents", FORM, "amount=4000&currency=usd")
                    : calls.send(key, "POST", "/stripe/v1/payment_intents", FORM, "amount=4000&currency=usd", header);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
