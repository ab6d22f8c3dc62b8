package io.keyward.contract;

import io.keyward.config.Secret;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Everything one vendor means to Keyward, in one unit: where its API lives, its operations, how its
 * servers read a request, which request headers may reach it, whether it deduplicates retries, how
 * it wants its credential and account, how its calls are priced, and its request-id header. The
 * steps of a call ask the vendor; none of them switches on a vendor's name.
 *
 * <p>A vendor is built once from config by {@code io.keyward.registry.VendorRegistry}; adding a
 * vendor is one package implementing this and one line there.
 */
public interface Vendor {

    /** The name in config and in {@code /{vendor}/...} paths. */
    String name();

    /** The default API host, from config: nothing an agent sends chooses the host. */
    URI baseUrl();

    /** Further API hosts of the vendor keyed by the first path segment ({@code verify} for Twilio Verify). */
    Map<String, URI> hosts();

    /** The configured secret, or null when it is kept in the {@code vendor_secrets} table. */
    Secret secret();

    Catalog catalog();

    /** How the vendor's servers read parameter names: what counts as the same name, what may repeat. */
    ParamReading reading();

    /** The request headers that may reach the vendor, and what each may carry. */
    HeaderContract headers();

    /**
     * Whether the vendor answers a repeat of a request carrying the same {@code Idempotency-Key}
     * without acting again. Only then is a retry free of a second reservation.
     */
    boolean deduplicatesIdempotentRetries();

    /** The {@code Authorization} value that carries {@code secret} upstream. */
    String authorization(Secret secret);

    /**
     * The path segments to send upstream, below the host's base path: the vendor's account segment
     * set to the real account. {@code segments} are the decoded, checked segments of the call.
     *
     * @param defaultHost whether the call goes to {@link #baseUrl()} (not one of {@link #hosts()})
     */
    default List<String> upstreamSegments(List<String> segments, boolean defaultHost) {
        return segments;
    }

    /** How the vendor's calls are priced, before the call and from its answer. */
    CostModel costs();

    /** The response header carrying the vendor's request id, or null. */
    String requestIdHeader();

    /**
     * Refuses a JSON body whose values are not of the types the vendor reads for this operation
     * (a recipient list sent as an object, a subject sent as a number).
     *
     * @throws io.keyward.decision.Refusal {@code denied_malformed}, naming the parameter
     */
    default void checkJsonShape(Operation operation, com.fasterxml.jackson.databind.JsonNode body) {
    }
}
