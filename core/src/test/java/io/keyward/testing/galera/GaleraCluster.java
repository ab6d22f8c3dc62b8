package io.keyward.testing.galera;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Galera cluster of three nodes on loopback, for the cluster IT: the first bootstraps a new
 * cluster, the others join it by an rsync state transfer. One database, {@code keyward}, and one
 * account on it with every right on that database and nothing else (no SUPER), as a DBA would give
 * Keyward's migrations. {@link #close()} stops every node it started, also when a test failed; a
 * shutdown hook does it if the JVM ends first.
 */
public final class GaleraCluster implements AutoCloseable {
    public static final String USER = "keyward_it";
    private static final Duration START = Duration.ofSeconds(120);
    private final List<GaleraNode> nodes = new ArrayList<>();
    private final String password = Long.toUnsignedString(new java.security.SecureRandom().nextLong(), 36);
    private final Thread hook = new Thread(this::stopQuietly, "galera-cluster-stop");

    /** Whether this machine can run one: Debian's mariadbd and galera-4, and rsync for the state transfer. */
    public static boolean available() {
        return Files.isExecutable(GaleraNode.MARIADBD) && Files.exists(GaleraNode.PROVIDER)
                && Files.isExecutable(Path.of("/usr/bin/rsync"));
    }

    public static GaleraCluster start(Path root, int size) throws Exception {
        GaleraCluster cluster = new GaleraCluster();
        Runtime.getRuntime().addShutdownHook(cluster.hook);
        try {
            cluster.boot(root, size);
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    private void boot(Path root, int size) throws Exception {
        deleteTree(root);
        List<GaleraNode.Ports> ports = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ports.add(new GaleraNode.Ports(freePort(), freePort(), freePort(), freePort()));
        }
        String address = ports.stream().map(p -> "127.0.0.1:" + p.group()).collect(Collectors.joining(",", "gcomm://", ""));
        for (int i = 0; i < size; i++) {
            GaleraNode node = new GaleraNode(i + 1, root.resolve("node" + (i + 1)), ports.get(i));
            node.prepare(address, i == 0);
            nodes.add(node);
        }
        nodes.get(0).start(true);
        awaitSynced(nodes.get(0));
        for (GaleraNode joiner : nodes.subList(1, size)) {
            joiner.start(false);
        }
        for (GaleraNode joiner : nodes.subList(1, size)) {
            awaitSynced(joiner);
        }
        // Users and grants replicate (DDL, in total order): made once, on the first node.
        nodes.get(0).sql("CREATE DATABASE keyward CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;"
                + " CREATE USER '" + USER + "'@'127.0.0.1' IDENTIFIED BY '" + password + "';"
                + " GRANT ALL PRIVILEGES ON keyward.* TO '" + USER + "'@'127.0.0.1';");
    }

    /** Waits until the node is synced with the cluster, or fails with its error log. */
    public void awaitSynced(int index) throws Exception {
        awaitSynced(node(index));
    }

    private static void awaitSynced(GaleraNode node) throws Exception {
        long deadline = System.nanoTime() + START.toNanos();
        while (!node.synced()) {
            if (!node.running() || System.nanoTime() > deadline) {
                throw new IllegalStateException(node.name() + " did not join the cluster within " + START.toSeconds()
                        + " s (running: " + node.running() + "):\n" + node.errorLogTail());
            }
            Thread.sleep(250);
        }
    }

    /** The JDBC URL of the keyward database on node {@code index} (1-based), with the account's credentials. */
    public String jdbcUrl(int index) {
        return "jdbc:mariadb://127.0.0.1:" + node(index).sqlPort() + "/keyward?user=" + USER + "&password=" + password;
    }

    /** Runs SQL as root on node {@code index}. */
    public String sql(int index, String statements) throws IOException, InterruptedException {
        return node(index).sql(statements);
    }

    /** Runs SQL as root on every running node. */
    public void sqlOnEach(String statements) throws IOException, InterruptedException {
        for (GaleraNode node : nodes) {
            if (node.running()) {
                node.sql(statements);
            }
        }
    }

    public String status(int index, String variable) {
        return node(index).status(variable);
    }

    /** Kills node {@code index} as a crash would. */
    public void kill(int index) throws InterruptedException {
        node(index).kill();
    }

    /** Starts node {@code index} again; it rejoins the running cluster. */
    public void restart(int index) throws Exception {
        node(index).start(false);
        awaitSynced(node(index));
    }

    private GaleraNode node(int index) {
        return nodes.get(index - 1);
    }

    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run
        }
    }

    private void stopQuietly() {
        // In reverse: the bootstrap node last, so the others leave a running cluster cleanly.
        for (int i = nodes.size() - 1; i >= 0; i--) {
            try {
                nodes.get(i).stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (java.util.stream.Stream<Path> files = Files.walk(root)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
