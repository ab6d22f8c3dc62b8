package io.keyward.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.testing.AdminClient;
import io.keyward.testing.FakeVendor;
import io.keyward.testing.RawHttp;
import io.keyward.testing.TestDatabase;
import io.keyward.testing.TestGateway;
import io.keyward.testing.TestSecrets;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The gateway runs with the documented least-privilege account (SELECT, INSERT, UPDATE, DELETE,
 * EXECUTE on Keyward's schema, nothing else), and applies its migrations with another account
 * ({@code database.migration_user}). Every kind of write a call or an admin action makes works; the
 * runtime account cannot change the schema or the reservation procedure.
 */
class LeastPrivilegeTest {

    @Test
    void theGatewayRunsWithTheDocumentedGrantsAndMigratesWithAnotherAccount() throws Exception {
        String db = TestDatabase.fresh();
        String runtime = TestDatabase.leastPrivilegeUrl(db);
        TestDatabase.Login migrator = TestDatabase.Login.of(db);
        String migration = "  migrate: true\n  migration_user: " + migrator.user() + "\n  migration_password: \"" + migrator.password() + "\"\n";
        try (FakeVendor vendor = new FakeVendor(); TestGateway node = TestGateway.start(runtime, vendor.baseUrl(), migration, "")) {
            vendor.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(com.github.tomakehurst.wiremock.client.WireMock.anyUrl())
                    .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200).withBody("{}")));
            AdminClient admin = new AdminClient(node.baseUrl(), TestSecrets.ADMIN_TOKEN);
            String key = admin.issue("stripe", "least", "\"daily_usd_cap\":\"50.00\",\"agent_run_id\":\"r1\",\"run_usd_cap\":\"20.00\","
                    + "\"policy\":{\"allow\":[{\"operation\":\"payment_intents.create\"}]}").get("key").asText();
            String pay = "POST /stripe/v1/payment_intents HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: application/x-www-form-urlencoded\r\nIdempotency-Key: once\r\nContent-Length: 23\r\n\r\namount=500&currency=usd";
            assertEquals(200, RawHttp.send(node.port(), pay.getBytes(StandardCharsets.UTF_8)).status(), "reserve, settle, audit");
            assertEquals(200, RawHttp.send(node.port(), pay.getBytes(StandardCharsets.UTF_8)).status(), "an idempotent replay");
            assertEquals(200, admin.post("/revoke", "{\"vendor\":\"stripe\",\"reason\":\"drill\"}").status(), "a vendor switch");
            assertEquals(200, admin.post("/unfreeze", "{\"vendor\":\"stripe\",\"reason\":\"drill over\"}").status());
            assertEquals(200, admin.post("/keys/" + key.substring(3, 19) + "/revoke", "{\"reason\":\"done\"}").status());
            node.flushAudit();
            assertTrue(node.keyward().spend().flush(java.time.Duration.ofSeconds(10)));
            assertEquals(0, node.keyward().store().spend().current("key", key.substring(3, 19)).orElseThrow().spentUsd()
                    .compareTo(new java.math.BigDecimal("5.00")));
        }
        try (Connection c = DriverManager.getConnection(runtime); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM keyward_schema_history")) {
                assertTrue(rs.next());
                assertTrue(rs.getInt(1) >= 7, "the migration account applied every migration");
            }
            for (String ddl : new String[] {"CREATE TABLE grab (x INT)", "DROP PROCEDURE keyward_reserve", "ALTER TABLE calls ADD COLUMN x INT",
                    "CREATE OR REPLACE PROCEDURE keyward_hold_within() BEGIN END", "DROP TRIGGER keyward_keys_changed", "TRUNCATE TABLE calls"}) {
                assertThrows(SQLException.class, () -> st.execute(ddl), "the runtime account may not: " + ddl);
            }
        }
    }
}
