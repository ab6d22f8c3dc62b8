package io.keyward.spend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.keyward.contract.Vendor;
import io.keyward.testing.Calls;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an idempotent retry must repeat to be free: the same request, however its fields are ordered, and nothing else. */
class RequestHashTest {
    private static final Vendor STRIPE = Calls.VENDORS.get("stripe");
    private static final String FORM = "application/x-www-form-urlencoded";

    private static byte[] hash(String body, Map<String, String> headers) throws Exception {
        return io.keyward.request.CallFingerprint.sha256(STRIPE, Calls.parse("POST", "/stripe/v1/payment_intents", null, FORM,
                body.getBytes(StandardCharsets.UTF_8), headers, false).call());
    }

    @Test
    void theSameRequestInAnotherOrderIsTheSameRequest() throws Exception {
        assertArrayEquals(hash("amount=100&currency=usd&metadata[a]=1", Map.of()), hash("metadata[a]=1&currency=usd&amount=100", Map.of()));
    }

    @Test
    void anythingThatChangesWhatTheVendorDoesChangesTheHash() throws Exception {
        byte[] base = hash("amount=100&currency=usd&metadata[a%2C%20b]=1", Map.of("Stripe-Version", "2026-07-29.dahlia"));
        for (byte[] other : new byte[][] {
                hash("amount=100&currency=usd&metadata[a][b]=1", Map.of("Stripe-Version", "2026-07-29.dahlia")),
                hash("amount=101&currency=usd&metadata[a%2C%20b]=1", Map.of("Stripe-Version", "2026-07-29.dahlia")),
                hash("amount=100&currency=usd&metadata[a%2C%20b]=1", Map.of("Stripe-Version", "2025-01-27.acacia")),
                hash("amount=100&currency=usd&metadata[a%2C%20b]=1", Map.of()),
                hash("amount=100&currency=usd&metadata[a%2C%20b]=1", Map.of("Stripe-Version", "2026-07-29.dahlia", "Stripe-Account", "acct_1"))}) {
            assertFalse(Arrays.equals(base, other));
        }
    }
}
