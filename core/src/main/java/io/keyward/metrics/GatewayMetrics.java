package io.keyward.metrics;

import io.keyward.audit.AuditEvent;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * This node's Prometheus metrics (client_java 1.x), one registry per running gateway: no static
 * registry, so two gateways in one JVM (tests, two nodes) never count each other's calls.
 *
 * <p>Labels are bounded by construction: {@code vendor} is a configured vendor, {@code operation} a
 * name from the vendor's catalog, {@code result} and {@code shadow_result} are {@link io.keyward.decision.Code}s.
 * Nothing an agent chooses freely (a path, an id, a run, metadata) ever becomes a label value; a call
 * that matched no catalog operation, or was refused before it was read, is {@code none}.
 */
public final class GatewayMetrics {
    /** The label value for a call refused before its vendor or operation was known. */
    static final String NONE = "none";
    private static final double[] FILTER_BOUNDS = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25};
    private static final double[] UPSTREAM_BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
    /** The states a scrape always shows per vendor, so a query for {@code state="open"} finds a 0 rather than nothing. */
    private static final List<String> CIRCUIT_STATES = List.of("closed", "open", "half_open");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter text = PrometheusTextFormatWriter.create();
    private final OpenMetricsTextFormatWriter openMetrics = OpenMetricsTextFormatWriter.create();
    private final Counter calls;
    private final Counter shadowed;
    private final Counter reservedUsd;
    private final Counter spentUsd;
    private final Histogram inFilter;
    private final Histogram upstream;

    public GatewayMetrics(NodeGauges gauges) {
        calls = Counter.builder().name("keyward_calls_total").help("Calls by vendor, catalog operation and result code")
                .labelNames("vendor", "operation", "result").withoutExemplars().register(registry);
        shadowed = Counter.builder().name("keyward_shadow_refusals_total")
                .help("Calls a shadow policy let through that an enforced policy would have refused, by the code it would have given")
                .labelNames("vendor", "operation", "shadow_result").withoutExemplars().register(registry);
        reservedUsd = Counter.builder().name("keyward_reserved_usd_total")
                .help("US dollars reserved against spend caps before forwarding (estimates)")
                .labelNames("vendor").withoutExemplars().register(registry);
        spentUsd = Counter.builder().name("keyward_spend_usd_total")
                .help("US dollars counted as spent once calls settled").labelNames("vendor").withoutExemplars().register(registry);
        inFilter = Histogram.builder().name("keyward_filter_duration_seconds").unit(Unit.SECONDS)
                .help("Time each call spent inside Keyward's filter, the vendor's time excluded")
                .classicOnly().classicUpperBounds(FILTER_BOUNDS).withoutExemplars().register(registry);
        upstream = Histogram.builder().name("keyward_upstream_duration_seconds").unit(Unit.SECONDS)
                .help("Time forwarded calls spent with the vendor: sending, waiting, streaming its answer back")
                .labelNames("vendor").classicOnly().classicUpperBounds(UPSTREAM_BOUNDS).withoutExemplars().register(registry);
        registerGauges(gauges);
    }

    private void registerGauges(NodeGauges gauges) {
        GaugeWithCallback.builder().name("keyward_revoke_poll_lag_seconds")
                .help("Time since this node's revoke poll last read the change counter; +Inf until it first succeeds")
                .callback(cb -> cb.call(gauges.revokePollLagSeconds().getAsDouble())).register(registry);
        GaugeWithCallback.builder().name("keyward_audit_queue_rows").help("Audit rows queued for the writer thread")
                .callback(cb -> cb.call(gauges.auditQueueRows().getAsLong())).register(registry);
        GaugeWithCallback.builder().name("keyward_audit_spool_bytes").unit(Unit.BYTES)
                .help("Audit rows spooled to disk, waiting for the database; calls are refused once it reaches audit.spool_max_bytes")
                .callback(cb -> cb.call(gauges.auditSpoolBytes().getAsLong())).register(registry);
        GaugeWithCallback.builder().name("keyward_settles_pending").help("Settlements queued for the spend ledger")
                .callback(cb -> cb.call(gauges.pendingSettles().getAsLong())).register(registry);
        GaugeWithCallback.builder().name("keyward_circuit_state")
                .help("Each vendor's circuit breaker: 1 for its current state, 0 for the others").labelNames("vendor", "state")
                .callback(cb -> {
                    Map<String, String> states = gauges.circuitStates().get();
                    for (String vendor : gauges.vendors()) {
                        String current = states.getOrDefault(vendor, "closed");
                        for (String state : CIRCUIT_STATES) {
                            cb.call(state.equals(current) ? 1 : 0, vendor, state);
                        }
                        if (!CIRCUIT_STATES.contains(current)) {
                            cb.call(1, vendor, current);
                        }
                    }
                }).register(registry);
    }

    /**
     * Counts one finished call, allowed or refused.
     *
     * @param inFilterMicros the call's time inside the filter, the vendor's time excluded
     */
    public void callEnded(AuditEvent call, long inFilterMicros) {
        String vendor = orNone(call.vendorName());
        String operation = orNone(call.operationName());
        calls.labelValues(vendor, operation, call.result().wire()).inc();
        if (call.shadowResult() != null) {
            shadowed.labelValues(vendor, operation, call.shadowResult().wire()).inc();
        }
        addUsd(reservedUsd, vendor, call.reservedUsd());
        addUsd(spentUsd, vendor, call.spentUsd());
        inFilter.observe(Math.max(0, inFilterMicros) / 1e6);
        if (call.wasForwarded()) {
            upstream.labelValues(vendor).observe(call.upstreamMicros() / 1e6);
        }
    }

    private static void addUsd(Counter counter, String vendor, BigDecimal usd) {
        // A counter only rises: a refund's negative amount, if one ever settles so, is not counted here (the ledger has it).
        if (usd != null && usd.signum() > 0) {
            counter.labelValues(vendor).inc(usd.doubleValue());
        }
    }

    private static String orNone(String value) {
        return value == null ? NONE : value;
    }

    /** The content type of a scrape in {@code format} (not {@link ScrapeFormat#JSON}, which the admin API writes itself). */
    public String contentType(ScrapeFormat format) {
        return writer(format).getContentType();
    }

    /** Writes every metric of this node, as the Prometheus text format or OpenMetrics. */
    public void write(ScrapeFormat format, OutputStream out) throws IOException {
        writer(format).write(out, registry.scrape());
    }

    private ExpositionFormatWriter writer(ScrapeFormat format) {
        return switch (format) {
            case PROMETHEUS_TEXT -> text;
            case OPENMETRICS -> openMetrics;
            case JSON -> throw new IllegalArgumentException("JSON is the admin API's own answer, not an exposition format");
        };
    }
}
