package io.keyward.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import io.keyward.testing.GatewayExtension;
import io.keyward.testing.RawHttp;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The vendor's headers reach the agent byte for byte: a {@code charset} is not re-spelled by the
 * container, and Keyward adds no {@code Server} header of its own (the agent sees the vendor's, or none).
 */
class HeadersAsSentTest {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension();
    private static String key;

    @BeforeAll
    static void issue() throws Exception {
        key = gw.admin().issue("stripe", "reader", null).get("key").asText();
    }

    private static RawHttp.Response read() throws Exception {
        return RawHttp.send(gw.port(), ("GET /stripe/v1/customers/cus_1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Authorization: Bearer " + key + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"application/json; charset=utf-8", "application/json;charset=UTF-8", "text/plain; charset=\"utf-8\"",
            "application/json", "application/vnd.api+json; charset=iso-8859-1; profile=x"})
    void theContentTypeReachesTheAgentAsSent(String contentType) throws Exception {
        gw.vendor().server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeaders(new HttpHeaders(new HttpHeader("Content-Type", contentType))).withBody("{}")));
        RawHttp.Response reply = read();
        assertEquals(200, reply.status(), reply.bodyText());
        assertEquals(contentType, reply.header("Content-Type"));
    }

    @Test
    void noServerHeaderButTheVendors() throws Exception {
        gw.vendor().server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
        RawHttp.Response plain = read();
        assertEquals(200, plain.status(), plain.bodyText());
        assertNull(plain.header("Server"), "Keyward announces no server of its own");

        gw.vendor().server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withHeader("Server", "nginx").withBody("{}")));
        assertEquals("nginx", read().header("Server"));
    }
}
