package io.keyward.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the numbered migrations from {@code sql/} that the database has not seen yet. Each file
 * records itself in {@code keyward_schema_history}, so a DBA who ran it by hand with the
 * {@code mariadb} client and a gateway that ran it at start agree on what is applied. A lock row
 * ({@link MigrationLock}) keeps several nodes starting together from racing, on one server or on
 * the nodes of a Galera cluster.
 */
public final class Migrator {
    private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);
    private static final String BASE = "/io/keyward/store/migrations/";
    private static final Pattern FILE = Pattern.compile("V([0-9]+)__[A-Za-z0-9_]+\\.sql");
    private static final Duration LOCK_WAIT = Duration.ofSeconds(120);
    private static final Duration LOCK_LEASE = Duration.ofSeconds(120);

    private Migrator() {
    }

    /** The migration file names in order, as listed in {@code sql/migrations.txt}. */
    public static List<String> migrationFiles() {
        List<String> files = new ArrayList<>();
        for (String line : resource("migrations.txt").split("\n")) {
            String name = line.strip();
            if (!name.isEmpty() && !name.startsWith("#")) {
                if (!FILE.matcher(name).matches()) {
                    throw new IllegalStateException("migrations.txt lists a badly named file: " + name);
                }
                files.add(name);
            }
        }
        return files;
    }

    public static void migrate(DataSource dataSource) throws SQLException {
        migrate(dataSource.getConnection());
    }

    /** Applies the missing migrations on this connection, and closes it. */
    public static void migrate(Connection connection) throws SQLException {
        try (Connection c = connection; Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            try (MigrationLock lock = MigrationLock.take(c, LOCK_WAIT, LOCK_LEASE)) {
                Map<String, String> pending = pending(st);
                TriggerCreationCheck.require(st, pending);
                for (Map.Entry<String, String> file : pending.entrySet()) {
                    lock.renew();
                    LOG.info("Applying schema migration {}", file.getKey());
                    for (String sql : statements(file.getValue())) {
                        st.execute(sql);
                    }
                }
            }
        }
    }

    /** The migrations this database has not recorded, in order, with their text. */
    private static Map<String, String> pending(Statement st) throws SQLException {
        Set<Integer> applied = appliedVersions(st);
        Map<String, String> pending = new LinkedHashMap<>();
        for (String file : migrationFiles()) {
            if (!applied.contains(version(file))) {
                pending.put(file, resource(file));
            }
        }
        return pending;
    }

    private static Set<Integer> appliedVersions(Statement st) throws SQLException {
        Set<Integer> versions = new HashSet<>();
        try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM information_schema.tables "
                + "WHERE table_schema = DATABASE() AND table_name = 'keyward_schema_history'")) {
            rs.next();
            if (rs.getInt(1) == 0) {
                return versions;
            }
        }
        try (ResultSet rs = st.executeQuery("SELECT version FROM keyward_schema_history")) {
            while (rs.next()) {
                versions.add(rs.getInt(1));
            }
        }
        return versions;
    }

    private static int version(String file) {
        Matcher m = FILE.matcher(file);
        if (!m.matches()) {
            throw new IllegalStateException("bad migration name " + file);
        }
        return Integer.parseInt(m.group(1));
    }

    /**
     * Splits a migration into statements the way the {@code mariadb} client does: whole-line
     * {@code --} comments dropped, a statement ends with the delimiter at a line's end, and
     * {@code DELIMITER x} lines change the delimiter (for stored procedures).
     */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        String delimiter = ";";
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.toUpperCase(java.util.Locale.ROOT).startsWith("DELIMITER ")) {
                delimiter = trimmed.substring("DELIMITER ".length()).strip();
                continue;
            }
            if (trimmed.isEmpty() || trimmed.startsWith("--") && current.length() == 0) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(delimiter)) {
                String sql = current.toString().strip();
                out.add(sql.substring(0, sql.length() - delimiter.length()).strip());
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }

    private static String resource(String name) {
        try (InputStream in = Migrator.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException("migration resource missing from the jar: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration " + name, e);
        }
    }
}
