package io.keyward.metrics;

import java.util.Map;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Where the node's gauges read their values at scrape time: each is a cheap read of state a step
 * already keeps (no database query), so a scrape every few seconds costs the gateway nothing.
 *
 * @param vendors the configured vendors: every one has a circuit state, even before its first call
 * @param revokePollLagSeconds time since the revoke poll last read the change counter
 * @param auditQueueRows audit rows waiting for the writer thread
 * @param auditSpoolBytes audit rows on disk waiting for the database
 * @param pendingSettles settlements queued for the ledger
 * @param circuitStates by vendor, the circuit breaker's state ({@code closed}, {@code open}, {@code half_open}, ...) for vendors called so far
 */
public record NodeGauges(Set<String> vendors, DoubleSupplier revokePollLagSeconds, LongSupplier auditQueueRows,
                         LongSupplier auditSpoolBytes, LongSupplier pendingSettles, Supplier<Map<String, String>> circuitStates) {
    public NodeGauges {
        vendors = Set.copyOf(vendors);
    }
}
