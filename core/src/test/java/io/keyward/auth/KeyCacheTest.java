package io.keyward.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key cache against a real MariaDB behind a relay that records the queries sent to it: cached
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
            assertTrue(relay.queriesSince(0).stream().anyMatch(q -> q.contains("vault_keys")),
                    "the relay sees the queries that read keys, when there are some");

            int before = relay.queryCount();
            for (int i = 0; i < 500; i++) {
                assertEquals(KeyState.ACTIVE, cache.find(id).orElseThrow().state());
            }
            assertOnlyPolls(relay.queriesSince(before), "500 cached reads");

            try (Connection c = DriverManager.getConnection(db);
                 PreparedStatement revoke = c.prepareStatement(
                         "UPDATE vault_keys SET revoked_at = UTC_TIMESTAMP(6), revoked_reason = 'by hand' WHERE id = ?")) {
                revoke.setString(1, id);
                assertEquals(1, revoke.executeUpdate());
            }
            VaultKey revoked = awaitState(cache, id, KeyState.REVOKED, "a revoke made by hand in SQL holds from the next poll");
            assertEquals("by hand", revoked.revokedReason());

            String shortLived = admin.issue("stripe", "cached", "\"expires_in\":\"1s\"").get("id").asText();
            assertEquals(KeyState.ACTIVE, cache.find(shortLived).orElseThrow().state());
            int beforeExpiry = relay.queryCount();
            awaitState(cache, shortLived, KeyState.EXPIRED, "expiry by the database clock");
            assertOnlyPolls(relay.queriesSince(beforeExpiry), "reading the key until it expired");
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
            int before = relay.queryCount();
            for (int i = 0; i < 500; i++) {
                assertTrue(cache.find("zzzzzzzzzzzzzzzz").isEmpty());
            }
            assertOnlyPolls(relay.queriesSince(before), "500 lookups of an unknown id");

            AdminClient admin = new AdminClient(node.baseUrl(), TestSecrets.ADMIN_TOKEN);
            String id = admin.issue("stripe", "fresh", null).get("id").asText();
            assertEquals(KeyState.ACTIVE, cache.find(id).orElseThrow().state(), "an id first seen after it was issued is found at once");
        }
    }

    /**
     * Every query sent was the revoke poll's read of the change counter (or the driver setting up a
     * new pooled connection's session): none read a key.
     */
    private static void assertOnlyPolls(List<String> queries, String what) {
        List<String> others = queries.stream()
                .filter(q -> !q.contains("FROM keyward_changes") && !q.regionMatches(true, 0, "set ", 0, 4)).toList();
        assertTrue(others.isEmpty(), what + " sent queries besides the revoke poll: " + others);
    }

    /** Reads the key from the cache until it reaches {@code state}, for at most 5 s (the poll is 100 ms). */
    private static VaultKey awaitState(KeyCache cache, String id, KeyState state, String why) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        VaultKey key = cache.find(id).orElseThrow();
        while (key.state() != state && System.nanoTime() < deadline) {
            Thread.sleep(10);
            key = cache.find(id).orElseThrow();
        }
        assertEquals(state, key.state(), why);
        return key;
    }
}
