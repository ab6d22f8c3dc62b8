package io.keyward.store;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.testing.GatewayExtension;
import io.keyward.testing.RawHttp;
import io.keyward.testing.dist.DocPage;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each DBA query in {@code sql/queries/}, run as shipped (statement by statement, as the mariadb
 * client would, with only its {@code SET @var} line changed) against seeded data, with asserted
 * results: a schema change cannot silently break one.
 */
class DbaQueriesTest {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension();
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    /** The rows of the last SELECT of a query file, as column-name maps. */
    private static List<Map<String, Object>> run(String file, Map<String, String> variables) throws Exception {
        String script = Files.readString(Path.of("../sql/queries", file));
        for (Map.Entry<String, String> v : variables.entrySet()) {
            script = script.replaceAll("SET @" + v.getKey() + " := [^;]+;", "SET @" + v.getKey() + " := " + v.getValue() + ";");
        }
        return runScript(script);
    }

    private static List<Map<String, Object>> runScript(String script) throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection c = gw.gateway().keyward().store().dataSource().getConnection(); Statement st = c.createStatement()) {
            for (String sql : Migrator.statements(script)) {
                if (st.execute(sql)) {
                    rows = new ArrayList<>();
                    try (ResultSet rs = st.getResultSet()) {
                        ResultSetMetaData meta = rs.getMetaData();
                        while (rs.next()) {
                            Map<String, Object> row = new LinkedHashMap<>();
                            for (int i = 1; i <= meta.getColumnCount(); i++) {
                                row.put(meta.getColumnLabel(i), rs.getObject(i));
                            }
                            rows.add(row);
                        }
                    }
                }
            }
        }
        return rows;
    }

    private static CallRow row(Instant ts, String key, String agent, String run, String vendor, String op, String result,
                               String rule, String amount) {
        return new CallRow(null, ts, "kwr_" + UUID.randomUUID().toString().replace("-", "").substring(0, 22), key, agent, run,
                vendor, "POST", op, null, "/x", result, rule, null, null, amount == null ? null : new BigDecimal(amount),
                null, null, null, 1000L, null, "seed", null, null);
    }

    private static void seed(CallRow... rows) {
        gw.gateway().keyward().store().calls().insertBatch(List.of(rows));
    }

    @Test
    void runTimelineListsRefusalsNewestFirstAndTheFirstPolicyHit() throws Exception {
        String run = "run_" + UUID.randomUUID();
        seed(row(NOW.minusSeconds(30), "k1", "billing", run, "stripe", "payment_intents.create", "allowed", "allow[0]", "20.00"),
                row(NOW.minusSeconds(20), "k1", "billing", run, "stripe", "payment_intents.create", "denied_parameter", "allow[0].params.amount.max", null),
                row(NOW.minusSeconds(10), "k1", "billing", run, "stripe", "payment_intents.create", "denied_spend_cap", "spend.key_cap", null),
                row(NOW.minusSeconds(5), "k1", "billing", "other-run", "stripe", "refunds.create", "denied_operation", "default_deny", null));
        String script = Files.readString(Path.of("../sql/queries/run_timeline.sql"));
        // The file's first SELECT alone: the refusals, newest first.
        String timeline = script.substring(0, script.indexOf("SELECT ts AS first_policy_hit"));
        List<Map<String, Object>> refused = runScript(timeline.replace("'run_xyz'", "'" + run + "'"));
        assertEquals(2, refused.size());
        assertEquals("denied_spend_cap", refused.get(0).get("policy_check_result"));
        assertEquals("denied_parameter", refused.get(1).get("policy_check_result"));
        List<Map<String, Object>> hit = run("run_timeline.sql", Map.of("run_id", "'" + run + "'"));
        assertEquals(1, hit.size());
        assertEquals("allow[0].params.amount.max", hit.get(0).get("rule"));
    }

    @Test
    void spendPerAgentPerDayAndTopOperations() throws Exception {
        String agent = "agent-" + UUID.randomUUID();
        seed(row(NOW, "k2", agent, null, "stripe", "payment_intents.create", "allowed", null, "20.00"),
                row(NOW, "k2", agent, null, "stripe", "refunds.create", "allowed", null, "5.50"),
                row(NOW.minus(Duration.ofDays(2)), "k2", agent, null, "stripe", "payment_intents.create", "allowed", null, "1.00"),
                row(NOW, "k3", agent, null, "twilio", "messages.create", "denied_loop", "guard.loop", null));
        List<Map<String, Object>> perDay = run("spend_per_agent_per_day.sql", Map.of()).stream()
                .filter(r -> agent.equals(r.get("agent_name"))).toList();
        assertEquals(2, perDay.size());
        assertEquals(0, new BigDecimal("25.50").compareTo((BigDecimal) perDay.get(0).get("spent_usd")));
        assertEquals(2L, ((Number) perDay.get(0).get("paid_calls")).longValue());
        assertEquals(0, new BigDecimal("1.00").compareTo((BigDecimal) perDay.get(1).get("spent_usd")));

        List<Map<String, Object>> top = run("top_operations_by_cost.sql", Map.of("since", "'" + NOW.minus(Duration.ofDays(7)).toString().replace("T", " ").replace("Z", "") + "'"));
        assertEquals("payment_intents.create", top.get(0).get("operation"), top.toString());
    }

    @Test
    void shadowRefusalsByRuleListWhatAShadowPolicyLetThrough() throws Exception {
        String agent = "shadow-" + UUID.randomUUID().toString().substring(0, 8);
        CallRow wouldDeny = row(NOW, "ks1", agent, null, "stripe", "refunds.create", "allowed", "default_deny", "2.00");
        CallRow wouldDenyParam = row(NOW, "ks1", agent, null, "stripe", "payment_intents.create", "allowed",
                "allow[0].params.amount.max", "60.00");
        seed(shadow(wouldDeny, "denied_operation"), shadow(row(NOW, "ks2", agent, null, "stripe", "refunds.create", "allowed",
                        "default_deny", "3.00"), "denied_operation"),
                shadow(wouldDenyParam, "denied_parameter"),
                row(NOW, "ks1", agent, null, "stripe", "payment_intents.create", "allowed", "allow[0]", "1.00"),
                row(NOW, "ks1", agent, null, "stripe", "payouts.create", "denied_operation", "default_deny", null),
                shadow(row(NOW.minus(Duration.ofDays(8)), "ks1", agent, null, "stripe", "refunds.create", "allowed", "default_deny",
                        "9.00"), "denied_operation"));
        List<Map<String, Object>> rows = run("shadow_refusals_by_rule.sql", Map.of()).stream()
                .filter(r -> agent.equals(r.get("agent_name"))).toList();
        assertEquals(2, rows.size(), "only shadowed calls of the last 7 days, one row per rule: " + rows);
        assertEquals("denied_operation", rows.get(0).get("shadow_result"));
        assertEquals("default_deny", rows.get(0).get("rule"));
        assertEquals(2L, ((Number) rows.get(0).get("calls")).longValue());
        assertEquals(2L, ((Number) rows.get(0).get("keys_involved")).longValue());
        assertEquals(0, new BigDecimal("5.00").compareTo((BigDecimal) rows.get(0).get("spent_usd")));
        assertEquals("denied_parameter", rows.get(1).get("shadow_result"));
        assertEquals("allow[0].params.amount.max", rows.get(1).get("rule"));
    }

    private static CallRow shadow(CallRow r, String wouldHaveBeen) {
        return new CallRow(null, r.ts(), r.requestId(), r.keyId(), r.agentName(), r.agentRunId(), r.vendor(), r.method(), r.operation(),
                r.pathTemplate(), r.path(), r.policyCheckResult(), r.rule(), r.reason(), r.estimatedUsd(), r.amountUsd(),
                r.upstreamStatus(), r.upstreamRequestId(), r.idempotencyKey(), r.latencyUs(), r.upstreamLatencyUs(), r.nodeId(),
                r.metadata(), wouldHaveBeen);
    }

    @Test
    void denialsByCodeAndRule() throws Exception {
        String key = "kd" + UUID.randomUUID().toString().substring(0, 8);
        seed(row(NOW, key, "a", null, "stripe", "payouts.create", "denied_operation", "default_deny", null),
                row(NOW, key, "a", null, "stripe", "payouts.create", "denied_operation", "default_deny", null),
                row(NOW, key, "a", null, "stripe", "payment_intents.create", "denied_parameter", "allow[0].params.currency.in", null));
        List<Map<String, Object>> rows = run("denials_by_code_and_rule.sql", Map.of());
        Map<String, Object> deny = rows.stream().filter(r -> "default_deny".equals(r.get("rule"))).findFirst().orElseThrow();
        assertEquals("denied_operation", deny.get("policy_check_result"));
        assertEquals(true, ((Number) deny.get("calls")).longValue() >= 2);
    }

    @Test
    void ledgerMatchesAuditAndNothingPassedARevoke() throws Exception {
        String key = gw.admin().issue("stripe", "dba", "\"daily_usd_cap\":\"100.00\",\"policy\":{\"allow\":[{\"operation\":\"payment_intents.create\"}]}")
                .get("key").asText();
        int[] statuses = {200, 200, 402, 500};
        for (int i = 0; i < statuses.length; i++) {
            gw.vendor().server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(statuses[i])
                    .withHeader("Content-Type", "application/json").withBody("{\"amount\":" + (100 + i) + ",\"currency\":\"usd\"}")));
            String body = "amount=" + (100 + i) + "&currency=usd";
            RawHttp.send(gw.port(), ("POST /stripe/v1/payment_intents HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer "
                    + key + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
        }
        gw.admin().post("/keys/" + key.substring(3, 19) + "/revoke", "{}");
        RawHttp.send(gw.port(), ("GET /stripe/v1/customers/c HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + key
                + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        gw.gateway().keyward().spend().flush(Duration.ofSeconds(5));
        gw.gateway().flushAudit();

        assertEquals(List.of(), run("ledger_vs_audit.sql", Map.of()), "the ledger equals the audit trail");
        assertEquals(List.of(), run("calls_after_revoke.sql", Map.of()), "nothing passed a revoke");

        try (Connection c = gw.gateway().keyward().store().dataSource().getConnection()) {
            c.createStatement().execute("UPDATE spend_ledger SET spent_usd = spent_usd + 0.01 WHERE scope_id = '" + key.substring(3, 19) + "'");
        }
        assertEquals(1, run("ledger_vs_audit.sql", Map.of()).size(), "and it finds a mismatch when there is one");
        seed(row(Instant.now().plusSeconds(5), key.substring(3, 19), "dba", null, "stripe", "payment_intents.create", "allowed", null, "1.00"));
        assertEquals(1, run("calls_after_revoke.sql", Map.of()).size(), "and it finds a call past a revoke when there is one");
    }

    /**
     * The incident checklist's run query, as docs/database.md gives it for MariaDB (only its JSON
     * operator changed) and in its indexed form, run as written against calls made through the
     * gateway: the same rows, each with the matched operation's path template as its endpoint.
     */
    @Test
    void theChecklistsRunQueryRunsAsDocumentedAndItsIndexedFormUsesTheRunIndex() throws Exception {
        String run = "run_" + UUID.randomUUID();
        String key = gw.admin().issue("stripe", "checklist", "\"agent_run_id\":\"" + run + "\",\"daily_usd_cap\":\"100.00\",\"policy\":{\"allow\":["
                + "{\"operation\":\"payment_intents.create\",\"params\":{\"amount\":{\"max\":5000}}},"
                + "{\"operation\":\"payment_intents.retrieve\"}]}").get("key").asText();
        gw.vendor().server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":\"pi_1\",\"amount\":2000,\"currency\":\"usd\"}")));
        call(key, "POST", "/stripe/v1/payment_intents", "amount=2000&currency=usd");
        call(key, "POST", "/stripe/v1/payment_intents", "amount=9000&currency=usd");
        call(key, "GET", "/stripe/v1/payment_intents/pi_1", null);
        call(key, "GET", "/stripe/v1/no_such_thing", null);
        gw.gateway().keyward().spend().flush(Duration.ofSeconds(5));
        gw.gateway().flushAudit();

        DocPage page = DocPage.of(Path.of("../docs/database.md"));
        String asChecklist = page.block("### A run's calls", 0, "sql").replace("'run_xyz'", "'" + run + "'");
        String indexed = page.block("### A run's calls", 1, "sql").replace("'run_xyz'", "'" + run + "'");
        assertTrue(asChecklist.contains("JSON_VALUE(metadata, '$.agent_run_id') = "), asChecklist);

        List<Map<String, Object>> rows = runScript(indexed);
        assertEquals(List.of("/v1/payment_intents", "/v1/payment_intents", "/v1/payment_intents/{intent}", "none"),
                rows.stream().map(r -> java.util.Objects.toString(r.get("endpoint"), "none")).toList());
        assertEquals(List.of("allowed", "denied_parameter", "allowed", "denied_operation"),
                rows.stream().map(r -> r.get("policy_check_result")).toList());
        assertEquals(0, new BigDecimal("20.00").compareTo((BigDecimal) rows.get(0).get("amount_usd")), rows.toString());
        assertEquals(null, rows.get(1).get("amount_usd"), "a refused call moved no money");
        assertEquals(List.of("ts", "endpoint", "amount_usd", "policy_check_result"), List.copyOf(rows.get(0).keySet()));
        List<Map<String, Object>> checklistRows = new ArrayList<>(runScript(asChecklist));
        checklistRows.sort(java.util.Comparator.comparing(r -> r.get("ts").toString()));
        assertEquals(rows, checklistRows, "the checklist's form finds the same rows");

        Map<String, Object> plan = runScript("EXPLAIN " + indexed).get(0);
        assertEquals("ix_calls_run", plan.get("key"), plan.toString());
        assertEquals("ref", plan.get("type"), plan.toString());
    }

    private static void call(String key, String method, String path, String form) throws Exception {
        String body = form == null ? "" : "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length() + "\r\n";
        RawHttp.send(gw.port(), (method + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + key
                + "\r\n" + body + "\r\n" + (form == null ? "" : form)).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void retentionDeletesOldRowsInBatchesUntilNoneAreLeft() throws Exception {
        seed(row(NOW.minus(Duration.ofDays(500)), "kr", "old", null, "stripe", "x", "allowed", null, null),
                row(NOW.minus(Duration.ofDays(450)), "kr", "old", null, "stripe", "x", "allowed", null, null),
                row(NOW.minus(Duration.ofDays(10)), "kr", "old", null, "stripe", "x", "allowed", null, null));
        List<Map<String, Object>> first = run("retention.sql", Map.of());
        assertEquals(true, ((Number) first.get(0).get("deleted")).longValue() >= 2);
        assertEquals(0L, ((Number) run("retention.sql", Map.of()).get(0).get("deleted")).longValue());
        try (Connection c = gw.gateway().keyward().store().dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM calls WHERE key_id = 'kr'")) {
            rs.next();
            assertEquals(1, rs.getInt(1), "the recent row stays");
        }
    }
}
