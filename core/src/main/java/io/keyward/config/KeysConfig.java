package io.keyward.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/** Lifetime rules for issued vault keys: every key expires, by default after {@code default_expires_in}. */
public record KeysConfig(Duration defaultExpiresIn, Duration maxExpiresIn) {

    public KeysConfig {
        if (defaultExpiresIn.compareTo(maxExpiresIn) > 0) {
            throw new ConfigException("default_expires_in", "must not be longer than max_expires_in");
        }
    }

    public static KeysConfig ofDefaults() {
        return new KeysConfig(Duration.ofHours(24), Duration.ofDays(30));
    }

    @JsonCreator
    static KeysConfig fromYaml(@JsonProperty("default_expires_in") String defaultExpiresIn,
                               @JsonProperty("max_expires_in") String maxExpiresIn) {
        KeysConfig defaults = ofDefaults();
        return new KeysConfig(
                ConfigValues.duration("default_expires_in", defaultExpiresIn, defaults.defaultExpiresIn()),
                ConfigValues.duration("max_expires_in", maxExpiresIn, defaults.maxExpiresIn()));
    }
}
