package io.keyward.forward;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.keyward.config.ForwardConfig;
import io.keyward.decision.Code;
import io.keyward.decision.Refusal;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Per vendor, a Resilience4j bulkhead (calls in flight, no queue) and circuit breaker (a run of
 * 5xx answers, timeouts or failed connections stops calls to that vendor for a while). Both refuse
 * before anything is sent, so a refused call's reservation is released: the vendor cannot have acted.
 */
final class VendorCircuits {
    private final Map<String, Circuit> circuits = new ConcurrentHashMap<>();
    private final ForwardConfig config;

    VendorCircuits(ForwardConfig config) {
        this.config = config;
    }

    /** One vendor's bulkhead and breaker. */
    private record Circuit(Bulkhead bulkhead, CircuitBreaker breaker) {
    }

    /**
     * A place in the vendor's bulkhead and the breaker's permission for one call.
     *
     * @throws UpstreamFailure 503 {@code error_upstream} when the vendor has too many calls in flight
     *     or its breaker is open
     */
    Admission admit(String vendor) {
        Circuit circuit = circuits.computeIfAbsent(vendor, this::circuit);
        if (!circuit.bulkhead().tryAcquirePermission()) {
            throw new UpstreamFailure(new Refusal(Code.ERROR_UPSTREAM, 503, "too many calls to " + vendor
                    + " are in flight; try again shortly", "forward.max_concurrent_per_vendor", 1L), false);
        }
        if (!circuit.breaker().tryAcquirePermission()) {
            circuit.bulkhead().onComplete();
            long wait = Math.max(1, config.breaker().openFor().toSeconds());
            throw new UpstreamFailure(new Refusal(Code.ERROR_UPSTREAM, 503, vendor + " has been failing; Keyward sends it"
                    + " no calls for now (circuit open)", "forward.circuit_breaker", wait), false);
        }
        return new Admission(circuit, System.nanoTime());
    }

    /** By vendor called so far, its breaker's state in lower case: closed, open, half_open, forced_open, ... */
    Map<String, String> states() {
        Map<String, String> states = new java.util.HashMap<>();
        circuits.forEach((vendor, circuit) -> states.put(vendor, circuit.breaker().getState().name().toLowerCase(java.util.Locale.ROOT)));
        return states;
    }

    private Circuit circuit(String vendor) {
        Bulkhead bulkhead = Bulkhead.of("keyward-" + vendor, BulkheadConfig.custom()
                .maxConcurrentCalls(config.maxConcurrentPerVendor())
                .maxWaitDuration(Duration.ZERO)
                .build());
        CircuitBreaker breaker = CircuitBreaker.of("keyward-" + vendor, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(config.breaker().windowCalls())
                .minimumNumberOfCalls(config.breaker().minimumCalls())
                .failureRateThreshold(config.breaker().failureRatePercent())
                .waitDurationInOpenState(config.breaker().openFor())
                .permittedNumberOfCallsInHalfOpenState(config.breaker().halfOpenCalls())
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .build());
        return new Circuit(bulkhead, breaker);
    }

    /** One admitted call: report how it went exactly once, then {@link #close()}. */
    static final class Admission implements AutoCloseable {
        private final Circuit circuit;
        private final long start;
        private volatile boolean reported;

        private Admission(Circuit circuit, long start) {
            this.circuit = circuit;
            this.start = start;
        }

        /** The vendor answered; a 5xx counts against it, anything else shows it working. */
        void answered(int status) {
            if (status >= 500) {
                failed(new VendorError(status));
            } else {
                reported = true;
                circuit.breaker().onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        }

        /** No answer: a timeout or a connection that failed. */
        void failed(Throwable cause) {
            reported = true;
            circuit.breaker().onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, cause);
        }

        @Override
        public void close() {
            if (!reported) {
                // Admitted but never sent (a Keyward-side failure): the vendor showed nothing either way.
                circuit.breaker().releasePermission();
            }
            circuit.bulkhead().onComplete();
        }
    }

    /** A vendor's 5xx, as the breaker records it. */
    private static final class VendorError extends RuntimeException {
        VendorError(int status) {
            super("vendor answered " + status, null, false, false);
        }
    }
}
