package io.keyward.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * Lifetime rules for issued vault keys (every key expires, by default after
 * {@code default_expires_in}), and how often each node polls for revokes: its cached keys are good
 * for at most that long after a revoke elsewhere ({@code off}: no cache, every call reads its key).
 */
public record KeysConfig(Duration defaultExpiresIn, Duration maxExpiresIn, Duration revokePoll) {

    public KeysConfig {
        if (defaultExpiresIn.compareTo(maxExpiresIn) > 0) {
            throw new ConfigException("default_expires_in", "must not be longer than max_expires_in");
        }
        if (revokePoll.isNegative() || revokePoll.compareTo(Duration.ofMillis(250)) > 0) {
            throw new ConfigException("revoke_poll", "must be off or at most 250ms: a revoke must hold within a quarter second");
        }
    }

    public static KeysConfig ofDefaults() {
        return new KeysConfig(Duration.ofHours(24), Duration.ofDays(30), Duration.ofMillis(100));
    }

    @JsonCreator
    static KeysConfig fromYaml(@JsonProperty("default_expires_in") String defaultExpiresIn,
                               @JsonProperty("max_expires_in") String maxExpiresIn,
                               @JsonProperty("revoke_poll") String revokePoll) {
        KeysConfig defaults = ofDefaults();
        return new KeysConfig(
                ConfigValues.duration("default_expires_in", defaultExpiresIn, defaults.defaultExpiresIn()),
                ConfigValues.duration("max_expires_in", maxExpiresIn, defaults.maxExpiresIn()),
                "off".equals(revokePoll) ? Duration.ZERO : ConfigValues.duration("revoke_poll", revokePoll, defaults.revokePoll()));
    }
}
