package io.keyward.admin;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyward.testing.AdminClient;
import io.keyward.testing.Exposition;
import io.keyward.testing.GatewayExtension;
import io.keyward.testing.TestSecrets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GET /admin/metrics against a running gateway: JSON as before for scripts, the Prometheus text
 * format and OpenMetrics for scrapers, with counters that move with real calls through the filter
 * to a WireMock vendor and real MariaDB.
 */
class MetricsTest {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension("""
            forward:
              circuit_breaker:
                window_calls: 4
                minimum_calls: 4
                failure_rate_percent: 50
                open_for: 30s
                half_open_calls: 1
            """);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** What Prometheus 2.x sends when it scrapes. */
    private static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
            + "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    private static final String TEXT_0_0_4 = "text/plain;version=0.0.4";

    private static HttpResponse<String> metrics(String accept, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gw.gateway().baseUrl() + "/admin/metrics"))
                .header("Authorization", "Bearer " + token);
        if (accept != null) {
            request.header("Accept", accept);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Exposition scrape() throws Exception {
        HttpResponse<String> reply = metrics(TEXT_0_0_4, TestSecrets.ADMIN_TOKEN);
        assertEquals(200, reply.statusCode(), reply.body());
        return Exposition.parse(reply.body());
    }

    private static int call(String method, String path, String key, String form) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gw.gateway().baseUrl() + path))
                .header("Authorization", "Bearer " + key);
        if (form == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/x-www-form-urlencoded").method(method, HttpRequest.BodyPublishers.ofString(form));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static String issue(String vendor, String agent, String policy) throws Exception {
        return gw.admin().issue(vendor, agent, "\"daily_usd_cap\":\"100.00\"" + (policy == null ? "" : ",\"policy\":" + policy))
                .get("key").asText();
    }

    @Test
    void withoutAScrapersAcceptTheAnswerIsTheJsonScriptsRead() throws Exception {
        for (String accept : new String[] {null, "*/*", "application/json", "text/html"}) {
            HttpResponse<String> reply = metrics(accept, TestSecrets.ADMIN_TOKEN);
            assertEquals(200, reply.statusCode());
            assertTrue(reply.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), String.valueOf(accept));
            JsonNode json = new ObjectMapper().readTree(reply.body());
            assertTrue(json.get("filter_overhead_us").has("p99"), reply.body());
            assertEquals(gw.gateway().keyward().config().nodeId(), json.get("node_id").asText());
            assertTrue(json.has("reservation_round_trips") && json.has("heap_used_bytes") && json.has("threads"), reply.body());
        }
    }

    @Test
    void scrapersGetTheTextFormatOrOpenMetricsAsTheyAsk() throws Exception {
        HttpResponse<String> text = metrics(TEXT_0_0_4, TestSecrets.ADMIN_TOKEN);
        assertEquals("text/plain; version=0.0.4; charset=utf-8", text.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(text.body().contains("# TYPE keyward_filter_duration_seconds histogram"), text.body());
        assertTrue(text.body().contains("\nkeyward_revoke_poll_lag_seconds "), text.body());
        assertFalse(text.body().contains("# EOF"));
        assertEquals("Accept", text.headers().firstValue("Vary").orElseThrow());

        HttpResponse<String> open = metrics(PROMETHEUS_ACCEPT, TestSecrets.ADMIN_TOKEN);
        assertTrue(open.headers().firstValue("Content-Type").orElseThrow().startsWith("application/openmetrics-text; version=1.0.0"),
                open.headers().toString());
        assertTrue(open.body().strip().endsWith("# EOF"), "OpenMetrics ends with # EOF");
        Exposition parsed = Exposition.parse(open.body());
        assertTrue(parsed.has("keyward_revoke_poll_lag_seconds"), open.body());

        assertEquals("text/plain; version=0.0.4; charset=utf-8", metrics("application/openmetrics-text;q=0.2,text/plain;q=0.9",
                TestSecrets.ADMIN_TOKEN).headers().firstValue("Content-Type").orElseThrow(), "the weightier type wins");
    }

    @Test
    void countersMoveWithRealCalls() throws Exception {
        gw.vendor().server().stubFor(post(urlPathEqualTo("/v1/payment_intents")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"object\":\"payment_intent\",\"amount\":250,\"currency\":\"usd\"}")));
        String key = issue("stripe", "metered", "{\"allow\":[{\"operation\":\"payment_intents.create\"},{\"operation\":\"customers.retrieve\"}]}");
        String shadow = issue("stripe", "metered", "{\"mode\":\"shadow\",\"allow\":[{\"operation\":\"customers.retrieve\"}]}");
        Exposition before = scrape();

        assertEquals(200, call("GET", "/stripe/v1/customers/cus_1", key, null));
        assertEquals(200, call("GET", "/stripe/v1/customers/cus_2", key, null));
        assertEquals(200, call("POST", "/stripe/v1/payment_intents", key, "amount=250&currency=usd"));
        assertEquals(403, call("POST", "/stripe/v1/refunds", key, "payment_intent=pi_1"));
        assertEquals(401, call("GET", "/stripe/v1/customers/cus_3", "kw_not_a_key", null));
        assertEquals(200, call("POST", "/stripe/v1/payment_intents", shadow, "amount=250&currency=usd"));
        gw.gateway().keyward().spend().flush(java.time.Duration.ofSeconds(5));
        Exposition after = scrape();

        assertEquals(2, delta(before, after, "keyward_calls_total", "vendor", "stripe", "operation", "customers.retrieve", "result", "allowed"));
        assertEquals(2, delta(before, after, "keyward_calls_total", "vendor", "stripe", "operation", "payment_intents.create", "result", "allowed"));
        assertEquals(1, delta(before, after, "keyward_calls_total", "vendor", "stripe", "operation", "refunds.create", "result", "denied_operation"));
        assertEquals(1, delta(before, after, "keyward_calls_total", "vendor", "stripe", "operation", "none", "result", "denied_unknown_key"),
                "refused before it was read: no operation");
        assertEquals(1, delta(before, after, "keyward_shadow_refusals_total", "vendor", "stripe", "operation", "payment_intents.create",
                "shadow_result", "denied_operation"));
        assertEquals(5.00, delta(before, after, "keyward_reserved_usd_total", "vendor", "stripe"), 0.0001, "two $2.50 reservations");
        assertEquals(5.00, delta(before, after, "keyward_spend_usd_total", "vendor", "stripe"), 0.0001, "both settled at $2.50");
        assertEquals(6, delta(before, after, "keyward_filter_duration_seconds_count"), "every call is timed inside the filter");
        assertEquals(6, delta(before, after, "keyward_filter_duration_seconds_bucket", "le", "+Inf"));
        assertEquals(4, delta(before, after, "keyward_upstream_duration_seconds_count", "vendor", "stripe"), "only forwarded calls");
        assertTrue(delta(before, after, "keyward_upstream_duration_seconds_sum", "vendor", "stripe") > 0);
    }

    @Test
    void gaugesShowTheNodesState() throws Exception {
        Exposition now = scrape();
        double lag = now.value("keyward_revoke_poll_lag_seconds");
        assertTrue(lag >= 0 && lag < 2, "the poll runs every revoke_poll: " + lag);
        assertTrue(now.has("keyward_audit_queue_rows"));
        assertTrue(now.has("keyward_audit_spool_bytes"));
        assertEquals(0, now.value("keyward_audit_spool_bytes"), "nothing spooled while MariaDB is up");
        assertTrue(now.has("keyward_settles_pending"));
        for (String vendor : gw.gateway().keyward().vendors().keySet()) {
            assertEquals(1, now.value("keyward_circuit_state", "vendor", vendor, "state", "closed")
                    + now.value("keyward_circuit_state", "vendor", vendor, "state", "open")
                    + now.value("keyward_circuit_state", "vendor", vendor, "state", "half_open"), "one state per vendor: " + vendor);
        }
    }

    @Test
    void aVendorsOpenCircuitShows() throws Exception {
        // Resend alone, so the other tests' Stripe calls never meet this open circuit.
        gw.vendor().server().stubFor(get(urlPathMatching("/emails/.*")).willReturn(aResponse().withStatus(500).withBody("{}")));
        String key = issue("resend", "breaker", null);
        assertEquals(0, scrape().value("keyward_circuit_state", "vendor", "resend", "state", "open"));
        for (int i = 0; i < 4; i++) {
            assertEquals(500, call("GET", "/resend/emails/em_" + i, key, null));
        }
        assertEquals(503, call("GET", "/resend/emails/em_5", key, null), "the circuit is open");
        Exposition open = scrape();
        assertEquals(1, open.value("keyward_circuit_state", "vendor", "resend", "state", "open"));
        assertEquals(0, open.value("keyward_circuit_state", "vendor", "resend", "state", "closed"));
        assertEquals(1, open.value("keyward_circuit_state", "vendor", "stripe", "state", "closed"), "other vendors are untouched");
    }

    @Test
    void agentChosenTextNeverBecomesALabel() throws Exception {
        String marker = "zz" + UUID.randomUUID().toString().replace("-", "");
        String key = issue("stripe", "agent-" + marker, null);
        call("GET", "/stripe/v1/" + marker + "/x", key, null);
        call("GET", "/stripe/v1/customers/" + marker, key, null);
        call("POST", "/stripe/v1/payment_intents?metadata[" + marker + "]=1", key, "description=" + marker);
        call("GET", "/" + marker, key, null);
        HttpResponse<String> text = metrics(TEXT_0_0_4, TestSecrets.ADMIN_TOKEN);
        assertFalse(text.body().contains(marker), "no path, id, agent name or parameter in any label");
        for (String sample : Exposition.parse(text.body()).samples().keySet()) {
            if (sample.startsWith("keyward_calls_total")) {
                String operation = sample.replaceAll(".*operation=\"([^\"]*)\".*", "$1");
                assertTrue(operation.equals("none") || operation.matches("[a-z_]+(\\.[a-z_]+)+"), sample);
            }
        }
    }

    @Test
    void aScrapeNeedsTheAuditReadScopeAsTheJsonDoes() throws Exception {
        assertEquals(401, metrics(TEXT_0_0_4, "wrong-token").statusCode());
        String killOnly = made("pager-" + UUID.randomUUID().toString().substring(0, 8), "kill");
        HttpResponse<String> denied = metrics(TEXT_0_0_4, killOnly);
        assertEquals(403, denied.statusCode());
        assertTrue(denied.body().contains("\"code\":\"denied_scope\""), denied.body());
        assertEquals(403, metrics(null, killOnly).statusCode());
        String scraper = made("prometheus-" + UUID.randomUUID().toString().substring(0, 8), "audit:read");
        assertEquals(200, metrics(PROMETHEUS_ACCEPT, scraper).statusCode());
        assertEquals(200, metrics(null, scraper).statusCode());
    }

    private static String made(String name, String scope) throws Exception {
        AdminClient.Reply reply = gw.admin().post("/tokens", "{\"name\":\"" + name + "\",\"scopes\":[\"" + scope + "\"]}");
        assertEquals(201, reply.status(), reply.raw());
        return reply.json().get("token").asText();
    }

    private static double delta(Exposition before, Exposition after, String name, String... labels) {
        return after.value(name, labels) - before.value(name, labels);
    }
}
