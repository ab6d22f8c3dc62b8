package io.keyward.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.keyward.testing.GatewayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Outside review of the non-blocking path: Keyward dropped the agent's Accept-Encoding and sent none;
 * with none, RFC 9110 12.5.3 says any content coding is acceptable, so a vendor (or its CDN) could
 * answer br or zstd, which Keyward must refuse with a 502 after the vendor acted. It now asks for
 * {@code identity}, as docs/vendor-secrets.md always said.
 */
class UpstreamAcceptEncodingTest {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension();

    @Test
    void vendorIsAskedForIdentity() throws Exception {
        gw.vendor().server().stubFor(get(urlPathMatching("/v1/customers/.*")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":\"cus_1\"}")));
        FaultCalls calls = new FaultCalls(gw.gateway());
        calls.read(calls.issue("stripe"));
        LoggedRequest sent = gw.vendor().server().getAllServeEvents().get(0).getRequest();
        HttpHeader accept = sent.header("Accept-Encoding");
        assertEquals("identity", accept.isPresent() ? accept.firstValue() : null,
                "the upstream request carries no Accept-Encoding: " + sent.getHeaders());
    }
}
