package io.keyward.request;

import io.keyward.contract.Operation;
import io.keyward.contract.Params;
import java.util.List;
import java.util.Optional;

/**
 * The agent's call, read once, bounded and parsed by the rules of the vendor that will read it:
 * what every later step (policy, spend, forward, audit) looks at, so they can never disagree
 * about what was sent, and what the vendor receives is exactly this.
 *
 * @param headers the request headers the vendor's contract admits, each once, in arrival order:
 *     the only ones forwarded
 * @param body the whole body (at most the configured limit, decoded if it arrived compressed), empty
 *     when none: forwarded as these bytes
 * @param idempotencyKey the {@code Idempotency-Key} header when the vendor's contract admits it, else null
 * @param operation the vendor catalog's operation for this method and path, or null when it names none
 * @param pathSegments the decoded path below the vendor, e.g. {@code [v1, customers, cus_1]}: what
 *     was matched and checked, and what the forwarded path is built from
 * @param params path variables, query and body parameters: the one reading
 */
public record CallRequest(String method, List<Header> headers, byte[] body, String contentType, String idempotencyKey,
                          Operation operation, List<String> pathSegments, Params params) {

    public CallRequest {
        headers = List.copyOf(headers);
        pathSegments = List.copyOf(pathSegments);
    }

    /** One header line as received. */
    public record Header(String name, String value) {
    }

    /** The value of an admitted header (any case of its name), if the agent sent it. */
    public Optional<String> header(String name) {
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                return Optional.of(h.value());
            }
        }
        return Optional.empty();
    }
}
