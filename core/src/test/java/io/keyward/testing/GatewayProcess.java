package io.keyward.testing;

import java.nio.file.Files;
import java.nio.file.Path;

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
}
