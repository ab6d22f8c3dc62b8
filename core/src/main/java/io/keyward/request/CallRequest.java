package io.keyward.request;

import java.util.List;

/**
 * The agent's call, read once and bounded: what every later step (policy, spend, forward, audit)
 * looks at, so they can never disagree about what was sent.
 *
 * @param headers every request header in arrival order; the forward step decides which travel on
 * @param body the whole body (at most the configured limit), empty when there was none
 */
public record CallRequest(String method, List<Header> headers, byte[] body, String contentType, String idempotencyKey) {

    public CallRequest {
        headers = List.copyOf(headers);
    }

    /** One header line as received. */
    public record Header(String name, String value) {
    }
}
