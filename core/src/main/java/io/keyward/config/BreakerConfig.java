package io.keyward.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * Each vendor's circuit breaker: over the last {@code windowCalls} calls (once at least
 * {@code minimumCalls} were made), when {@code failureRatePercent} of them failed (a 5xx, a timeout,
 * no connection), calls to that vendor are refused at once for {@code openFor}; then
 * {@code halfOpenCalls} probe calls decide whether it closes again.
 */
public record BreakerConfig(int windowCalls, int minimumCalls, int failureRatePercent, Duration openFor, int halfOpenCalls) {

    public BreakerConfig {
        if (windowCalls < 1 || windowCalls > 10_000) {
            throw new ConfigException("window_calls", "must be between 1 and 10000");
        }
        if (minimumCalls < 1 || minimumCalls > windowCalls) {
            throw new ConfigException("minimum_calls", "must be between 1 and window_calls");
        }
        if (failureRatePercent < 1 || failureRatePercent > 100) {
            throw new ConfigException("failure_rate_percent", "must be between 1 and 100");
        }
        if (openFor.isNegative() || openFor.isZero()) {
            throw new ConfigException("open_for", "must be positive");
        }
        if (halfOpenCalls < 1) {
            throw new ConfigException("half_open_calls", "must be at least 1");
        }
    }

    public static BreakerConfig ofDefaults() {
        return new BreakerConfig(20, 10, 50, Duration.ofSeconds(30), 3);
    }

    @JsonCreator
    static BreakerConfig fromYaml(@JsonProperty("window_calls") Integer windowCalls,
                                  @JsonProperty("minimum_calls") Integer minimumCalls,
                                  @JsonProperty("failure_rate_percent") Integer failureRatePercent,
                                  @JsonProperty("open_for") String openFor,
                                  @JsonProperty("half_open_calls") Integer halfOpenCalls) {
        BreakerConfig d = ofDefaults();
        return new BreakerConfig(windowCalls == null ? d.windowCalls() : windowCalls,
                minimumCalls == null ? d.minimumCalls() : minimumCalls,
                failureRatePercent == null ? d.failureRatePercent() : failureRatePercent,
                ConfigValues.duration("open_for", openFor, d.openFor()),
                halfOpenCalls == null ? d.halfOpenCalls() : halfOpenCalls);
    }
}
