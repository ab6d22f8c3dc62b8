package io.keyward.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.time.Duration;

/**
 * Approvals ({@code approval_above_usd} in a policy's allow entry): how long an approved request
 * may be sent ({@code valid_for}, 15 minutes), how many may wait per key ({@code max_pending_per_key},
 * so a looping agent cannot bury the operator's queue), and where to announce a new one
 * ({@code webhook_url}, none by default).
 */
public record ApprovalsConfig(Duration validFor, int maxPendingPerKey, URI webhookUrl) {

    public ApprovalsConfig {
        if (validFor.isZero() || validFor.isNegative() || validFor.compareTo(Duration.ofDays(7)) > 0) {
            throw new ConfigException("approvals.valid_for", "must be more than zero and at most 7d");
        }
        if (maxPendingPerKey < 1 || maxPendingPerKey > 10_000) {
            throw new ConfigException("approvals.max_pending_per_key", "must be 1 to 10000");
        }
    }

    public static ApprovalsConfig ofDefaults() {
        return new ApprovalsConfig(Duration.ofMinutes(15), 20, null);
    }

    @JsonCreator
    static ApprovalsConfig fromYaml(@JsonProperty("valid_for") String validFor,
                                    @JsonProperty("max_pending_per_key") Integer maxPendingPerKey,
                                    @JsonProperty("webhook_url") String webhookUrl) {
        ApprovalsConfig defaults = ofDefaults();
        return new ApprovalsConfig(ConfigValues.duration("approvals.valid_for", validFor, defaults.validFor()),
                maxPendingPerKey == null ? defaults.maxPendingPerKey() : maxPendingPerKey,
                webhookUrl == null ? null : ConfigValues.baseUrl("approvals.webhook_url", webhookUrl));
    }
}
