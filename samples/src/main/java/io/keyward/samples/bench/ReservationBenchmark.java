package io.keyward.samples.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.keyward.store.ReserveCall;
import io.keyward.store.ReserveOutcome;
import io.keyward.store.SpendRepository;
import io.keyward.store.Store;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The reservation hot path against a real MariaDB: {@code keyward_reserve} called back to back
 * from 1, 16 and 64 threads on one key, as money-moving calls would. Prints reservations/s and
 * latency percentiles as a Markdown table.
 *
 * <p>Usage: {@code java -cp samples/target/keyward-quickstart.jar io.keyward.samples.bench.ReservationBenchmark
 * 'jdbc:mariadb://127.0.0.1:3306/scratch?user=...&password=...' [seconds per run]}. The database
 * named must be a scratch one: the schema is applied there and a benchmark key is written.
 */
public final class ReservationBenchmark {
    private ReservationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ReservationBenchmark <jdbc url of a scratch database> [seconds per run] [once]");
            System.exit(2);
        }
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        // "once": each reservation with its own id (keyward_reserve_once, sql/V11), as the gateway reserves.
        withIds = args.length > 2 && args[2].equals("once");
        System.out.println("| threads | reservations/s | p50 ms | p90 ms | p99 ms | reservations |");
        System.out.println("|---:|---:|---:|---:|---:|---:|");
        for (int threads : new int[] {1, 16, 64}) {
            run(args[0], threads, seconds);
        }
    }

    private static boolean withIds;

    private static ReserveOutcome reserve(SpendRepository ledger, javax.sql.DataSource pool, ReserveCall call) {
        if (withIds) {
            return ledger.reserveOnce(java.util.UUID.randomUUID().toString(), call);
        }
        // The procedure without an id (V6, kept for nodes of an earlier version): what an id costs is the difference.
        try (Connection c = pool.getConnection();
             PreparedStatement st = c.prepareStatement("CALL keyward_reserve(?, ?, ?, NULL, NULL, NULL, NULL, NULL, NULL)")) {
            st.setString(1, call.keyId());
            st.setBigDecimal(2, call.amount());
            st.setBigDecimal(3, call.keyCap());
            try (java.sql.ResultSet rs = st.executeQuery()) {
                rs.next();
                return new ReserveOutcome(rs.getString(1), rs.getDate(2).toLocalDate());
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void run(String url, int threads, int seconds) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(threads);
        try (HikariDataSource pool = new HikariDataSource(config); Store store = Store.open(pool, true)) {
            String keyId = "bench" + Long.toString(System.nanoTime() % 100_000_000_000L, 36);
            try (Connection c = pool.getConnection(); PreparedStatement st = c.prepareStatement(
                    "INSERT INTO vault_keys (id, secret_hash, agent_name, vendor, expires_at, created_at) "
                            + "VALUES (?, REPEAT('x', 32), 'bench', 'stripe', UTC_TIMESTAMP(6) + INTERVAL 1 DAY, UTC_TIMESTAMP(6))")) {
                st.setString(1, keyId);
                st.executeUpdate();
            }
            SpendRepository ledger = store.spend();
            ReserveCall call = new ReserveCall(keyId, new BigDecimal("0.01"), new BigDecimal("1000000000"), null, null,
                    null, null, null, null);
            ledger.reserveOnce(java.util.UUID.randomUUID().toString(), call);
            // warm-up
            long warmUntil = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < warmUntil) {
                reserve(ledger, pool, call);
            }
            long[][] latencies = new long[threads][];
            int[] counts = new int[threads];
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch done = new CountDownLatch(threads);
            for (int t = 0; t < threads; t++) {
                int id = t;
                new Thread(() -> {
                    long[] mine = new long[1 << 20];
                    int n = 0;
                    while (!stop.get() && n < mine.length) {
                        long start = System.nanoTime();
                        ReserveOutcome outcome = reserve(ledger, pool, call);
                        mine[n++] = System.nanoTime() - start;
                        if (!outcome.outcome().equals("reserved")) {
                            throw new IllegalStateException("unexpected outcome " + outcome.outcome());
                        }
                    }
                    latencies[id] = mine;
                    counts[id] = n;
                    done.countDown();
                }, "bench-" + t).start();
            }
            long began = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            stop.set(true);
            done.await();
            double elapsed = (System.nanoTime() - began) / 1e9;
            int total = Arrays.stream(counts).sum();
            long[] all = new long[total];
            int at = 0;
            for (int t = 0; t < threads; t++) {
                System.arraycopy(latencies[t], 0, all, at, counts[t]);
                at += counts[t];
            }
            Arrays.sort(all);
            System.out.printf("| %d | %,.0f | %.3f | %.3f | %.3f | %,d |%n", threads, total / elapsed,
                    pct(all, 0.50), pct(all, 0.90), pct(all, 0.99), total);
        }
    }

    private static double pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
    }
}
