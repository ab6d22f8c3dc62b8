package io.keyward.samples.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.keyward.audit.AuditWriter;
import io.keyward.config.AuditConfig;
import io.keyward.store.CallRow;
import io.keyward.store.Store;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What the write-ahead of money calls costs the request thread: the time of
 * {@code beforeForwarding()} (append + a group-committed force to disk) at 1, 8 and 32 concurrent
 * callers, and how many calls share one force.
 *
 * <p>Usage: {@code java -cp samples/target/keyward-quickstart.jar io.keyward.samples.bench.WriteAheadBenchmark
 * 'jdbc:mariadb://127.0.0.1:3306/scratch?user=...&password=...' [spool folder on the disk to measure] [calls per caller]}
 */
public final class WriteAheadBenchmark {
    private WriteAheadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: WriteAheadBenchmark <jdbc url of a scratch database> [spool folder] [calls per caller]");
            System.exit(2);
        }
        Path spool = Path.of(args.length > 1 ? args[1] : "target/write-ahead-bench").toAbsolutePath();
        int perCaller = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(args[0]);
        config.setMaximumPoolSize(4);
        System.out.println("| callers | calls | beforeForwarding p50 µs | p99 µs | calls per force |");
        System.out.println("|---:|---:|---:|---:|---:|");
        try (HikariDataSource pool = new HikariDataSource(config); Store store = Store.open(pool, true)) {
            for (int callers : new int[] {1, 8, 32}) {
                Path dir = Files.createDirectories(spool.resolve("callers-" + callers));
                AuditConfig defaults = AuditConfig.ofDefaults("bench");
                AuditWriter writer = new AuditWriter(store.calls(), new AuditConfig(dir, defaults.spoolMaxBytes(), true,
                        defaults.batchSize(), defaults.queueCapacity()));
                long[] times = run(writer, callers, perCaller);
                AuditWriter.WriteAhead counts = writer.writeAhead();
                writer.flush(Duration.ofMinutes(5));
                writer.close();
                Arrays.sort(times);
                System.out.printf("| %d | %,d | %.1f | %.1f | %.1f |%n", callers, times.length, times[times.length / 2] / 1e3,
                        times[(int) (times.length * 0.99)] / 1e3, (double) counts.calls() / Math.max(1, counts.forces()));
            }
        }
    }

    private static long[] run(AuditWriter writer, int callers, int perCaller) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(callers);
        String run = "wal-" + System.nanoTime();
        List<Future<long[]>> results = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            int caller = c;
            results.add(threads.submit(() -> {
                long[] times = new long[perCaller];
                for (int i = 0; i < perCaller; i++) {
                    CallRow row = new CallRow(null, Instant.now(), run + "-" + caller + "-" + i, "benchkey", "bench-agent", run,
                            "stripe", "POST", "payment_intents.create", "/v1/payment_intents", "/v1/payment_intents", "allowed",
                            "allow[0]", null, new BigDecimal("0.37"), null, null, null, "idem-" + i, 800L, null, "bench",
                            "{\"agent_name\":\"bench-agent\"}", null);
                    long t = System.nanoTime();
                    writer.beforeForwarding(row);
                    times[i] = System.nanoTime() - t;
                    writer.write(row);
                }
                return times;
            }));
        }
        long[] all = new long[callers * perCaller];
        int at = 0;
        for (Future<long[]> f : results) {
            long[] t = f.get();
            System.arraycopy(t, 0, all, at, t.length);
            at += t.length;
        }
        threads.shutdown();
        return all;
    }
}
