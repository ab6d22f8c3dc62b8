package io.keyward.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One vendor the gateway serves: where its API lives and the real credential. Base URLs are fixed
 * here so nothing an agent sends can choose the host. {@code hosts} maps a first path segment to a
 * second API host of the same vendor (Twilio Verify: {@code /twilio/verify/v2/...}).
 *
 * @param secret the real credential, or null when it is kept in the {@code vendor_secrets} table
 * @param accountSid Twilio only: the real account SID put into {@code /Accounts/{Sid}/}
 * @param apiKeySid Twilio only: when set, the Basic username is this API key SID instead of the account SID
 * @param accountCurrency Stripe only: the currency of an amount sent without one (a refund's), or null
 *     to leave such an amount unpriced
 */
public record VendorConfig(URI baseUrl, Map<String, URI> hosts, Secret secret, String accountSid, String apiKeySid,
                           String accountCurrency) {

    public VendorConfig {
        hosts = Map.copyOf(hosts);
    }

    @JsonCreator
    static VendorConfig fromYaml(@JsonProperty("base_url") String baseUrl,
                                 @JsonProperty("hosts") Map<String, String> hosts,
                                 @JsonProperty("secret") String secret,
                                 @JsonProperty("secret_file") String secretFile,
                                 @JsonProperty("account_sid") String accountSid,
                                 @JsonProperty("api_key_sid") String apiKeySid,
                                 @JsonProperty("account_currency") String accountCurrency) {
        Map<String, URI> parsedHosts = new LinkedHashMap<>();
        if (hosts != null) {
            hosts.forEach((segment, url) -> {
                if (!segment.matches("[a-z0-9-]{1,40}")) {
                    throw new ConfigException("hosts." + segment, "a host segment is lower-case letters, digits and '-'");
                }
                parsedHosts.put(segment, ConfigValues.baseUrl("hosts." + segment, url));
            });
        }
        return new VendorConfig(ConfigValues.baseUrl("base_url", baseUrl), parsedHosts,
                Secret.fromValueOrFile("secret", secret, secretFile, false), blankToNull(accountSid), blankToNull(apiKeySid),
                currency(blankToNull(accountCurrency)));
    }

    private static String currency(String code) {
        if (code != null && !code.matches("[a-z]{3}")) {
            throw new ConfigException("account_currency", "an ISO 4217 code in lower case, as the vendor writes it (usd)");
        }
        return code;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
