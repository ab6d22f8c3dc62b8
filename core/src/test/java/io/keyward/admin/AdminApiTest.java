package io.keyward.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyward.key.VaultKeyFormat;
import io.keyward.testing.AdminClient;
import io.keyward.testing.GatewayExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The admin API contract, over HTTP, against a real MariaDB. */
class AdminApiTest {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension();

    @Test
    void issuesAKeyShownOnceWithTheContractFields() throws Exception {
        Instant before = Instant.now();
        JsonNode issued = gw.admin().issue("stripe", "billing-agent",
                "\"agent_run_id\":\"run_42\",\"expires_in\":\"8h\",\"daily_usd_cap\":\"50\",\"metadata\":{\"team\":\"payments\"}");

        String id = issued.get("id").asText();
        String key = issued.get("key").asText();
        assertTrue(VaultKeyFormat.parse(key).isPresent(), "a well-formed vault key");
        assertEquals(id, VaultKeyFormat.parse(key).get().id());
        assertEquals("stripe", issued.get("vendor").asText());
        assertEquals("billing-agent", issued.get("agent_name").asText());
        assertEquals("run_42", issued.get("agent_run_id").asText());
        assertEquals("50.00", issued.get("daily_usd_cap").asText(), "money is a decimal string");
        assertEquals("payments", issued.get("metadata").get("team").asText());
        assertEquals("active", issued.get("state").asText());
        Instant expires = Instant.parse(issued.get("expires_at").asText());
        assertTrue(Duration.between(before, expires).compareTo(Duration.ofHours(8).minusMinutes(1)) > 0);
        assertTrue(Duration.between(before, expires).compareTo(Duration.ofHours(8).plusMinutes(1)) < 0);

        AdminClient.Reply again = gw.admin().get("/keys/" + id);
        assertEquals(200, again.status());
        assertFalse(again.json().has("key"), "the key text is shown only at issue");
        assertFalse(again.raw().contains(key.substring(20)), "no part of the secret afterwards");
        assertFalse(again.raw().contains("hash"), "the hash is never part of the API");
    }

    @Test
    void everyKeyExpiresByDefault() throws Exception {
        JsonNode issued = gw.admin().issue("resend", "mailer", null);
        Duration life = Duration.between(Instant.now(), Instant.parse(issued.get("expires_at").asText()));
        assertTrue(life.compareTo(Duration.ofHours(23)) > 0 && life.compareTo(Duration.ofHours(25)) < 0, life.toString());
    }

    @Test
    void expiresAtIsTakenAsGiven() throws Exception {
        Instant at = Instant.now().plus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        JsonNode issued = gw.admin().issue("twilio", "notifier", "\"expires_at\":\"" + at + "\"");
        assertEquals(at, Instant.parse(issued.get("expires_at").asText()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unknown vendor           | {\"vendor\":\"paypal\",\"agent_name\":\"a\"}                                   | vendor",
            "missing vendor           | {\"agent_name\":\"a\"}                                                         | vendor",
            "missing agent_name       | {\"vendor\":\"stripe\"}                                                        | agent_name",
            "agent_name wrong type    | {\"vendor\":\"stripe\",\"agent_name\":5}                                       | agent_name",
            "agent_name bad chars     | {\"vendor\":\"stripe\",\"agent_name\":\"a b<script>\"}                         | agent_name",
            "malformed duration       | {\"vendor\":\"stripe\",\"agent_name\":\"a\",\"expires_in\":\"8 hours\"}         | expires_in",
            "zero duration            | {\"vendor\":\"stripe\",\"agent_name\":\"a\",\"expires_in\":\"0h\"}              | expires_in",
            "longer than the maximum  | {\"vendor\":\"stripe\",\"agent_name\":\"a\",\"expires_in\":\"31d\"}             | expires_in",
            "expires_at in the past   | {\"vendor\":\"stripe\",\"agent_name\":\"a\",\"expires_at\":\"2020-01-01T00:00:00Z\"} | expires_at",
            "expires_at not ISO       | {\"vendor\":\"stripe\",\"agent_name\":\"a\",\"expires_at\":\"tomorrow\"}        | expires_at",
            "both expiry forms        | {\"vendor\":\"stripe\",\"agent_name\":\"a\",\"expires_in\":\"1h\",\"expires_at\":\"2030-01-01T00:00:00Z\"} | expires_at",
            "negative cap             | {\"vendor\":\"stripe\",\"agent_name\":\"a\",\"daily_usd_cap\":\"-5\"}           | daily_usd_cap",
            "cap as a float           | {\"vendor\":\"stripe\",\"agent_name\":\"a\",\"daily_usd_cap\":50.5}             | daily_usd_cap",
            "cap not a number         | {\"vendor\":\"stripe\",\"agent_name\":\"a\",\"daily_usd_cap\":\"lots\"}         | daily_usd_cap",
            "policy not an object     | {\"vendor\":\"stripe\",\"agent_name\":\"a\",\"policy\":[1]}                    | policy",
            "metadata not an object   | {\"vendor\":\"stripe\",\"agent_name\":\"a\",\"metadata\":\"x\"}                 | metadata",
            "unknown field            | {\"vendor\":\"stripe\",\"agent_name\":\"a\",\"scopes\":[\"all\"]}               | scopes",
            "not JSON                 | vendor=stripe                                                                  | body",
            "JSON but not an object   | [\"stripe\"]                                                                   | body",
    })
    void badInputIsA400NamingTheFieldAndCreatesNothing(String name, String body, String field) throws Exception {
        long before = keyCount();
        AdminClient.Reply reply = gw.admin().post("/keys", body);
        assertEquals(400, reply.status(), reply.raw());
        JsonNode error = reply.json().get("error");
        assertEquals("keyward_error", error.get("type").asText());
        assertEquals("invalid_request", error.get("code").asText());
        assertEquals(field, error.get("param").asText());
        assertTrue(error.get("message").asText().startsWith(field + ":"), error.get("message").asText());
        assertNotNull(error.get("request_id"));
        assertEquals(before, keyCount(), "nothing half-created");
    }

    @Test
    void revokeIsImmediateAndIdempotent() throws Exception {
        JsonNode issued = gw.admin().issue("stripe", "refund-agent", null);
        String id = issued.get("id").asText();
        AdminClient.Reply revoked = gw.admin().post("/keys/" + id + "/revoke", "{\"reason\":\"loop detected\"}");
        assertEquals(200, revoked.status());
        assertEquals("revoked", revoked.json().get("state").asText());
        assertEquals("loop detected", revoked.json().get("revoked_reason").asText());
        String revokedAt = revoked.json().get("revoked_at").asText();
        assertFalse(revokedAt.isBlank());

        AdminClient.Reply twice = gw.admin().post("/keys/" + id + "/revoke", "{\"reason\":\"again\"}");
        assertEquals(200, twice.status());
        assertEquals(revokedAt, twice.json().get("revoked_at").asText(), "the first revoke stands");
        assertEquals("loop detected", twice.json().get("revoked_reason").asText());

        assertEquals(404, gw.admin().post("/keys/0000000000000000/revoke", "{}").status());
        assertEquals(404, gw.admin().get("/keys/not-a-key-id").status());
        assertEquals(400, gw.admin().post("/keys/" + id + "/revoke", "{\"why\":\"x\"}").status());
    }

    @Test
    void listsFilterAndPageWithoutGapsOrRepeats() throws Exception {
        String agent = "lister-" + UUID.randomUUID().toString().substring(0, 8);
        Set<String> issued = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            issued.add(gw.admin().issue(i % 2 == 0 ? "stripe" : "resend", agent, "\"agent_run_id\":\"r" + (i % 2) + "\"").get("id").asText());
        }
        String one = issued.iterator().next();
        gw.admin().post("/keys/" + one + "/revoke", "{}");

        List<String> paged = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            AdminClient.Reply page = gw.admin().get("/keys?agent_name=" + agent + "&limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            assertEquals(200, page.status(), page.raw());
            page.json().get("items").forEach(k -> paged.add(k.get("id").asText()));
            cursor = page.json().get("next_cursor").isNull() ? null : page.json().get("next_cursor").asText();
            pages++;
        } while (cursor != null);
        assertEquals(3, pages);
        assertEquals(issued, new HashSet<>(paged));
        assertEquals(5, paged.size());

        assertEquals(3, gw.admin().get("/keys?agent_name=" + agent + "&vendor=stripe").json().get("items").size());
        assertEquals(2, gw.admin().get("/keys?agent_name=" + agent + "&agent_run_id=r1").json().get("items").size());
        JsonNode revoked = gw.admin().get("/keys?agent_name=" + agent + "&state=revoked").json().get("items");
        assertEquals(1, revoked.size());
        assertEquals(one, revoked.get(0).get("id").asText());
        assertEquals(4, gw.admin().get("/keys?agent_name=" + agent + "&state=active").json().get("items").size());
        assertEquals(0, gw.admin().get("/keys?agent_name=" + agent + "&state=expired").json().get("items").size());

        assertEquals(400, gw.admin().get("/keys?state=sleeping").status());
        assertEquals(400, gw.admin().get("/keys?limit=0").status());
        assertEquals(400, gw.admin().get("/keys?cursor=garbage!").status());
        assertEquals(400, gw.admin().get("/keys?color=red").status());
    }

    @Test
    void callsAreListedNewestFirstWithFilters() throws Exception {
        JsonNode issued = gw.admin().issue("stripe", "caller", "\"agent_run_id\":\"run_calls\"");
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gw.gateway().baseUrl() + "/stripe/v1/customers/cus_" + i))
                    .header("Authorization", "Bearer " + issued.get("key").asText()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
        }
        http.send(HttpRequest.newBuilder(URI.create(gw.gateway().baseUrl() + "/stripe/v1/customers"))
                .header("Authorization", "Bearer kw_nothing").build(), HttpResponse.BodyHandlers.ofString());
        gw.gateway().flushAudit();

        JsonNode calls = gw.admin().get("/calls?agent_run_id=run_calls").json().get("items");
        assertEquals(3, calls.size());
        assertEquals("/v1/customers/cus_2", calls.get(0).get("path").asText(), "newest first");
        assertEquals("/v1/customers/cus_0", calls.get(2).get("path").asText());
        assertEquals("/v1/customers/{customer}", calls.get(0).get("endpoint").asText(), "the matched operation's template");
        assertEquals("allowed", calls.get(0).get("policy_check_result").asText());
        assertEquals(200, calls.get(0).get("upstream_status").asInt());
        assertEquals(issued.get("id").asText(), calls.get(0).get("key_id").asText());

        assertEquals(3, gw.admin().get("/calls?key_id=" + issued.get("id").asText()).json().get("items").size());
        assertTrue(gw.admin().get("/calls?result=denied_unknown_key").json().get("items").size() >= 1);
        assertEquals(1, gw.admin().get("/calls?agent_run_id=run_calls&limit=1").json().get("items").size());
        assertFalse(gw.admin().get("/calls?agent_run_id=run_calls&limit=1").json().get("next_cursor").isNull());
        assertEquals(0, gw.admin().get("/calls?agent_run_id=run_calls&since=2999-01-01T00:00:00Z").json().get("items").size());
        String export = gw.admin().get("/calls.ndjson?agent_run_id=run_calls").raw();
        String[] lines = export.strip().split("\n");
        assertEquals(3, lines.length, export);
        assertTrue(lines[0].startsWith("{") && lines[0].contains("\"path\":\"/v1/customers/cus_2\""), "newest first, one object a line");
        assertEquals(1, gw.admin().get("/calls.ndjson?agent_run_id=run_calls&limit=1").raw().strip().split("\n").length);
        assertEquals(400, gw.admin().get("/calls.ndjson?result=maybe").status());
        assertEquals(400, gw.admin().get("/calls?result=maybe").status());
        assertEquals(400, gw.admin().get("/calls?since=yesterday").status());
    }

    @Test
    void everythingButHealthNeedsTheAdminToken() throws Exception {
        assertEquals(401, new AdminClient(gw.gateway().baseUrl(), null).get("/keys").status());
        assertEquals(401, new AdminClient(gw.gateway().baseUrl(), "wrong-token").get("/keys").status());
        AdminClient.Reply wrong = new AdminClient(gw.gateway().baseUrl(), "wrong-token").post("/keys", "{\"vendor\":\"stripe\",\"agent_name\":\"a\"}");
        assertEquals(401, wrong.status());
        assertEquals("unauthorized", wrong.json().get("error").get("code").asText());

        AdminClient.Reply health = new AdminClient(gw.gateway().baseUrl(), null).get("/health");
        assertEquals(200, health.status());
        assertEquals("ok", health.json().get("status").asText());
        assertEquals("ok", health.json().get("database").asText());
    }

    @Test
    void unknownEndpointsAre404InTheErrorShape() throws Exception {
        AdminClient.Reply reply = gw.admin().get("/nothing-here");
        assertEquals(404, reply.status());
        assertEquals("not_found", reply.json().get("error").get("code").asText());
    }

    private static long keyCount() throws Exception {
        try (Connection c = gw.gateway().keyward().store().dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM vault_keys")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
