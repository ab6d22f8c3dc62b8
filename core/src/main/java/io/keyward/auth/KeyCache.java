package io.keyward.auth;

import io.keyward.key.VaultKey;
import io.keyward.store.ChangeEpoch;
import io.keyward.store.VaultKeyRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vault keys as last read, so a call that moves no money needs no database round trip. Bounded by
 * the revoke poll: every {@code keys.revoke_poll} this node reads the change counter (sql/V5), which
 * every revoke, kill switch and secret rotation moves, and an entry read before the counter moved
 * is never used again. So a revoke made anywhere stops this node's calls within one poll; a change
 * made through this node stops them at once ({@link #invalidateAll()}). Money-moving calls do not
 * rely on this: their reservation checks revoke, expiry and kill switches in the same statement.
 *
 * <p>Fails closed: while the poll has not succeeded for {@code 2 x revoke_poll + 250 ms} (the
 * database is slow or away) every call reads its key from the database, as without a cache.
 * Unknown ids are remembered as unknown too, until the next change the poll sees and at most one
 * poll interval, so a stream of made-up ids costs one look-up each (a plain read and a causal one),
 * not one per call; an id cannot be presented before it is issued (ids are random), and an id not
 * found is read again with Galera causal reads, so a key issued on another node works at once.
 */
public final class KeyCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeyCache.class);
    private static final int MAX_ENTRIES = 100_000;
    private static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private final VaultKeyRepository keys;
    private final long pollNanos;
    private final long staleAfterNanos;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final ScheduledExecutorService poller;
    private volatile long epoch = -1;
    private volatile long polledAtNanos;
    private volatile long databaseClockAheadNanos;
    private volatile boolean pollFailing;
    private final java.util.List<Runnable> onChange = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A key as read, or (key null) an id the database did not know. */
    private record Entry(VaultKey key, long epoch, long readAtNanos) {
    }

    /** @param poll how often to read the change counter; zero reads every key from the database, every call */
    public KeyCache(VaultKeyRepository keys, Duration poll) {
        this.keys = keys;
        this.pollNanos = poll.toNanos();
        this.staleAfterNanos = 2 * pollNanos + TimeUnit.MILLISECONDS.toNanos(250);
        if (pollNanos > 0) {
            poller = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "keyward-revoke-poll");
                t.setDaemon(true);
                return t;
            });
            poll();
            poller.scheduleWithFixedDelay(this::poll, pollNanos, pollNanos, TimeUnit.NANOSECONDS);
        } else {
            poller = null;
        }
    }

    public Optional<VaultKey> find(String id) {
        long now = System.nanoTime();
        if (pollNanos == 0 || epoch < 0 || now - polledAtNanos > staleAfterNanos) {
            return read(id);
        }
        long seen = epoch;
        Entry cached = entries.get(id);
        if (cached != null && cached.epoch() == seen && now - cached.readAtNanos() < (cached.key() == null ? pollNanos : MAX_AGE_NANOS)) {
            return cached.key() == null ? Optional.empty() : Optional.of(asOfNow(cached.key()));
        }
        Optional<VaultKey> read = read(id);
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        // Stamped with the counter as it was before the read: a change that commits during the
        // read moves the counter past this stamp, and the entry is not used again.
        entries.put(id, new Entry(read.orElse(null), seen, now));
        return read;
    }

    /**
     * The key from the database; an id not found is read once more with causal reads before it is
     * taken as unknown: on Galera this node may not yet have applied the commit that issued it on
     * another node a moment ago.
     */
    private Optional<VaultKey> read(String id) {
        Optional<VaultKey> found = keys.find(id);
        return found.isPresent() ? found : keys.findCausally(id);
    }

    /** Whether this node holds the key as read since the last change: a key, not a made-up id. */
    public boolean knows(String id) {
        Entry cached = entries.get(id);
        return cached != null && cached.key() != null && cached.epoch() == epoch;
    }

    /** Drops every entry: this node has just changed keys, switches or secrets. */
    /**
     * Seconds since the revoke poll last read the change counter: how stale this node's view of
     * revokes can be (GET /admin/metrics). 0 when there is no poll (every call reads the database);
     * infinite until the first poll succeeds.
     */
    public double revokePollLagSeconds() {
        if (pollNanos == 0) {
            return 0;
        }
        return epoch < 0 ? Double.POSITIVE_INFINITY : (System.nanoTime() - polledAtNanos) / 1e9;
    }

    public void invalidateAll() {
        entries.clear();
        onChange.forEach(Runnable::run);
    }

    /** Runs {@code listener} whenever a change to keys, switches or secrets is seen (a poll, or this node's admin API). */
    public void onChange(Runnable listener) {
        onChange.add(listener);
    }

    /** The key's expiry judged by the database clock (as of the last poll), as the database would. */
    private VaultKey asOfNow(VaultKey key) {
        if (key.expired()) {
            return key;
        }
        Instant databaseNow = Instant.now().plusNanos(databaseClockAheadNanos);
        return key.expiresAt().isAfter(databaseNow) ? key : key.asExpired();
    }

    private void poll() {
        try {
            ChangeEpoch change = keys.changeEpoch();
            databaseClockAheadNanos = Duration.between(Instant.now(), change.databaseNow()).toNanos();
            if (change.epoch() != epoch) {
                boolean first = epoch < 0;
                entries.clear();
                epoch = change.epoch();
                if (!first) {
                    onChange.forEach(Runnable::run);
                }
            }
            polledAtNanos = System.nanoTime();
            if (pollFailing) {
                pollFailing = false;
                LOG.info("Revoke poll works again; cached keys are used again");
            }
        } catch (RuntimeException e) {
            if (!pollFailing) {
                pollFailing = true;
                LOG.warn("Revoke poll failed ({}); every call reads its key from the database until it works",
                        e.getClass().getSimpleName());
            }
        }
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }
}
