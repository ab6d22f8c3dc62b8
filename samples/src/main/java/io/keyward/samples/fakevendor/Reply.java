package io.keyward.samples.fakevendor;

import io.keyward.json.Json;
import java.util.Map;

/** A vendor's answer: status, JSON body (none for 204) and the vendor's request-id header. */
record Reply(int status, byte[] body, Map<String, String> headers) {

    static Reply json(int status, Object body, Map<String, String> headers) {
        return new Reply(status, body == null ? new byte[0] : Json.bytes(body), headers);
    }
}
