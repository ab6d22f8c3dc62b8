package io.keyward.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.store.CallQuery;
import io.keyward.store.CallRow;
import io.keyward.store.LedgerRow;
import io.keyward.testing.TestGateway;
import io.keyward.testing.TwoNodesExtension;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Escrow leases ({@code spend.lease_usd}) on two nodes: the cap is never overshot under 64 threads,
 * the ledger equals the audit trail once leases are given back, most calls need no reservation
 * round trip, and a revoke anywhere ends every lease within one revoke poll.
 */
class SpendLeaseTest {
    @RegisterExtension
    static final TwoNodesExtension nodes = new TwoNodesExtension(HammerCalls.HIGH_LIMITS + "spend:\n  lease_usd: \"2.00\"\n");

    private final HammerCalls calls = new HammerCalls(nodes);

    @Test
    void sixtyFourThreadsOnTwoNodesNeverOvershootWithLeases() throws Exception {
        String key = calls.issue("leased", "10.00");
        ExecutorService pool = Executors.newFixedThreadPool(64);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 384; i++) {
            int n = i;
            results.add(pool.submit(() -> calls.pay(n % 2 == 0 ? nodes.nodeA() : nodes.nodeB(), key, n)));
        }
        int allowed = 0;
        for (Future<Integer> f : results) {
            int status = f.get(60, TimeUnit.SECONDS);
            assertTrue(status == 200 || status == 429, "allowed, or over the cap; never a 5xx: " + status);
            allowed += status == 200 ? 1 : 0;
        }
        pool.shutdown();

        // 27 x $0.37 fits $10.00. The other node's unused lease (under $2.00, at most 5 calls) may be
        // out of reach of the last calls: under-use, never overshoot.
        assertTrue(allowed <= 27, "never over the cap: " + allowed);
        assertTrue(allowed >= 27 - 5, "at most one lease's worth unused: " + allowed);
        assertEquals(allowed, nodes.vendor().received().size(), "the vendor saw exactly the admitted calls");

        LedgerRow row = afterLeasesReturned(key);
        assertEquals(0, row.reservedUsd().signum(), "every lease given back: nothing left reserved");
        assertEquals(0, row.spentUsd().compareTo(new BigDecimal("0.37").multiply(BigDecimal.valueOf(allowed))), "spent " + row.spentUsd());
        BigDecimal audited = allowedRows(key).stream().map(CallRow::amountUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertEquals(0, audited.compareTo(row.spentUsd()), "ledger spent = the sum of the allowed calls' audit rows");
    }

    @Test
    void mostCallsAreAdmittedFromALeaseWithoutARoundTrip() throws Exception {
        String key = calls.issue("leased", "100.00");
        long before = nodes.nodeA().keyward().spend().reservationRoundTrips();
        for (int i = 0; i < 40; i++) {
            assertEquals(200, calls.pay(nodes.nodeA(), key, i));
        }
        long roundTrips = nodes.nodeA().keyward().spend().reservationRoundTrips() - before;
        // 40 x $0.37 = $14.80 in $2.00 chunks: at least 8 chunks, not 40 reservations. How many more
        // depends on timing, not on the code: on a loaded machine a call can outrun the background
        // top-up and take a chunk itself (13 seen in CI on this shared 2-core machine). The claim
        // is "most calls", so the bound is half of them; the lease speed is measured by the benchmark.
        assertTrue(roundTrips >= 8 && roundTrips <= 20, "most calls admitted without a round trip: " + roundTrips);
        LedgerRow row = afterLeasesReturned(key);
        assertEquals(0, row.spentUsd().compareTo(new BigDecimal("14.80")));
        assertEquals(0, row.reservedUsd().signum());
    }

    @Test
    void aRevokeOnOneNodeEndsTheOtherNodesLeaseWithinOnePoll() throws Exception {
        String key = calls.issue("leased", "100.00");
        for (int i = 0; i < 3; i++) {
            assertEquals(200, calls.pay(nodes.nodeB(), key, i), "node B now holds a lease");
        }
        assertEquals(200, nodes.admin().post("/keys/" + key.substring(3, 19) + "/revoke", "{\"reason\":\"stop\"}").status());
        nodes.awaitRevokePoll();
        int forwarded = nodes.vendor().received().size();
        assertEquals(401, calls.pay(nodes.nodeB(), key, 99), "node B's lease is gone with the revoke");
        assertEquals(forwarded, nodes.vendor().received().size());
        LedgerRow row = afterLeasesReturned(key);
        assertEquals(0, row.reservedUsd().signum(), "the revoke gave the lease's rest back");
        assertEquals(0, row.spentUsd().compareTo(new BigDecimal("1.11")));
    }

    /** Both nodes give back what their leases hold (as a revoke poll would), then their settles are written. */
    private static LedgerRow afterLeasesReturned(String key) throws InterruptedException {
        for (TestGateway node : List.of(nodes.nodeA(), nodes.nodeB())) {
            node.keyward().spend().flush(Duration.ofSeconds(10));
            node.keyward().spend().dropLeases();
            node.flushAudit();
        }
        return nodes.nodeA().keyward().store().spend().current("key", key.substring(3, 19)).orElseThrow();
    }

    private static List<CallRow> allowedRows(String key) {
        return nodes.nodeA().keyward().store().calls().list(new CallQuery(null, key.substring(3, 19), null, null, "allowed", null, null, null, 500));
    }
}
