package io.keyward.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.store.CallQuery;
import io.keyward.store.CallRow;
import io.keyward.store.LedgerRow;
import io.keyward.testing.AdminClient;
import io.keyward.testing.TestGateway;
import io.keyward.testing.TwoNodesExtension;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two gateway nodes, each with its own connection pool, in front of one MariaDB: 64 threads
 * hammering one key never spend a cent over its cap, the ledger equals the audit trail, and once a
 * revoke has committed no node forwards another money-moving call. Escrow leases are off here: each
 * call reserves in the database, which is what makes the revoke bite at the commit; with leases
 * (the default) it bites within a poll, bounded by what was drawn (SpendLeaseTest).
 */
class TwoNodeSpendTest {
    @RegisterExtension
    static final TwoNodesExtension nodes = new TwoNodesExtension(HammerCalls.HIGH_LIMITS + "spend:\n  lease_usd: \"off\"\n");

    private final HammerCalls calls = new HammerCalls(nodes);

    @Test
    void sixtyFourThreadsOnTwoNodesNeverOvershootTheCap() throws Exception {
        String key = calls.issue("hammer", "10.00");
        int total = 384;
        ExecutorService pool = Executors.newFixedThreadPool(64);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            int n = i;
            results.add(pool.submit(() -> calls.pay(n % 2 == 0 ? nodes.nodeA() : nodes.nodeB(), key, n)));
        }
        int allowed = 0;
        int capped = 0;
        for (Future<Integer> f : results) {
            int status = f.get(60, TimeUnit.SECONDS);
            if (status == 200) {
                allowed++;
            } else {
                assertEquals(429, status, "the only refusal is the cap, and never a 5xx");
                capped++;
            }
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));

        // 27 x $0.37 = $9.99 fits a $10.00 cap; a 28th would not.
        assertEquals(27, allowed, "admitted exactly what fits");
        assertEquals(total - 27, capped);
        assertEquals(27, nodes.vendor().received().size(), "the vendor saw exactly the admitted calls");

        flush();
        LedgerRow row = nodes.nodeA().keyward().store().spend().current("key", key.substring(3, 19)).orElseThrow();
        assertEquals(0, row.spentUsd().compareTo(new BigDecimal("9.99")), "spent " + row.spentUsd());
        assertEquals(0, row.reservedUsd().signum(), "nothing left reserved");
        BigDecimal audited = allowedRows(key).stream().map(CallRow::amountUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertEquals(0, audited.compareTo(row.spentUsd()), "ledger spent = the sum of the allowed calls' audit rows");
        assertEquals(27, allowedRows(key).size());
    }

    @Test
    void afterARevokeCommitsNoNodeForwardsAnotherMoneyMovingCall() throws Exception {
        String key = calls.issue("hammer", "1000.00");
        String keyId = key.substring(3, 19);
        AtomicInteger sent = new AtomicInteger();
        ConcurrentLinkedQueue<long[]> outcomes = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            workers.add(pool.submit(() -> {
                for (int i = 0; i < 25; i++) {
                    int n = sent.incrementAndGet();
                    long started = System.nanoTime();
                    int status = calls.pay(n % 2 == 0 ? nodes.nodeA() : nodes.nodeB(), key, n);
                    outcomes.add(new long[] {started, status});
                }
                return null;
            }));
        }
        while (sent.get() < 80) {
            Thread.sleep(5);
        }
        AdminClient.Reply revoked = nodes.admin().post("/keys/" + keyId + "/revoke", "{\"reason\":\"incident under load\"}");
        long revokeCommitted = System.nanoTime();
        assertEquals(200, revoked.status());
        for (Future<?> w : workers) {
            w.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        int before = 0;
        int after = 0;
        int forwardedAfter = 0;
        for (long[] o : outcomes) {
            if (o[0] > revokeCommitted) {
                after++;
                if (o[1] == 200) {
                    forwardedAfter++;
                } else {
                    assertEquals(401, o[1], "a call sent after the revoke is refused as revoked");
                }
            } else {
                before++;
            }
        }
        assertTrue(after > 0 && before > 0, "the revoke landed mid-load (" + before + " before, " + after + " after)");
        assertEquals(0, forwardedAfter, "no call sent after the revoke committed was forwarded, on either node");
        long ok = outcomes.stream().filter(o -> o[1] == 200).count();
        assertEquals(ok, nodes.vendor().received().size(), "the vendor saw exactly the calls that were answered 200");
    }

    private static void flush() throws InterruptedException {
        for (TestGateway node : List.of(nodes.nodeA(), nodes.nodeB())) {
            node.keyward().spend().flush(Duration.ofSeconds(10));
            node.flushAudit();
        }
    }

    private static List<CallRow> allowedRows(String key) {
        return nodes.nodeA().keyward().store().calls().list(new CallQuery(null, key.substring(3, 19), null, null, "allowed", null, null, null, 500));
    }
}
