package io.keyward.twilio;

import io.keyward.config.ConfigException;
import io.keyward.config.Secret;
import io.keyward.config.SpendConfig;
import io.keyward.config.VendorConfig;
import io.keyward.contract.BodyFormat;
import io.keyward.contract.Catalog;
import io.keyward.contract.CostModel;
import io.keyward.contract.HeaderContract;
import io.keyward.contract.HeaderRule;
import io.keyward.contract.ParamReading;
import io.keyward.contract.ConfiguredVendor;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Twilio. Its servers read form names without regard to case ({@code Body} and {@code body} are
 * one parameter, the last value winning), nest nothing, and read a few names as lists when they
 * repeat ({@code MediaUrl}). It does not deduplicate retries: an {@code Idempotency-Key} is not
 * passed on and earns no discount. The account in {@code /2010-04-01/Accounts/{Sid}/} is always set
 * to the configured account, whatever the agent's SDK put there (twilio-java puts its username,
 * the vault key, there).
 */
public final class TwilioVendor extends ConfiguredVendor {
    /** Parameters twilio-java sends once per item of a list. */
    private static final Set<String> LISTS = Set.of("MediaUrl", "PersistentAction", "StatusCallbackEvent",
            "RecordingStatusCallbackEvent", "ConferenceRecordingStatusCallbackEvent", "CallReason");
    private static final ParamReading READING = new ParamReading(true, false, LISTS);
    public static final HeaderContract HEADERS = HeaderContract.of(HeaderRule.plain("X-Twilio-Client", 100));
    public static final Catalog CATALOG = buildCatalog();

    private final String accountSid;
    private final Map<String, URI> hosts;
    private final String basicUsername;
    private final CostModel costs;

    public TwilioVendor(VendorConfig config, SpendConfig prices) {
        super("twilio", config);
        if (config.accountSid() == null || !config.accountSid().matches("AC[0-9A-Za-z]{32}")) {
            throw new ConfigException("vendors.twilio.account_sid", "is required: the real account SID (AC + 32 characters)");
        }
        if (config.apiKeySid() != null && !config.apiKeySid().matches("SK[0-9A-Za-z]{32}")) {
            throw new ConfigException("vendors.twilio.api_key_sid", "must be an API key SID (SK + 32 characters)");
        }
        Map<String, URI> hostMap = new LinkedHashMap<>();
        hostMap.put("verify", URI.create("https://verify.twilio.com"));
        hostMap.putAll(config.hosts());
        this.hosts = Collections.unmodifiableMap(hostMap);
        this.accountSid = config.accountSid();
        this.basicUsername = config.apiKeySid() != null ? config.apiKeySid() : config.accountSid();
        this.costs = new TwilioCosts(prices);
    }

    @Override
    public Map<String, URI> hosts() {
        return hosts;
    }

    @Override
    public Catalog catalog() {
        return CATALOG;
    }

    @Override
    public ParamReading reading() {
        return READING;
    }

    @Override
    public HeaderContract headers() {
        return HEADERS;
    }

    @Override
    public boolean deduplicatesIdempotentRetries() {
        return false;
    }

    /** HTTP Basic: the account SID (or API key SID) and the auth token (or API key secret). */
    @Override
    public String authorization(Secret secret) {
        return "Basic " + Base64.getEncoder().encodeToString((basicUsername + ":" + secret.reveal()).getBytes(StandardCharsets.UTF_8));
    }

    /** {@code [2010-04-01, Accounts, <anything>(.json), ...]} on the main host gets the real account SID. */
    @Override
    public List<String> upstreamSegments(List<String> segments, boolean defaultHost) {
        if (!defaultHost || segments.size() < 3 || !segments.get(0).equals("2010-04-01") || !segments.get(1).equals("Accounts")) {
            return segments;
        }
        String given = segments.get(2);
        String suffix = given.endsWith(".json") ? ".json" : given.endsWith(".xml") ? ".xml" : "";
        List<String> out = new ArrayList<>(segments);
        out.set(2, accountSid + suffix);
        return out;
    }

    @Override
    public CostModel costs() {
        return costs;
    }

    @Override
    public String requestIdHeader() {
        return "Twilio-Request-Id";
    }

    /** The operations agents call, named as twilio-java names them. */
    private static Catalog buildCatalog() {
        String account = "/2010-04-01/Accounts/{AccountSid}";
        return Catalog.builder(BodyFormat.FORM, true)
                .read("accounts.fetch", account + ".json")
                .money("messages.create", "POST", account + "/Messages.json")
                .read("messages.list", account + "/Messages.json")
                .read("messages.fetch", account + "/Messages/{Sid}.json")
                .op("messages.update", "POST", account + "/Messages/{Sid}.json")
                .op("messages.delete", "DELETE", account + "/Messages/{Sid}.json")
                .read("messages.media.list", account + "/Messages/{MessageSid}/Media.json")
                .money("calls.create", "POST", account + "/Calls.json")
                .read("calls.list", account + "/Calls.json")
                .read("calls.fetch", account + "/Calls/{Sid}.json")
                .op("calls.update", "POST", account + "/Calls/{Sid}.json")
                .money("verify.verifications.create", "POST", "/verify/v2/Services/{ServiceSid}/Verifications")
                .read("verify.verifications.fetch", "/verify/v2/Services/{ServiceSid}/Verifications/{Sid}")
                .op("verify.verifications.update", "POST", "/verify/v2/Services/{ServiceSid}/Verifications/{Sid}")
                .op("verify.verification_checks.create", "POST", "/verify/v2/Services/{ServiceSid}/VerificationCheck")
                .build();
    }
}
