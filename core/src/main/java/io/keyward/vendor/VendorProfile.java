package io.keyward.vendor;

import io.keyward.config.Secret;
import java.net.URI;
import java.util.Map;

/**
 * Everything Keyward knows about one vendor at run time: where it lives, how it wants its
 * credential, and which response header carries its request id.
 *
 * @param hosts further API hosts of the vendor keyed by the first path segment ({@code verify} for Twilio Verify)
 * @param basicUsername for Basic credentials: the account SID or API key SID
 * @param accountSid the real account put into Twilio's {@code /Accounts/{Sid}/} path segment
 * @param requestIdHeader the vendor's request id response header, or null
 * @param catalog the vendor's operations
 * @param caseInsensitiveParams whether the vendor reads parameter names without regard to case (Twilio),
 *     so policies must compare them that way too
 */
public record VendorProfile(String name, URI baseUrl, Map<String, URI> hosts, CredentialStyle credentialStyle,
                            Secret secret, String basicUsername, String accountSid, String requestIdHeader,
                            Catalog catalog, boolean caseInsensitiveParams) {

    public VendorProfile {
        hosts = Map.copyOf(hosts);
    }

    /** Whether the vendor answers a repeated request with the same Idempotency-Key without acting again. */
    public boolean honoursIdempotencyKey() {
        return "stripe".equals(name);
    }
}
