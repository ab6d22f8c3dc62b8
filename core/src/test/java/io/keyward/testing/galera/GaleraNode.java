package io.keyward.testing.galera;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Galera node: a {@code mariadbd} of the machine's own (Debian's, with galera-4) on loopback
 * ports of its own, with a data folder under {@code target/}, run as the {@code mysql} user. Root
 * talks to it through its socket (unix_socket authentication: the test JVM runs as root).
 */
final class GaleraNode {
    static final Path MARIADBD = Path.of("/usr/sbin/mariadbd");
    static final Path PROVIDER = Path.of("/usr/lib/galera/libgalera_smm.so");

    private final int index;
    private final Path dir;
    private final Ports ports;
    private Process process;

    /** The four ports a node listens on: clients, group communication, incremental and full state transfer. */
    record Ports(int sql, int group, int ist, int sst) {
    }

    GaleraNode(int index, Path dir, Ports ports) {
        this.index = index;
        this.dir = dir;
        this.ports = ports;
    }

    int sqlPort() {
        return ports.sql();
    }

    Ports ports() {
        return ports;
    }

    String name() {
        return "galera" + index;
    }

    /** Writes the node's config; only the first node gets a system database, the others receive one by state transfer. */
    void prepare(String clusterAddress, boolean first) throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("data"));
        run(List.of("chown", "-R", "mysql:mysql", dir.toString()), Duration.ofSeconds(10));
        Files.writeString(dir.resolve("my.cnf"), """
                [mysqld]
                datadir=%1$s/data
                socket=%1$s/mysqld.sock
                pid-file=%1$s/mysqld.pid
                log-error=%1$s/error.log
                user=mysql
                port=%2$d
                bind-address=127.0.0.1
                skip-name-resolve
                innodb_buffer_pool_size=32M
                innodb_log_file_size=16M
                max_connections=200
                binlog_format=ROW
                default_storage_engine=InnoDB
                innodb_autoinc_lock_mode=2
                wsrep_on=ON
                wsrep_provider=%3$s
                wsrep_cluster_name=keyward_it
                wsrep_cluster_address=%4$s
                wsrep_node_name=%5$s
                wsrep_node_address=127.0.0.1:%6$d
                wsrep_node_incoming_address=127.0.0.1:%2$d
                wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:%6$d;ist.recv_addr=127.0.0.1:%7$d;gcache.size=32M;evs.keepalive_period=PT0.5S;evs.suspect_timeout=PT2S"
                wsrep_sst_method=rsync
                wsrep_sst_receive_address=127.0.0.1:%8$d
                """.formatted(dir, ports.sql(), PROVIDER, clusterAddress, name(), ports.group(), ports.ist(), ports.sst()));
        if (first) {
            run(List.of("mariadb-install-db", "--user=mysql", "--datadir=" + dir.resolve("data"), "--skip-test-db",
                    "--auth-root-authentication-method=socket"), Duration.ofSeconds(60));
        }
    }

    /** Starts mariadbd; {@code bootstrap} makes it the first node of a new cluster. */
    void start(boolean bootstrap) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(MARIADBD.toString(), "--defaults-file=" + dir.resolve("my.cnf")));
        if (bootstrap) {
            command.add("--wsrep-new-cluster");
        }
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile())).start();
    }

    boolean running() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: the node dies as in a crash, its clients' connections are cut. */
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM, then SIGKILL if it has not stopped within 30 s. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The node's value of a status variable, or null while it does not answer. */
    String status(String variable) {
        try {
            String out = sql("SHOW GLOBAL STATUS LIKE '" + variable + "'").strip();
            return out.isEmpty() ? null : out.substring(out.indexOf('\t') + 1);
        } catch (IOException | InterruptedException | IllegalStateException e) {
            return null;
        }
    }

    /** Synced: in the primary component, with the cluster's whole state applied, taking writes. */
    boolean synced() {
        return "Synced".equals(status("wsrep_local_state_comment")) && "ON".equals(status("wsrep_ready"));
    }

    /** Runs SQL as root through the socket and returns the tab-separated rows. */
    String sql(String statements) throws IOException, InterruptedException {
        return run(List.of("mariadb", "--socket=" + dir.resolve("mysqld.sock"), "-uroot", "-N", "-B", "-e", statements), Duration.ofSeconds(30));
    }

    String errorLogTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("error.log"), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no error log: " + e.getMessage() + ")";
        }
    }

    private static String run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(command.get(0) + " did not finish within " + timeout);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command.subList(0, 2)) + " failed: " + text);
        }
        return text;
    }
}
