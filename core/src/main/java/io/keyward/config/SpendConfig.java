package io.keyward.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.keyward.money.Usd;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Caps and prices. Prices are estimates made before the call, so set them at or above what the
 * vendor charges: the cap stays exact as long as every estimate is an upper bound.
 *
 * @param defaultDailyUsdCap the daily cap of keys issued without one; null means such keys cannot move money
 * @param agentDailyUsdCaps optional daily caps per agent name, across all its keys
 * @param unknownCostCeilingUsd null: a money-moving call whose cost cannot be read from the request is
 *     refused; otherwise that much is reserved for it
 * @param fxUsd US dollars per one unit of each currency (lower-case ISO code), defaults merged with config
 * @param smsSegmentUsd Twilio price per SMS segment by destination country (ISO code, or {@code default})
 * @param mmsUsd Twilio price per MMS by destination country
 * @param callMinuteUsd Twilio price per call minute by destination country
 * @param callCeilingMinutes minutes reserved for a call without {@code TimeLimit}
 * @param verificationUsd Twilio Verify price per verification
 * @param emailUsd Resend price per recipient of an email
 * @param leases escrow leases: on by default (see {@link LeaseConfig})
 */
public record SpendConfig(BigDecimal defaultDailyUsdCap, Map<String, BigDecimal> agentDailyUsdCaps,
                          BigDecimal unknownCostCeilingUsd, Map<String, BigDecimal> fxUsd,
                          Map<String, BigDecimal> smsSegmentUsd, Map<String, BigDecimal> mmsUsd,
                          Map<String, BigDecimal> callMinuteUsd, int callCeilingMinutes,
                          BigDecimal verificationUsd, BigDecimal emailUsd, LeaseConfig leases) {

    public SpendConfig {
        agentDailyUsdCaps = Map.copyOf(agentDailyUsdCaps);
        fxUsd = Map.copyOf(fxUsd);
        smsSegmentUsd = Map.copyOf(smsSegmentUsd);
        mmsUsd = Map.copyOf(mmsUsd);
        callMinuteUsd = Map.copyOf(callMinuteUsd);
        for (Map<String, BigDecimal> table : java.util.List.of(smsSegmentUsd, mmsUsd, callMinuteUsd)) {
            if (!table.containsKey("default")) {
                throw new ConfigException("prices", "every per-country price table needs a 'default' entry");
            }
        }
        if (callCeilingMinutes <= 0) {
            throw new ConfigException("call_ceiling_minutes", "must be at least 1");
        }
    }

    /** Conservative (high) defaults, as of 2026; override them with your own rates. */
    /** The same prices and caps with leases as given (tests, and a revoke poll that is off). */
    public SpendConfig withLeases(LeaseConfig leases) {
        return new SpendConfig(defaultDailyUsdCap, agentDailyUsdCaps, unknownCostCeilingUsd, fxUsd, smsSegmentUsd, mmsUsd,
                callMinuteUsd, callCeilingMinutes, verificationUsd, emailUsd, leases);
    }

    public static SpendConfig ofDefaults() {
        return new SpendConfig(null, Map.of(), null, defaultFx(),
                Map.of("US", usd("0.0100"), "CA", usd("0.0100"), "GB", usd("0.0600"), "default", usd("0.1500")),
                Map.of("US", usd("0.0300"), "CA", usd("0.0300"), "default", usd("0.5000")),
                Map.of("US", usd("0.0200"), "CA", usd("0.0200"), "GB", usd("0.0500"), "default", usd("0.6000")),
                240, usd("0.0600"), usd("0.0010"), LeaseConfig.ofDefaults());
    }

    private static Map<String, BigDecimal> defaultFx() {
        Map<String, BigDecimal> fx = new HashMap<>();
        String[] rates = {"usd 1", "eur 1.20", "gbp 1.40", "chf 1.25", "cad 0.80", "aud 0.72", "nzd 0.66", "jpy 0.0075",
            "krw 0.00080", "cny 0.15", "hkd 0.14", "sgd 0.80", "inr 0.013", "mxn 0.065", "brl 0.21", "sek 0.105",
            "nok 0.105", "dkk 0.16", "pln 0.28", "czk 0.048", "huf 0.0030", "zar 0.060", "aed 0.30", "sar 0.30",
            "ils 0.30", "try 0.035", "thb 0.031", "myr 0.24", "php 0.019", "idr 0.000070", "vnd 0.000045",
            "clp 0.0012", "kwd 3.40", "bhd 2.75", "jod 1.50", "omr 2.70", "tnd 0.35"};
        for (String r : rates) {
            String[] kv = r.split(" ");
            fx.put(kv[0], new BigDecimal(kv[1]));
        }
        return fx;
    }

    private static BigDecimal usd(String text) {
        return new BigDecimal(text);
    }

    @JsonCreator
    static SpendConfig fromYaml(@JsonProperty("default_daily_usd_cap") String defaultDailyUsdCap,
                                @JsonProperty("agent_daily_usd_caps") Map<String, String> agentDailyUsdCaps,
                                @JsonProperty("unknown_cost_ceiling_usd") String unknownCostCeilingUsd,
                                @JsonProperty("fx_usd") Map<String, String> fxUsd,
                                @JsonProperty("sms_segment_usd") Map<String, String> smsSegmentUsd,
                                @JsonProperty("mms_usd") Map<String, String> mmsUsd,
                                @JsonProperty("call_minute_usd") Map<String, String> callMinuteUsd,
                                @JsonProperty("call_ceiling_minutes") Integer callCeilingMinutes,
                                @JsonProperty("verification_usd") String verificationUsd,
                                @JsonProperty("email_usd") String emailUsd,
                                @JsonProperty("lease_usd") String leaseUsd,
                                @JsonProperty("lease_ttl") String leaseTtl) {
        SpendConfig d = ofDefaults();
        return new SpendConfig(amount("default_daily_usd_cap", defaultDailyUsdCap, null),
                amounts("agent_daily_usd_caps", agentDailyUsdCaps, Map.of(), false),
                amount("unknown_cost_ceiling_usd", unknownCostCeilingUsd, null),
                amounts("fx_usd", fxUsd, d.fxUsd(), true),
                amounts("sms_segment_usd", smsSegmentUsd, d.smsSegmentUsd(), false),
                amounts("mms_usd", mmsUsd, d.mmsUsd(), false),
                amounts("call_minute_usd", callMinuteUsd, d.callMinuteUsd(), false),
                callCeilingMinutes == null ? d.callCeilingMinutes() : callCeilingMinutes,
                amount("verification_usd", verificationUsd, d.verificationUsd()),
                amount("email_usd", emailUsd, d.emailUsd()),
                LeaseConfig.parse(leaseUsd, leaseTtl));
    }

    static BigDecimal amount(String key, String text, BigDecimal fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            return Usd.parse(text.strip());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, e.getMessage());
        }
    }

    /** Config entries are merged over the defaults; currency codes are lower-cased. */
    private static Map<String, BigDecimal> amounts(String key, Map<String, String> given, Map<String, BigDecimal> defaults, boolean lowerKeys) {
        Map<String, BigDecimal> out = new HashMap<>(defaults);
        if (given != null) {
            given.forEach((k, v) -> out.put(lowerKeys ? k.toLowerCase(Locale.ROOT) : k, amount(key + "." + k, v, null)));
        }
        return out;
    }
}
