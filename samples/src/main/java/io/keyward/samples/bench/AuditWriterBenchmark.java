package io.keyward.samples.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.keyward.audit.AuditWriter;
import io.keyward.config.AuditConfig;
import io.keyward.store.CallRow;
import io.keyward.store.Store;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * Sustained audit rows/s into MariaDB with the writer's defaults (batches of 100), and what
 * auditing costs the request thread: the time of {@code write()}, which only queues the row.
 *
 * <p>Usage: {@code java -cp samples/target/keyward-quickstart.jar io.keyward.samples.bench.AuditWriterBenchmark
 * 'jdbc:mariadb://127.0.0.1:3306/scratch?user=...&password=...' [rows]}
 */
public final class AuditWriterBenchmark {
    private AuditWriterBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: AuditWriterBenchmark <jdbc url of a scratch database> [rows]");
            System.exit(2);
        }
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(args[0]);
        config.setMaximumPoolSize(4);
        try (HikariDataSource pool = new HikariDataSource(config); Store store = Store.open(pool, true)) {
            AuditConfig defaults = AuditConfig.ofDefaults("bench");
            AuditWriter writer = new AuditWriter(store.calls(), new AuditConfig(Files.createTempDirectory("keyward-bench-spool"),
                    defaults.spoolMaxBytes(), true, defaults.batchSize(), defaults.queueCapacity()));
            long[] enqueue = new long[rows];
            String run = "bench-" + System.nanoTime();
            long start = System.nanoTime();
            for (int i = 0; i < rows; i++) {
                CallRow row = new CallRow(null, Instant.now(), run + "-" + i, "benchkey", "bench-agent", run, "stripe", "POST",
                        "payment_intents.create", "/v1/payment_intents", "/v1/payment_intents", "allowed", "allow[0]", null,
                        new BigDecimal("0.37"), new BigDecimal("0.37"), 200, "req_" + i, null, 800L, 500L, "bench",
                        "{\"agent_name\":\"bench-agent\"}", null);
                long t = System.nanoTime();
                writer.write(row);
                enqueue[i] = System.nanoTime() - t;
            }
            if (!writer.flush(Duration.ofMinutes(10))) {
                throw new IllegalStateException("rows not written within 10 minutes");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            writer.close();
            Arrays.sort(enqueue);
            System.out.println("| rows | rows/s into MariaDB | write() p50 µs | write() p99 µs |");
            System.out.println("|---:|---:|---:|---:|");
            System.out.printf("| %,d | %,.0f | %.2f | %.2f |%n", rows, rows / seconds, enqueue[rows / 2] / 1e3, enqueue[(int) (rows * 0.99)] / 1e3);
        }
    }
}
