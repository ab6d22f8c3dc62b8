package io.keyward.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keyward.testing.GatewayExtension;
import io.keyward.testing.RawHttp;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A run's cap spans its keys for the whole run; an agent's daily cap spans all its keys. */
class RunAndAgentCapTest {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension("spend:\n  agent_daily_usd_caps:\n    capped-agent: \"0.70\"\n");
    private static final String POLICY = "\"policy\":{\"allow\":[{\"operation\":\"payment_intents.create\"}]}";

    @BeforeEach
    void vendorStatesTheAmount() {
        gw.vendor().server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"amount\":30,\"currency\":\"usd\"}")));
    }

    private static RawHttp.Response pay(String key, int n) throws Exception {
        String body = "amount=30&currency=usd&description=n" + n;
        return RawHttp.send(gw.port(), ("POST /stripe/v1/payment_intents HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer "
                + key + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static String issue(String agent, String extra) throws Exception {
        return gw.admin().issue("stripe", agent, "\"daily_usd_cap\":\"100.00\"," + extra + POLICY).get("key").asText();
    }

    @Test
    void theRunCapHoldsAcrossTheRunsCalls() throws Exception {
        String key = issue("run-agent", "\"agent_run_id\":\"run-capped\",\"run_usd_cap\":\"0.70\",");
        assertEquals(200, pay(key, 1).status());
        assertEquals(200, pay(key, 2).status());
        RawHttp.Response third = pay(key, 3);
        assertEquals(429, third.status(), "0.90 would pass the run's 0.70");
        assertEquals("spend.run_cap", CallAudit.byRequestId(gw.gateway(), third.header("X-Keyward-Request-Id")).rule());
        assertEquals(null, third.header("Retry-After"), "a run's cap does not reset");
        gw.gateway().keyward().spend().flush(java.time.Duration.ofSeconds(5));
        assertEquals("0.60", gw.admin().get("/spend?agent_run_id=run-capped").json().get("spent_usd").asText());
    }

    @Test
    void theAgentCapHoldsAcrossItsKeys() throws Exception {
        String first = issue("capped-agent", "");
        String second = issue("capped-agent", "");
        assertEquals(200, pay(first, 1).status());
        assertEquals(200, pay(second, 2).status());
        RawHttp.Response over = pay(first, 3);
        assertEquals(429, over.status(), "0.90 across two keys would pass the agent's 0.70");
        assertEquals("spend.agent_cap", CallAudit.byRequestId(gw.gateway(), over.header("X-Keyward-Request-Id")).rule());
        assertEquals(2, gw.vendor().received().size());
    }
}
