package io.keyward.samples.fakevendor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyward.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each object's field set and default values in the vendor's shape, from {@code fakevendor/{vendor}/{object}.json}
 * (taken from the vendor-traffic captures and the vendors' API specs): a new object is a copy the
 * request then fills in, so answers carry every field the vendor's SDKs expect.
 */
final class Templates {
    private static final String RESOURCES = "/io/keyward/samples/fakevendor/";
    private final String vendor;
    private final Map<String, JsonNode> loaded = new ConcurrentHashMap<>();

    Templates(String vendor) {
        this.vendor = vendor;
    }

    ObjectNode fresh(String object) {
        return (ObjectNode) loaded.computeIfAbsent(object, this::load).deepCopy();
    }

    private JsonNode load(String object) {
        String name = RESOURCES + vendor + "/" + object + ".json";
        try (InputStream in = Templates.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing fake vendor template " + name);
            }
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
