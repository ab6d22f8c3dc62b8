package io.keyward.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * One Keyward node as a process of its own, for tests that kill it with SIGKILL: a JVM cannot
 * kill -9 itself and go on asserting. Prints {@code PORT n} once it serves, then runs until killed.
 *
 * <p>Arguments: the JDBC URL, the fake vendor's base URL, a file holding extra config YAML.
 */
public final class GatewayProcess {
    private GatewayProcess() {
    }

    public static void main(String[] args) throws Exception {
        TestGateway gateway = TestGateway.start(args[0], args[1], Files.readString(Path.of(args[2])));
        System.out.println("PORT " + gateway.port());
        System.out.flush();
        Thread.currentThread().join();
    }

    /** A node running in its own process; closing it kills it with SIGKILL and waits until it is gone. */
    public record Running(Process process, int port) implements AutoCloseable {
        public String baseUrl() {
            return "http://127.0.0.1:" + port;
        }

        /** SIGKILL: no shutdown hook, no flush, nothing given back. */
        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the killed node did not go away");
            }
        }
    }

    /**
     * Starts a node on this test's class path and waits (up to a minute) until it serves. Everything
     * it prints goes to {@code log}, never to a pipe nobody reads: a node that logs much would block
     * on a full pipe and stop answering.
     */
    public static Running launch(String jdbcUrl, String vendorBaseUrl, Path extraYaml, Path log) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process node = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                GatewayProcess.class.getName(), jdbcUrl, vendorBaseUrl, extraYaml.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            return new Running(node, portOf(node, log));
        } catch (Exception e) {
            node.destroyForcibly();
            throw e;
        }
    }

    /** The node's port, from the {@code PORT n} line it prints once it serves. */
    private static int portOf(Process node, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("PORT ")) {
                    return Integer.parseInt(line.substring(5).strip());
                }
            }
            if (!node.isAlive()) {
                throw new IllegalStateException("the node ended before it served; see " + log);
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the node did not serve within a minute; see " + log);
    }
}
