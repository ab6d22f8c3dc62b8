package io.keyward.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestIdsTest {
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    @Test
    void the128BitsAreWrittenInBase62AsBigIntegerWouldWriteThem() {
        Random random = new Random(7);
        long[][] cases = {{0, 0}, {-1, -1}, {0, 61}, {0, 62}, {1, 0}, {Long.MIN_VALUE, 1}};
        for (long[] c : cases) {
            assertEquals(reference(c[0], c[1]), RequestIds.format(c[0], c[1]));
        }
        for (int i = 0; i < 10_000; i++) {
            long high = random.nextLong();
            long low = random.nextLong();
            assertEquals(reference(high, low), RequestIds.format(high, low));
        }
    }

    @Test
    void idsHaveTheDocumentedShapeAndNeverRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            String id = RequestIds.next();
            assertTrue(id.matches("kwr_[0-9A-Za-z]{22}"), id);
            assertTrue(seen.add(id), "repeated: " + id);
        }
    }

    @Test
    void consecutiveIdsDoNotReadAsACount() {
        String a = RequestIds.next();
        String b = RequestIds.next();
        int differing = 0;
        for (int i = 4; i < a.length(); i++) {
            differing += a.charAt(i) == b.charAt(i) ? 0 : 1;
        }
        // The process prefix is shared (about 11 digits); the scrambled counter changes the rest.
        assertTrue(differing >= 5, a + " and " + b + " differ in only " + differing + " digits");
    }

    private static String reference(long high, long low) {
        BigInteger value = new BigInteger(1, java.nio.ByteBuffer.allocate(16).putLong(high).putLong(low).array());
        StringBuilder digits = new StringBuilder();
        BigInteger base = BigInteger.valueOf(62);
        for (int i = 0; i < 22; i++) {
            BigInteger[] qr = value.divideAndRemainder(base);
            digits.append(BASE62.charAt(qr[1].intValue()));
            value = qr[0];
        }
        return "kwr_" + digits.reverse();
    }
}
