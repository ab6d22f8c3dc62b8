package io.keyward.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
    @Test
    void bucketsCoverEveryValueWithinSixPercent() {
        for (long v = 0; v < 5_000_000; v = v < 200 ? v + 1 : v + v / 7) {
            long edge = LatencyHistogram.upperEdge(LatencyHistogram.index(v));
            assertTrue(edge >= v, v + " -> " + edge);
            assertTrue(edge - v <= Math.max(0, v / 16), v + " -> " + edge);
        }
    }

    @Test
    void percentilesFollowTheRecordedValues() {
        LatencyHistogram h = new LatencyHistogram();
        assertEquals(0, h.percentile(50));
        for (int i = 1; i <= 100; i++) {
            h.record(i * 10L);
        }
        assertEquals(100, h.count());
        long p50 = h.percentile(50);
        long p99 = h.percentile(99);
        assertTrue(p50 >= 500 && p50 <= 530, "p50 " + p50);
        assertTrue(p99 >= 990 && p99 <= 1_050, "p99 " + p99);
        h.reset();
        assertEquals(0, h.count());
    }
}
