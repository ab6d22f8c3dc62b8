package io.keyward.spend;

import io.keyward.store.ReservationEnd;
import io.keyward.store.SpendRepository;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends reservations (settles and releases, by reservation id) off the request thread, and keeps
 * trying until each has landed: a batch that fails (a Galera certification conflict, a deadlock,
 * the database away) is sent again with backoff, 50 ms doubling to 5 s; ending is idempotent in
 * the database, so a batch reported failed that did commit costs nothing when sent again. What is
 * owed is in the {@link SettleJournal} first, so a restart picks it up where this node stopped.
 */
final class Settler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Settler.class);
    private static final int BATCH = 500;
    private static final long MAX_BACKOFF_MILLIS = 5_000;
    /** Attempts after which an id the database has no row for is given up (its row was purged, or never existed). */
    private static final int MAX_UNKNOWN_ATTEMPTS = 50;
    private final SpendRepository ledger;
    private final SettleJournal journal;
    private final Map<String, ReservationEnd> pending = new ConcurrentHashMap<>();
    private final Map<String, Integer> unknownAttempts = new ConcurrentHashMap<>();
    private final java.util.concurrent.ScheduledThreadPoolExecutor thread = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "keyward-spend-settler-by-id");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean queued = new AtomicBoolean();
    private final AtomicLong failedAttempts = new AtomicLong();
    private final AtomicLong landed = new AtomicLong();
    /** Consecutive failed batches, for the backoff; touched only on the settler's thread. */
    private int failures;
    private volatile long retryAtNanos;

    /** @param journal where owed ends are kept across restarts; null keeps them in memory only */
    Settler(SpendRepository ledger, SettleJournal journal) {
        this.ledger = ledger;
        this.journal = journal;
        // A retry waiting out its backoff when the node stops is not run: the journal keeps it for the next start.
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        if (journal != null) {
            journal.recovered().forEach(end -> pending.put(end.reservationId(), end));
        }
        thread.scheduleWithFixedDelay(this::purge, 1, 60, TimeUnit.MINUTES);
        wake();
    }

    /** Owes this end: journaled now, written by the settler's thread as soon as the database takes it. */
    void submit(ReservationEnd end) {
        if (journal != null) {
            journal.owed(end);
        }
        pending.put(end.reservationId(), end);
        wake();
    }

    /**
     * Ends reservations on the calling thread, retrying conflicts until {@code deadline}: for a
     * release that what follows must see (an agent's retry with the same Idempotency-Key, the next
     * lease). What has not landed by then is owed like any other and lands later (meanwhile an
     * Idempotency-Key still answers 409, in flight).
     *
     * @return whether they landed before the deadline
     */
    boolean endNow(List<ReservationEnd> ends, Duration deadline) {
        if (ends.isEmpty()) {
            return true;
        }
        if (journal != null) {
            ends.forEach(journal::owed);
        }
        long until = System.nanoTime() + deadline.toNanos();
        List<ReservationEnd> left = new ArrayList<>(ends);
        for (int attempt = 1; System.nanoTime() < until; attempt++) {
            try {
                Set<String> ended = ledger.end(left);
                landed(ended);
                left.removeIf(end -> ended.contains(end.reservationId()));
                if (left.isEmpty()) {
                    return true;
                }
            } catch (RuntimeException e) {
                failedAttempts.incrementAndGet();
            }
            sleepQuietly(Math.min(backoffMillis(attempt), Math.max(0, (until - System.nanoTime()) / 1_000_000)));
        }
        left.forEach(end -> pending.put(end.reservationId(), end));
        wake();
        return false;
    }

    private void wake() {
        if (queued.compareAndSet(false, true)) {
            try {
                long wait = Math.max(0, retryAtNanos - System.nanoTime());
                thread.schedule(this::drain, wait, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                queued.set(false);
            }
        }
    }

    private void drain() {
        queued.set(false);
        if (pending.isEmpty()) {
            return;
        }
        List<ReservationEnd> batch = new ArrayList<>(pending.values().stream().limit(BATCH).toList());
        if (journal != null) {
            journal.force();
        }
        try {
            Set<String> ended = ledger.end(batch);
            landed(ended);
            failures = 0;
            retryAtNanos = 0;
            for (ReservationEnd end : batch) {
                if (!ended.contains(end.reservationId()) && unknownAttempts.merge(end.reservationId(), 1, Integer::sum) >= MAX_UNKNOWN_ATTEMPTS) {
                    LOG.warn("Giving up settling reservation {}: the database has no row for it", end.reservationId());
                    landed(Set.of(end.reservationId()));
                }
            }
            if (batch.stream().anyMatch(e -> pending.containsKey(e.reservationId()))) {
                // Some ids are not (yet) known here: wait before asking again.
                retryAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMillis(4));
            }
        } catch (RuntimeException e) {
            failedAttempts.incrementAndGet();
            failures++;
            if (failures == 1 || failures % 20 == 0) {
                LOG.warn("Could not settle {} reservations ({}, attempt {}); retrying", batch.size(), e.getClass().getSimpleName(), failures);
            }
            retryAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMillis(failures));
        }
        if (!pending.isEmpty()) {
            wake();
        }
    }

    private void landed(Set<String> ids) {
        ids.forEach(id -> {
            if (pending.remove(id) != null) {
                landed.incrementAndGet();
            }
            unknownAttempts.remove(id);
        });
        if (journal != null) {
            journal.done(ids);
        }
    }

    private void purge() {
        try {
            ledger.purgeOldReservations();
        } catch (RuntimeException e) {
            LOG.debug("Could not purge old reservation rows: {}", e.toString());
        }
    }

    /** 50 ms doubling, at most 5 s. */
    private static long backoffMillis(int failures) {
        return Math.min(MAX_BACKOFF_MILLIS, 50L << Math.min(failures - 1, 10));
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends owed and not yet in the ledger. */
    int pending() {
        return pending.size();
    }

    /** Batches (and request-thread attempts) that failed and were tried again. */
    long failedAttempts() {
        return failedAttempts.get();
    }

    /** Waits until nothing is owed, or the timeout passes. */
    boolean flush(Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (!pending.isEmpty()) {
            if (System.nanoTime() > until) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** Stops trying; what is still owed stays in the journal for the next start. */
    @Override
    public void close() throws Exception {
        thread.shutdown();
        thread.awaitTermination(5, TimeUnit.SECONDS);
        if (journal != null) {
            journal.close();
        }
    }
}
