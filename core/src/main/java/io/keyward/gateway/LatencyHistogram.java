package io.keyward.gateway;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Microsecond latencies in log-linear buckets (exact below 64 µs, then 16 buckets per power of two,
 * so within about 6%), recorded without locks from every request thread.
 */
public final class LatencyHistogram {
    private static final int EXACT = 64;
    private static final int SUB_BUCKETS = 16;
    private static final int POWERS = 40;
    private final AtomicLongArray counts = new AtomicLongArray(EXACT + POWERS * SUB_BUCKETS);

    public void record(long micros) {
        counts.incrementAndGet(index(Math.max(0, micros)));
    }

    /** A percentile (0-100) in microseconds: the upper edge of the bucket it falls in; 0 when empty. */
    public long percentile(double percent) {
        long total = count();
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(total * percent / 100.0);
        long seen = 0;
        for (int i = 0; i < counts.length(); i++) {
            seen += counts.get(i);
            if (seen >= Math.max(1, rank)) {
                return upperEdge(i);
            }
        }
        return upperEdge(counts.length() - 1);
    }

    public long count() {
        long total = 0;
        for (int i = 0; i < counts.length(); i++) {
            total += counts.get(i);
        }
        return total;
    }

    public void reset() {
        for (int i = 0; i < counts.length(); i++) {
            counts.set(i, 0);
        }
    }

    static int index(long micros) {
        if (micros < EXACT) {
            return (int) micros;
        }
        int power = 63 - Long.numberOfLeadingZeros(micros);
        int sub = (int) (micros >>> (power - 4)) & (SUB_BUCKETS - 1);
        int index = EXACT + (power - 6) * SUB_BUCKETS + sub;
        return Math.min(index, EXACT + POWERS * SUB_BUCKETS - 1);
    }

    static long upperEdge(int index) {
        if (index < EXACT) {
            return index;
        }
        int power = (index - EXACT) / SUB_BUCKETS + 6;
        int sub = (index - EXACT) % SUB_BUCKETS;
        return ((long) (SUB_BUCKETS + sub + 1) << (power - 4)) - 1;
    }
}
