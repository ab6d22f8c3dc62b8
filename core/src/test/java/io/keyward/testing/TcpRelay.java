package io.keyward.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on loopback between Keyward and MariaDB that a test can cut (every connection
 * dropped, new ones closed at once) and restore, or slow down: a database outage on demand.
 */
public final class TcpRelay implements AutoCloseable {
    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean up = true;
    private volatile long delayMillis;
    private final java.util.concurrent.atomic.AtomicLong bytesToTarget = new java.util.concurrent.atomic.AtomicLong();
    /** The SQL text of every query sent through, in order (MariaDB's text protocol, which the driver uses by default). */
    private final java.util.List<String> queries = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    public TcpRelay(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "tcp-relay-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The relay in front of the database a JDBC URL names: the same URL with this relay's port. */
    public static TcpRelay inFrontOf(String jdbcUrl) throws IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("jdbc:mariadb://([^:/]+):(\\d+)/.*").matcher(jdbcUrl);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected jdbc:mariadb://host:port/db");
        }
        return new TcpRelay(m.group(1), Integer.parseInt(m.group(2)));
    }

    public String relayed(String jdbcUrl) {
        return jdbcUrl.replaceFirst("//[^/]+/", "//127.0.0.1:" + server.getLocalPort() + "/");
    }

    /** Drops every connection and refuses new ones until {@link #restore()}. */
    public void cut() {
        up = false;
        for (Socket s : open) {
            close(s);
        }
        open.clear();
    }

    public void restore() {
        up = true;
        delayMillis = 0;
    }

    /** Holds every chunk of traffic, both ways, for {@code delay} before passing it on. */
    public void slow(java.time.Duration delay) {
        delayMillis = delay.toMillis();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (!up) {
                    close(client);
                    continue;
                }
                Socket target = new Socket(targetHost, targetPort);
                open.add(client);
                open.add(target);
                pump(client, target, bytesToTarget, new QueryReader(queries));
                pump(target, client, new java.util.concurrent.atomic.AtomicLong(), null);
            } catch (IOException e) {
                // closed, or the target refused: the client sees its connection end
            }
        }
    }

    /** Bytes sent through the relay towards the target (the database) so far: its queries. */
    public long bytesToTarget() {
        return bytesToTarget.get();
    }

    /** How many queries were sent so far: a mark for {@link #queriesSince}. */
    public int queryCount() {
        return queries.size();
    }

    /** The SQL of the queries sent after {@code mark}. */
    public java.util.List<String> queriesSince(int mark) {
        synchronized (queries) {
            return java.util.List.copyOf(queries.subList(mark, queries.size()));
        }
    }

    private void pump(Socket from, Socket to, java.util.concurrent.atomic.AtomicLong counter, QueryReader reader) {
        Thread t = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                byte[] buffer = new byte[16 * 1024];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (delayMillis > 0) {
                        Thread.sleep(delayMillis);
                    }
                    if (reader != null) {
                        // Read before passing on: the query is on record by the time its answer can come back.
                        reader.read(buffer, n);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                    counter.addAndGet(n);
                }
            } catch (IOException | InterruptedException e) {
                // one side went away
            } finally {
                close(from);
                close(to);
                open.remove(from);
                open.remove(to);
            }
        }, "tcp-relay-pump");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Splits one connection's client-to-server bytes into MariaDB packets (3-byte length, sequence
     * number, payload) and keeps the SQL of each COM_QUERY: a command starts a sequence at 0.
     */
    private static final class QueryReader {
        private static final int COM_QUERY = 0x03;
        private final java.util.List<String> queries;
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

        QueryReader(java.util.List<String> queries) {
            this.queries = queries;
        }

        void read(byte[] bytes, int n) {
            pending.write(bytes, 0, n);
            byte[] all = pending.toByteArray();
            int at = 0;
            while (all.length - at >= 4) {
                int length = (all[at] & 0xff) | (all[at + 1] & 0xff) << 8 | (all[at + 2] & 0xff) << 16;
                if (all.length - at - 4 < length) {
                    break;
                }
                if (all[at + 3] == 0 && length > 0 && all[at + 4] == COM_QUERY) {
                    queries.add(new String(all, at + 5, length - 1, java.nio.charset.StandardCharsets.UTF_8));
                }
                at += 4 + length;
            }
            pending.reset();
            pending.write(all, at, all.length - at);
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        cut();
        server.close();
    }
}
