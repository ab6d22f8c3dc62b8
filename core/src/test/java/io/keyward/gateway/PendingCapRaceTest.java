package io.keyward.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.testing.GatewayExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Outside review: approvals.max_pending_per_key was counted, then inserted, with nothing holding the
 * two together, so 24 distinct requests sent at once left 7 approvals pending against a limit of 3.
 * The count and the insert now run in one transaction holding the key's row.
 */
class PendingCapRaceTest {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension("guards:\n  loop_max_repeats: 100000\n"
            + "approvals:\n  max_pending_per_key: 3\n");
    private static final AgentCalls calls = new AgentCalls(gw, "pending-race-agent");

    @Test
    void distinctRequestsSentAtOnceQueueNoMoreThanTheLimit() throws Exception {
        gw.vendor().server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{}")));
        String key = calls.key("stripe", "\"daily_usd_cap\":\"100000.00\",\"policy\":{\"allow\":[{\"id\":\"charge\","
                + "\"operation\":\"payment_intents.create\",\"approval_above_usd\":\"30.00\"}]}");
        ExecutorService pool = Executors.newFixedThreadPool(24);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> replies = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            int cents = 5_000 + i;
            replies.add(pool.submit(() -> {
                go.await();
                return calls.send(key, "POST", "/stripe/v1/payment_intents", "application/x-www-form-urlencoded",
                        "amount=" + cents + "&currency=usd").status();
            }));
        }
        go.countDown();
        for (Future<Integer> r : replies) {
            r.get();
        }
        pool.shutdown();
        int pending;
        try (java.sql.Connection c = gw.gateway().keyward().store().dataSource().getConnection();
             java.sql.ResultSet rs = c.createStatement().executeQuery(
                     "SELECT COUNT(*) FROM approvals WHERE state = 'pending' AND key_id = '" + AgentCalls.idOf(key) + "'")) {
            rs.next();
            pending = rs.getInt(1);
        }
        assertTrue(pending <= 3, "max_pending_per_key is 3, but " + pending + " approvals are pending for one key");
    }
}
