package io.keyward.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Says before any migration runs, in one message, what MariaDB would otherwise refuse halfway:
 * with binary logging on — and Galera's wsrep counts as binary logging — {@code CREATE TRIGGER}
 * needs SUPER, unless {@code log_bin_trust_function_creators} is 1. Keyward's triggers move the
 * change counter that every node polls (V5), so that even a change made by hand in SQL reaches
 * every node's key cache; they are kept, and the setting is what Keyward asks for.
 */
final class TriggerCreationCheck {
    private TriggerCreationCheck() {
    }

    /** @param pending the migrations about to run, with their text */
    static void require(Statement st, Map<String, String> pending) throws SQLException {
        List<String> withTriggers = pending.entrySet().stream()
                .filter(e -> e.getValue().toUpperCase(java.util.Locale.ROOT).contains("CREATE TRIGGER"))
                .map(Map.Entry::getKey).toList();
        if (withTriggers.isEmpty()) {
            return;
        }
        Map<String, String> vars = new HashMap<>();
        try (ResultSet rs = st.executeQuery("SHOW GLOBAL VARIABLES WHERE Variable_name IN "
                + "('log_bin', 'wsrep_on', 'log_bin_trust_function_creators')")) {
            while (rs.next()) {
                vars.put(rs.getString(1), rs.getString(2));
            }
        }
        boolean logged = "ON".equalsIgnoreCase(vars.get("log_bin")) || "ON".equalsIgnoreCase(vars.get("wsrep_on"));
        boolean trusted = "ON".equalsIgnoreCase(vars.get("log_bin_trust_function_creators"));
        if (!logged || trusted || hasSuper(st)) {
            return;
        }
        throw new SQLException("Migration " + String.join(", ", withTriggers) + " creates triggers, and this server logs changes "
                + ("ON".equalsIgnoreCase(vars.get("wsrep_on")) ? "for Galera replication (wsrep counts as binary logging)" : "in a binary log")
                + ": MariaDB lets an account without SUPER create triggers only when log_bin_trust_function_creators is 1. "
                + "Set log_bin_trust_function_creators=1 in [mysqld] on every Galera node (or SET GLOBAL on this one), "
                + "or run migrations with an account that holds SUPER (database.migration_user). See docs/database.md, Galera.");
    }

    private static boolean hasSuper(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES WHERE PRIVILEGE_TYPE = 'SUPER' "
                + "AND GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')")) {
            return rs.next() && rs.getInt(1) > 0;
        }
    }
}
