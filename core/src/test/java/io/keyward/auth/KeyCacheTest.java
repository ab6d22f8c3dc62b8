package io.keyward.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.key.KeyState;
import io.keyward.key.VaultKey;
import io.keyward.testing.AdminClient;
import io.keyward.testing.FakeVendor;
import io.keyward.testing.TcpRelay;
import io.keyward.testing.TestDatabase;
import io.keyward.testing.TestGateway;
import io.keyward.testing.TestSecrets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key cache against a real MariaDB behind a relay that counts the bytes sent to it: cached
 * reads cost no query; a revoke written by hand in SQL (no Keyward code involved) ends the cached
 * entry at the next revoke poll, through the trigger-moved change counter; expiry is judged by the
 * database clock without a query.
 */
class KeyCacheTest {
    @Test
    void cachedKeysCostNoQueryAndAnyRevokeEndsThemWithinOnePoll(@TempDir Path spool) throws Exception {
        String db = TestDatabase.fresh();
        try (FakeVendor vendor = new FakeVendor(); TcpRelay relay = TcpRelay.inFrontOf(db);
             TestGateway node = TestGateway.start(relay.relayed(db), vendor.baseUrl(), "audit:\n  spool_dir: " + spool + "\n")) {
            AdminClient admin = new AdminClient(node.baseUrl(), TestSecrets.ADMIN_TOKEN);
            String id = admin.issue("stripe", "cached", "\"expires_in\":\"1h\"").get("id").asText();
            KeyCache cache = node.keyward().keyCache();
            assertEquals(KeyState.ACTIVE, cache.find(id).orElseThrow().state());

            long before = relay.bytesToTarget();
            for (int i = 0; i < 500; i++) {
                assertEquals(KeyState.ACTIVE, cache.find(id).orElseThrow().state());
            }
            long sent = relay.bytesToTarget() - before;
            assertTrue(sent < 2_000, "500 cached reads sent " + sent + " bytes: at most a few revoke polls, no key queries");

            try (Connection c = DriverManager.getConnection(db);
                 PreparedStatement revoke = c.prepareStatement(
                         "UPDATE vault_keys SET revoked_at = UTC_TIMESTAMP(6), revoked_reason = 'by hand' WHERE id = ?")) {
                revoke.setString(1, id);
                assertEquals(1, revoke.executeUpdate());
            }
            Thread.sleep(250);
            VaultKey revoked = cache.find(id).orElseThrow();
            assertEquals(KeyState.REVOKED, revoked.state(), "a revoke made by hand in SQL holds from the next poll");
            assertEquals("by hand", revoked.revokedReason());

            String shortLived = admin.issue("stripe", "cached", "\"expires_in\":\"1s\"").get("id").asText();
            assertEquals(KeyState.ACTIVE, cache.find(shortLived).orElseThrow().state());
            Thread.sleep(1_100);
            long atExpiry = relay.bytesToTarget();
            VaultKey expired = cache.find(shortLived).orElseThrow();
            assertEquals(KeyState.EXPIRED, expired.state(), "expiry by the database clock");
            assertFalse(relay.bytesToTarget() - atExpiry > 200, "judged from the cache");
        }
    }

    /** Made-up ids cost one query each within a poll, however often they are presented. */
    @Test
    void unknownIdsAreRememberedForAPollSoGuessingCostsNoQueryPerCall(@TempDir Path spool) throws Exception {
        String db = TestDatabase.fresh();
        try (FakeVendor vendor = new FakeVendor(); TcpRelay relay = TcpRelay.inFrontOf(db);
             TestGateway node = TestGateway.start(relay.relayed(db), vendor.baseUrl(), "audit:\n  spool_dir: " + spool
                     + "\nkeys:\n  revoke_poll: 250ms\n")) {
            KeyCache cache = node.keyward().keyCache();
            assertTrue(cache.find("zzzzzzzzzzzzzzzz").isEmpty());
            long before = relay.bytesToTarget();
            for (int i = 0; i < 500; i++) {
                assertTrue(cache.find("zzzzzzzzzzzzzzzz").isEmpty());
            }
            long sent = relay.bytesToTarget() - before;
            assertTrue(sent < 2_000, "500 lookups of an unknown id sent " + sent + " bytes: no key queries");

            AdminClient admin = new AdminClient(node.baseUrl(), TestSecrets.ADMIN_TOKEN);
            String id = admin.issue("stripe", "fresh", null).get("id").asText();
            assertEquals(KeyState.ACTIVE, cache.find(id).orElseThrow().state(), "an id first seen after it was issued is found at once");
        }
    }
}
