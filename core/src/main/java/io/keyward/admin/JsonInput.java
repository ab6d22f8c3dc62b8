package io.keyward.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyward.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Set;

/** Strict reading of an admin request body: a JSON object with only known fields of the right types. */
final class JsonInput {
    static final int MAX_BYTES = 64 * 1024;
    private final ObjectNode body;

    private JsonInput(ObjectNode body) {
        this.body = body;
    }

    static JsonInput read(InputStream in, Set<String> knownFields) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
            throw new AdminInputException("body", "is larger than " + MAX_BYTES + " bytes");
        }
        if (bytes.length == 0) {
            return new JsonInput(Json.MAPPER.createObjectNode());
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new AdminInputException("body", "is not valid JSON");
        }
        if (!(node instanceof ObjectNode object)) {
            throw new AdminInputException("body", "must be a JSON object");
        }
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!knownFields.contains(name)) {
                throw new AdminInputException(name, "unknown field; known fields: " + String.join(", ", knownFields.stream().sorted().toList()));
            }
        }
        return new JsonInput(object);
    }

    /** A string field, or null when absent or JSON null. */
    String text(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new AdminInputException(field, "must be a string");
        }
        return value.textValue();
    }

    /** A boolean field; absent or null is false. */
    /** The field as sent, or null. */
    com.fasterxml.jackson.databind.JsonNode raw(String field) {
        return body.get(field);
    }

    boolean flag(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new AdminInputException(field, "must be true or false");
        }
        return value.booleanValue();
    }

    /** An object field, or null when absent or JSON null. */
    ObjectNode object(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!(value instanceof ObjectNode object)) {
            throw new AdminInputException(field, "must be a JSON object");
        }
        return object;
    }
}
