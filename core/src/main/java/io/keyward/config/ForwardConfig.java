package io.keyward.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The upstream leg: timeouts, the size of the one shared connection pool, and per vendor a bound
 * on calls in flight and a circuit breaker.
 *
 * @param responseTimeouts per vendor and operation, a response timeout other than {@code responseTimeout}
 * @param maxConcurrentPerVendor calls in flight to one vendor at most; one more is refused at once
 *     (503) rather than queued, so a hung vendor cannot take every server thread
 * @param retryConnectionFailures retry once, on another connection, a call that could not be sent:
 *     only GETs, and Stripe POSTs carrying an Idempotency-Key
 */
public record ForwardConfig(Duration connectTimeout, Duration responseTimeout, int maxConnections,
                            Map<String, Map<String, Duration>> responseTimeouts, int maxConcurrentPerVendor,
                            boolean retryConnectionFailures, BreakerConfig breaker) {

    public ForwardConfig {
        if (maxConnections <= 0 || maxConnections > 10_000) {
            throw new ConfigException("max_connections", "must be between 1 and 10000");
        }
        if (maxConcurrentPerVendor <= 0 || maxConcurrentPerVendor > maxConnections) {
            throw new ConfigException("max_concurrent_per_vendor", "must be between 1 and max_connections");
        }
        Map<String, Map<String, Duration>> copy = new LinkedHashMap<>();
        responseTimeouts.forEach((vendor, ops) -> copy.put(vendor, Map.copyOf(ops)));
        responseTimeouts = Map.copyOf(copy);
    }

    public static ForwardConfig ofDefaults() {
        return new ForwardConfig(Duration.ofSeconds(5), Duration.ofSeconds(60), 200, Map.of(), 100, true,
                BreakerConfig.ofDefaults());
    }

    /** The response timeout for one operation of one vendor. */
    public Duration responseTimeout(String vendor, String operation) {
        Duration specific = responseTimeouts.getOrDefault(vendor, Map.of()).get(operation);
        return specific == null ? responseTimeout : specific;
    }

    @JsonCreator
    static ForwardConfig fromYaml(@JsonProperty("connect_timeout") String connectTimeout,
                                  @JsonProperty("response_timeout") String responseTimeout,
                                  @JsonProperty("max_connections") Integer maxConnections,
                                  @JsonProperty("response_timeouts") Map<String, Map<String, String>> responseTimeouts,
                                  @JsonProperty("max_concurrent_per_vendor") Integer maxConcurrentPerVendor,
                                  @JsonProperty("retry_connection_failures") Boolean retryConnectionFailures,
                                  @JsonProperty("circuit_breaker") BreakerConfig breaker) {
        ForwardConfig d = ofDefaults();
        Map<String, Map<String, Duration>> timeouts = new LinkedHashMap<>();
        if (responseTimeouts != null) {
            responseTimeouts.forEach((vendor, ops) -> {
                Map<String, Duration> parsed = new LinkedHashMap<>();
                if (ops != null) {
                    ops.forEach((op, text) -> parsed.put(op, ConfigValues.duration(
                            "response_timeouts." + vendor + "." + op, text, d.responseTimeout())));
                }
                timeouts.put(vendor, parsed);
            });
        }
        int connections = maxConnections == null ? d.maxConnections() : maxConnections;
        return new ForwardConfig(
                ConfigValues.duration("connect_timeout", connectTimeout, d.connectTimeout()),
                ConfigValues.duration("response_timeout", responseTimeout, d.responseTimeout()),
                connections,
                timeouts,
                maxConcurrentPerVendor == null ? Math.min(d.maxConcurrentPerVendor(), connections) : maxConcurrentPerVendor,
                retryConnectionFailures == null ? d.retryConnectionFailures() : retryConnectionFailures,
                breaker == null ? d.breaker() : breaker);
    }
}
