package io.keyward.samples.bench;

import io.keyward.config.ConfigLoader;
import io.keyward.config.KeywardConfig;
import io.keyward.gateway.Keyward;
import io.keyward.samples.GatewayServer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The benchmark's Keyward: the embedded Jetty gateway in front of the benchmark's vendor
 * ({@link Nginx}), on the given MariaDB, with guards opened wide (the load generator repeats one
 * call, which the loop breaker would otherwise stop). Prints {@code PORT n} and serves until killed.
 *
 * <p>Arguments: JDBC URL, vendor base URL, admin token SHA-256, key pepper, spool folder, and
 * optionally a {@code spend.lease_usd} ({@code off}, or a chunk; unset, leases are on as by default).
 */
public final class BenchGateway {
    private BenchGateway() {
    }

    public static void main(String[] args) throws Exception {
        String yaml = """
                node_id: bench
                database:
                  url: %s
                  pool_size: 16
                  migrate: true
                security:
                  key_pepper: %s
                  admin_token_sha256: %s
                audit:
                  spool_dir: %s
                forward:
                  max_connections: 512
                  max_concurrent_per_vendor: 512
                guards:
                  rate_per_second: 1000000
                  rate_per_minute: 60000000
                  loop_max_repeats: 100000000
                vendors:
                  stripe:
                    base_url: %s
                    secret: sk_test_bench_0123456789abcdefghijklmnopqrstuv
                """.formatted(args[0], args[3], args[2], args[4], args[1])
                + (args.length > 5 ? "spend:\n  lease_usd: \"" + args[5] + "\"\n" : "");
        Files.createDirectories(Path.of(args[4]));
        KeywardConfig config = new ConfigLoader(name -> null).parse(yaml);
        Keyward keyward = Keyward.start(config);
        GatewayServer server = GatewayServer.start(keyward, "127.0.0.1", 0);
        System.out.println("PORT " + server.port());
        System.out.flush();
        Thread.currentThread().join();
    }
}
