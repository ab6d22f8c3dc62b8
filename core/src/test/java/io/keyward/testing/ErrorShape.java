package io.keyward.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** What docs/errors.md promises of every answer Keyward gives itself: status, the one JSON shape, its code. */
public final class ErrorShape {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ErrorShape() {
    }

    /** Asserts {@code reply} is Keyward's JSON error with this status and code, naming its own request id. */
    public static JsonNode assertKeywardError(RawHttp.Response reply, int status, String code) throws IOException {
        assertEquals(status, reply.status(), reply.bodyText());
        assertTrue(reply.complete(), "a whole answer");
        String type = reply.header("Content-Type");
        assertTrue(type != null && type.startsWith("application/json"), "JSON, not the container's page: " + type);
        JsonNode root = JSON.readTree(reply.body());
        JsonNode error = root.get("error");
        assertNotNull(error, "the one JSON error shape: " + reply.bodyText());
        assertEquals("keyward_error", error.path("type").asText());
        assertEquals(code, error.path("code").asText(), reply.bodyText());
        assertFalse(error.path("message").asText().isBlank());
        assertEquals(reply.header("X-Keyward-Request-Id"), error.path("request_id").asText());
        assertEquals(status, root.path("status").asInt());
        return error;
    }
}
