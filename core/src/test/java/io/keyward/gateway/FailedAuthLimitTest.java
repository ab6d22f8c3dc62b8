package io.keyward.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.key.VaultKeyFormat;
import io.keyward.store.CallQuery;
import io.keyward.store.CallRow;
import io.keyward.testing.GatewayExtension;
import io.keyward.testing.RawHttp;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Guessing keys from one address is cheap to refuse: past the per-address limit of failed
 * authentications, made-up keys are refused 429 without a look-up or a hash, recorded once a second
 * instead of one audit row each, while a key this node already knows still gets through.
 */
class FailedAuthLimitTest {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension("guards:\n  unauthenticated_per_second: 2\n");
    private static final AgentCalls calls = new AgentCalls(gw, "limited");

    private static String madeUpKey(SecureRandom random) {
        String id = Long.toString(Math.abs(random.nextLong()), 36);
        id = (id + "0000000000000000").substring(0, 16);
        return VaultKeyFormat.compose(id, "A".repeat(32));
    }

    @Test
    void guessesFromOneAddressAreRefusedCheaplyAndRecordedOnceASecond() throws Exception {
        String known = calls.key("stripe", null);
        assertEquals(200, calls.send(known, "GET", "/stripe/v1/customers/cus_1", null, null).status(), "the key is now known to this node");

        SecureRandom random = new SecureRandom();
        List<Integer> statuses = new ArrayList<>();
        List<String> requestIds = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < 60; i++) {
            RawHttp.Response reply = calls.send(madeUpKey(random), "GET", "/stripe/v1/customers/cus_1", null, null);
            statuses.add(reply.status());
            requestIds.add(reply.header("X-Keyward-Request-Id"));
            if (reply.status() == 429) {
                assertEquals("1", reply.header("Retry-After"));
                assertTrue(reply.bodyText().contains("\"code\":\"denied_rate_limit\""));
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long refusedCheaply = statuses.stream().filter(s -> s == 429).count();
        assertTrue(statuses.subList(0, 4).stream().allMatch(s -> s == 401), "the burst is looked up and refused as unknown: " + statuses);
        assertTrue(refusedCheaply >= 40, "the rest, past the limit, are refused without a look-up: " + statuses);
        assertEquals(200, calls.send(known, "GET", "/stripe/v1/customers/cus_2", null, null).status(),
                "a key this node knows still passes from the same address");

        gw.gateway().flushAudit();
        List<CallRow> rows = gw.gateway().keyward().store().calls().list(new CallQuery(null, null, null, null, null, null, null, null, 500));
        long recordedLimits = rows.stream().filter(r -> "auth.failed_per_address".equals(r.rule())).count();
        long recordedUnknown = rows.stream().filter(r -> "denied_unknown_key".equals(r.policyCheckResult())).count();
        assertEquals(60 - refusedCheaply, recordedUnknown, "every look-up that failed is one row");
        assertTrue(recordedLimits >= 1 && recordedLimits <= Math.ceil(seconds) + 1,
                recordedLimits + " rows for " + refusedCheaply + " cheap refusals in " + seconds + " s: at most one a second");
        assertTrue(rows.stream().filter(r -> "auth.failed_per_address".equals(r.rule())).allMatch(r -> requestIds.contains(r.requestId())));
    }
}
