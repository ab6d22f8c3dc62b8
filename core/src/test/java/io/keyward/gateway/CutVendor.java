package io.keyward.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A vendor on a plain socket that reads one request and answers with exactly the bytes it is
 * given, then closes: an answer cut short of its {@code Content-Length}, which an HTTP server
 * library would refuse to send.
 */
final class CutVendor implements AutoCloseable {
    private final ServerSocket server;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cut-vendor");
        t.setDaemon(true);
        return t;
    });

    private CutVendor(ServerSocket server) {
        this.server = server;
    }

    static CutVendor open() {
        try {
            return new CutVendor(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Accepts the next connection, reads its request, writes {@code answer} and closes. */
    Future<?> answerOnce(String answer) {
        return thread.submit(() -> {
            try (Socket socket = server.accept()) {
                readRequest(socket.getInputStream());
                socket.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
                socket.getOutputStream().flush();
            }
            return null;
        });
    }

    private static void readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            head.write(b);
        }
        for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                in.readNBytes(Integer.parseInt(line.substring(15).strip()));
            }
        }
    }

    @Override
    public void close() throws IOException {
        thread.shutdownNow();
        server.close();
    }
}
