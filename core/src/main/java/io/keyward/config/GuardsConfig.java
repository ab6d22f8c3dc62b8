package io.keyward.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * Runaway guards, per key: a rate limit, and a loop breaker that stops the same money-moving call
 * (same operation, same parameters) sent more than {@code loopMaxRepeats} times within
 * {@code loopWindow}; after {@code loopRevokeAfter} loop refusals (0 = never) the key is revoked.
 * Per client address, failed authentications: {@code unauthenticatedPerSecond} on average, twice that
 * in a burst; past it, keys this node does not know are refused without a look-up.
 */
public record GuardsConfig(int ratePerSecond, int ratePerMinute, int loopMaxRepeats, Duration loopWindow, int loopRevokeAfter,
                           int unauthenticatedPerSecond) {

    public GuardsConfig {
        if (ratePerSecond <= 0 || ratePerMinute <= 0) {
            throw new ConfigException("rate_per_second", "rate limits must be at least 1");
        }
        if (loopMaxRepeats <= 0) {
            throw new ConfigException("loop_max_repeats", "must be at least 1");
        }
        if (unauthenticatedPerSecond <= 0) {
            throw new ConfigException("unauthenticated_per_second", "must be at least 1");
        }
        if (loopRevokeAfter < 0) {
            throw new ConfigException("loop_revoke_after", "must be 0 (never) or more");
        }
    }

    public static GuardsConfig ofDefaults() {
        return new GuardsConfig(50, 1200, 3, Duration.ofSeconds(60), 0, 20);
    }

    @JsonCreator
    static GuardsConfig fromYaml(@JsonProperty("rate_per_second") Integer ratePerSecond,
                                 @JsonProperty("rate_per_minute") Integer ratePerMinute,
                                 @JsonProperty("loop_max_repeats") Integer loopMaxRepeats,
                                 @JsonProperty("loop_window") String loopWindow,
                                 @JsonProperty("loop_revoke_after") Integer loopRevokeAfter,
                                 @JsonProperty("unauthenticated_per_second") Integer unauthenticatedPerSecond) {
        GuardsConfig d = ofDefaults();
        return new GuardsConfig(ratePerSecond == null ? d.ratePerSecond() : ratePerSecond,
                ratePerMinute == null ? d.ratePerMinute() : ratePerMinute,
                loopMaxRepeats == null ? d.loopMaxRepeats() : loopMaxRepeats,
                ConfigValues.duration("loop_window", loopWindow, d.loopWindow()),
                loopRevokeAfter == null ? d.loopRevokeAfter() : loopRevokeAfter,
                unauthenticatedPerSecond == null ? d.unauthenticatedPerSecond() : unauthenticatedPerSecond);
    }
}
