package io.keyward.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyward.testing.RawHttp;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Command 1's gateway answers everything in the one JSON error shape: paths nothing serves, and
 * requests Jetty itself refuses before any web app sees them. No HTML page, no Server header.
 */
class UnservedRequestTest {
    @RegisterExtension
    static final QuickstartExtension QUICKSTART = new QuickstartExtension(data -> Map.of());
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a path nothing serves            | GET /v1/payment_intents HTTP/1.1\\r\\nHost: x                 | 404 | not_found",
        "a POST nothing serves            | POST /nowhere HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 0     | 404 | not_found",
        "an undecodable request target    | GET /%zz HTTP/1.1\\r\\nHost: x                                  | 400 | invalid_request",
        "a NUL in the request target      | GET /x%00y HTTP/1.1\\r\\nHost: x                                | 400 | invalid_request",
        "two Host headers                 | GET /v1/charges HTTP/1.1\\r\\nHost: a\\r\\nHost: b              | 400 | invalid_request",
    })
    void isAnsweredInTheJsonErrorShape(String name, String head, int status, String code) throws Exception {
        int port = URI.create(QUICKSTART.gateway()).getPort();
        String request = head.replace("\\r\\n", "\r\n") + "\r\nConnection: close\r\n\r\n";
        RawHttp.Response reply = RawHttp.send(port, request.getBytes(StandardCharsets.US_ASCII));

        assertEquals(status, reply.status(), reply.bodyText());
        assertTrue(reply.header("Content-Type").startsWith("application/json"), reply.header("Content-Type"));
        assertFalse(reply.bodyText().contains("<html"), reply.bodyText());
        JsonNode root = JSON.readTree(reply.body());
        assertEquals(code, root.get("error").get("code").asText());
        assertEquals(code, root.get("name").asText());
        assertEquals(status, root.get("statusCode").asInt());
        assertEquals(reply.header("X-Keyward-Request-Id"), root.get("error").get("request_id").asText());
        assertNull(reply.header("Server"), "Keyward announces no server of its own");
    }
}
