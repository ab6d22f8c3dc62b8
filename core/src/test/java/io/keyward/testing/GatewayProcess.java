package io.keyward.testing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
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

    /** Starts a node on this test's class path; its log goes to {@code log}. Waits (up to a minute) until it serves. */
    public static Running launch(String jdbcUrl, String vendorBaseUrl, Path extraYaml, Path log) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process node = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                GatewayProcess.class.getName(), jdbcUrl, vendorBaseUrl, extraYaml.toString())
                .redirectError(log.toFile()).start();
        try {
            return new Running(node, portOf(node));
        } catch (Exception e) {
            node.destroyForcibly();
            throw e;
        }
    }

    /** The node's port, from the {@code PORT n} line it prints once it serves. */
    private static int portOf(Process node) throws Exception {
        CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("PORT ")) {
                        return Integer.parseInt(line.substring(5).strip());
                    }
                }
                throw new IllegalStateException("the node ended before it served");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return port.get(60, TimeUnit.SECONDS);
    }
}
