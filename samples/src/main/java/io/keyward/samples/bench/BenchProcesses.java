package io.keyward.samples.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The benchmark's child processes: started, awaited until they listen, and all ended on close. */
final class BenchProcesses implements AutoCloseable {
    private final List<Process> children = new ArrayList<>();

    Process start(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        children.add(p);
        return p;
    }

    /** The process and its children (nginx's workers), whose CPU time together is the server's. */
    static List<Long> withDescendants(Process p) {
        List<Long> pids = new ArrayList<>(List.of(p.pid()));
        p.descendants().forEach(d -> pids.add(d.pid()));
        return pids;
    }

    /**
     * Reads the child's output until its {@code PORT n} line; the rest of its output is drained and
     * dropped. A child that ends first is reported with what it printed, which says why.
     */
    static int awaitPort(Process p) throws Exception {
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
            StringBuilder printed = new StringBuilder();
            try {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.startsWith("PORT ")) {
                        return Integer.parseInt(line.substring(5).strip());
                    }
                    printed.append(line).append('\n');
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            throw new IllegalStateException("the process ended before it was listening:\n" + printed);
        });
        int found = port.get(120, TimeUnit.SECONDS);
        Thread drain = new Thread(() -> {
            try {
                while (lines.readLine() != null) {
                    // keep the pipe empty so the child never blocks on its output
                }
            } catch (IOException ignored) {
                // the child ended
            }
        });
        drain.setDaemon(true);
        drain.start();
        return found;
    }

    /** Waits until something accepts connections on the port, for a child that prints no port of its own. */
    static void awaitListening(int port, Process p) throws Exception {
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("the process exited: "
                            + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("nothing listened on " + port);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : children) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
