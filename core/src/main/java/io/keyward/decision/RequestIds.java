package io.keyward.decision;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keyward's own request ids ({@code kwr_} + 22 base62 characters), sent as X-Keyward-Request-Id,
 * audited, and used as the id of the call's spend reservation.
 *
 * <p>Unique, not secret: nothing is authorised by knowing one. So a call does not draw from
 * {@link SecureRandom} (a per-call cost the profile showed): each id is this process's random
 * 64 bits, drawn once, and a counter scrambled by a bijective 64-bit mix under a random key, so that
 * two processes almost surely never share a prefix, one process never repeats an id, and an id does
 * not read as a count of the calls the node has served.
 */
public final class RequestIds {
    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final long PROCESS;
    private static final long MIX_KEY;
    private static final AtomicLong COUNTER = new AtomicLong();

    static {
        SecureRandom random = new SecureRandom();
        PROCESS = random.nextLong();
        MIX_KEY = random.nextLong();
    }

    private RequestIds() {
    }

    public static String next() {
        return format(PROCESS, mix(COUNTER.incrementAndGet() ^ MIX_KEY));
    }

    /** The 128 bits {@code high:low} as 22 base62 digits after {@code kwr_}. */
    static String format(long high, long low) {
        char[] out = new char[26];
        out[0] = 'k';
        out[1] = 'w';
        out[2] = 'r';
        out[3] = '_';
        // Unsigned 128-bit division by 62, digit by digit from the right.
        long hi = high;
        long lo = low;
        for (int i = out.length - 1; i >= 4; i--) {
            long hiQuotient = Long.divideUnsigned(hi, 62);
            long hiRest = Long.remainderUnsigned(hi, 62);
            // (hiRest * 2^64 + lo) / 62, with hiRest < 62: split lo into two 32-bit halves.
            long upper = (hiRest << 32) | (lo >>> 32);
            long upperQuotient = Long.divideUnsigned(upper, 62);
            long lower = (Long.remainderUnsigned(upper, 62) << 32) | (lo & 0xFFFFFFFFL);
            long lowerQuotient = Long.divideUnsigned(lower, 62);
            out[i] = BASE62[(int) Long.remainderUnsigned(lower, 62)];
            hi = hiQuotient;
            lo = (upperQuotient << 32) | lowerQuotient;
        }
        return new String(out);
    }

    /** A bijection on 64 bits (the SplitMix64 finalizer): distinct counters give distinct ids. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
