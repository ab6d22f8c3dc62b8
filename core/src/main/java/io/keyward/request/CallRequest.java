package io.keyward.request;

import io.keyward.vendor.Operation;
import java.util.List;

/**
 * The agent's call, read once, bounded and parsed: what every later step (policy, spend, forward,
 * audit) looks at, so they can never disagree about what was sent.
 *
 * @param headers the request headers that may travel on, in arrival order (the forward step drops hop-by-hop ones)
 * @param body the whole body (at most the configured limit, decoded if it arrived compressed), empty when none
 * @param operation the vendor catalog's operation for this method and path, or null when it names none
 * @param pathSegments the decoded path below the vendor, e.g. {@code [v1, customers, cus_1]}
 * @param params path variables, query and body parameters, decoded, in arrival order
 */
public record CallRequest(String method, List<Header> headers, byte[] body, String contentType, String idempotencyKey,
                          Operation operation, List<String> pathSegments, List<Param> params) {

    public CallRequest {
        headers = List.copyOf(headers);
        pathSegments = List.copyOf(pathSegments);
        params = List.copyOf(params);
    }

    /** One header line as received. */
    public record Header(String name, String value) {
    }

    /** Every value of the parameters this name covers (bracket or dot notation, {@code *} allowed), path variables excluded. */
    public List<String> values(String name) {
        ParamName wanted = ParamName.ofRule(name);
        return params.stream().filter(p -> p.source() != Param.Source.PATH && wanted.covers(p.name(), false))
                .map(Param::value).toList();
    }

    /** The single value of a parameter, if present. */
    public java.util.Optional<String> value(String name) {
        return values(name).stream().filter(java.util.Objects::nonNull).findFirst();
    }
}
