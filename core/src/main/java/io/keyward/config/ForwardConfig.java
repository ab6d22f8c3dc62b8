package io.keyward.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/** The upstream HTTP client: timeouts and the size of its one shared connection pool. */
public record ForwardConfig(Duration connectTimeout, Duration responseTimeout, int maxConnections) {

    public ForwardConfig {
        if (maxConnections <= 0 || maxConnections > 10_000) {
            throw new ConfigException("max_connections", "must be between 1 and 10000");
        }
    }

    public static ForwardConfig ofDefaults() {
        return new ForwardConfig(Duration.ofSeconds(5), Duration.ofSeconds(60), 200);
    }

    @JsonCreator
    static ForwardConfig fromYaml(@JsonProperty("connect_timeout") String connectTimeout,
                                  @JsonProperty("response_timeout") String responseTimeout,
                                  @JsonProperty("max_connections") Integer maxConnections) {
        ForwardConfig defaults = ofDefaults();
        return new ForwardConfig(
                ConfigValues.duration("connect_timeout", connectTimeout, defaults.connectTimeout()),
                ConfigValues.duration("response_timeout", responseTimeout, defaults.responseTimeout()),
                maxConnections == null ? defaults.maxConnections() : maxConnections);
    }
}
