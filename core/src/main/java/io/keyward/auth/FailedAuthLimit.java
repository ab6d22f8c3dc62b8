package io.keyward.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed authentications per client address, as token buckets: {@code perSecond} on average and
 * twice that in a burst. Past it, an address is "over": the filter then refuses keys this node does
 * not already know without a database look-up or a hash, and records those refusals once a second
 * per address instead of one audit row each, so guessing costs the gateway next to nothing and
 * cannot fill the audit spool. Agents whose keys this node knows are not held up by a neighbour
 * behind the same address.
 *
 * <p>Junk (no credential, another scheme, a malformed key) is counted in a bucket of its own: it
 * costs no look-up, so it only needs its refusals aggregated, and a neighbour sending it must not
 * put the address over for agents presenting real keys this node has not cached yet.
 */
public final class FailedAuthLimit {
    private static final int MAX_ADDRESSES = 100_000;
    private final double perNano;
    private final double burst;
    private final Map<String, Bucket> byAddress = new ConcurrentHashMap<>();

    /** Tokens left (for guesses, for junk), when last refilled, refusals not yet recorded, and when the last one was. */
    private static final class Bucket {
        double tokens;
        double junkTokens;
        long refilledAt;
        long unrecorded;
        long recordedAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.junkTokens = tokens;
            this.refilledAt = now;
            this.recordedAt = now - 2_000_000_000L;
        }
    }

    public FailedAuthLimit(int perSecond) {
        this.perNano = perSecond / 1e9;
        this.burst = 2.0 * perSecond;
    }

    /** Whether the address has failed more often than allowed and must prove itself with a known key. */
    public boolean over(String address) {
        Bucket b = byAddress.get(address);
        if (b == null) {
            return false;
        }
        synchronized (b) {
            refill(b, System.nanoTime());
            return b.tokens < 1;
        }
    }

    /** Counts one failed authentication from the address: a key that was looked up and did not match. */
    public void failed(String address) {
        Bucket b = bucket(address);
        synchronized (b) {
            refill(b, System.nanoTime());
            b.tokens = Math.max(0, b.tokens - 1);
        }
    }

    /** Counts one junk credential from the address. @return whether the address was already over for junk */
    public boolean junk(String address) {
        Bucket b = bucket(address);
        synchronized (b) {
            refill(b, System.nanoTime());
            boolean over = b.junkTokens < 1;
            b.junkTokens = Math.max(0, b.junkTokens - 1);
            return over;
        }
    }

    private Bucket bucket(String address) {
        if (byAddress.size() >= MAX_ADDRESSES) {
            byAddress.clear();
        }
        return byAddress.computeIfAbsent(address, a -> new Bucket(burst, System.nanoTime()));
    }

    /**
     * For a refusal of an address that is over: how many refusals since the last recorded one, when
     * this one is to be recorded (at most one a second per address), or -1 when it is not.
     */
    public long recordRefusal(String address) {
        Bucket b = byAddress.get(address);
        if (b == null) {
            return 0;
        }
        long now = System.nanoTime();
        synchronized (b) {
            if (now - b.recordedAt >= 1_000_000_000L) {
                long skipped = b.unrecorded;
                b.unrecorded = 0;
                b.recordedAt = now;
                return skipped;
            }
            b.unrecorded++;
            return -1;
        }
    }

    private void refill(Bucket b, long now) {
        b.tokens = Math.min(burst, b.tokens + (now - b.refilledAt) * perNano);
        b.junkTokens = Math.min(burst, b.junkTokens + (now - b.refilledAt) * perNano);
        b.refilledAt = now;
    }
}
