package io.keyward.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyward.store.CallRow;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The on-disk form of an audit row (spool, forward journal) keeps shadow_result, and reads rows written before it existed. */
class RowJsonTest {
    private static CallRow row(String shadowResult) {
        return new CallRow(null, Instant.parse("2026-12-02T08:00:00Z"), "kwr_rowjsonaaaaaaaaaaaaaaa", "k1", "agent", "run-1", "stripe",
                "POST", "refunds.create", "/v1/refunds", "/v1/refunds", "allowed", "default_deny", null, new BigDecimal("5.000000"),
                new BigDecimal("5.000000"), 200, "req_1", null, 10L, 5L, "node-a", null, shadowResult);
    }

    @Test
    void aShadowResultSurvivesTheSpool() {
        assertEquals(row("denied_operation"), RowJson.fromJson(RowJson.toJson(row("denied_operation"))));
        assertNull(RowJson.fromJson(RowJson.toJson(row(null))).shadowResult());
    }

    @Test
    void aSpoolLineFromBeforeShadowPoliciesReadsAsNoShadowResult() {
        ObjectNode old = RowJson.toJson(row("denied_parameter"));
        old.remove("shadow_result");
        CallRow read = RowJson.fromJson(old);
        assertNull(read.shadowResult());
        assertEquals("default_deny", read.rule());
    }
}
