package io.keyward.spend;

import io.keyward.config.LeaseConfig;
import io.keyward.decision.Code;
import io.keyward.decision.Refusal;
import io.keyward.store.ReservationEnd;
import io.keyward.store.ReserveOutcome;
import io.keyward.store.SpendRepository;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Escrow leases: this node reserves a chunk of a key's daily budget in MariaDB with the same
 * conditional reservation a single call uses (so the chunk can never exceed the cap, and is only
 * granted to an unrevoked, unexpired, unswitched key), then admits that key's small calls from it
 * in memory, with no database round trip per call.
 *
 * <p>Crash-safe (sql/V12): the lease is a row with an expiry this node renews; if the node dies,
 * any node gives back the row's money once it expires. Calls are admitted only from money already
 * <em>drawn</em> from the row, a quarter chunk at a time (in the background before it runs out):
 * drawn money may be at the vendor when a node dies, so expiry never gives it back. A crashed node
 * thus leaves at most one and a half draws reserved until the day resets (the next draw is taken
 * once less than half of one is left); under-use, never overshoot.
 *
 * <p>Every call admitted from a lease settles by its own id (its request id), journaled and retried
 * like any reservation. A revoke, kill switch or expiry seen at this node's revoke poll ends
 * every lease here; a draw is refused for such a key in the database itself, so after a revoke a node
 * admits at most what it had already drawn. Calls larger than one draw are reserved alone.
 */
final class Leases implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Leases.class);
    /** How long giving a lease back may hold its key's calls before it is left to the settler. */
    private static final Duration RETIRE_DEADLINE = Duration.ofSeconds(2);
    /** How long after the ledger failed to answer a lease's grant or draw its key's calls are refused without asking again. */
    private static final Duration UNAVAILABLE_FOR = Duration.ofSeconds(1);
    private final LeaseConfig config;
    private final SpendRepository ledger;
    private final Settler settler;
    private final Runnable countRoundTrip;
    private final Map<String, Lease> byKey = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor background = new ScheduledThreadPoolExecutor(2, r -> {
        Thread t = new Thread(r, "keyward-leases");
        t.setDaemon(true);
        return t;
    });

    /** This node's lease on one key. Guarded by its own monitor. */
    private static final class Lease {
        /** Null while the key has no live lease here. */
        private String id;
        private LocalDate day;
        private BigDecimal draw;
        /** Draws made in the database (the row's {@code lease_draws}). */
        private int draws;
        /** What the row still holds: not yet drawn. */
        private BigDecimal undrawn = BigDecimal.ZERO;
        /** Drawn and not yet given to a call. */
        private BigDecimal drawnLeft = BigDecimal.ZERO;
        private boolean drawing;
        /** A draw was refused: the lease was given back under this node, or its key was revoked. */
        private boolean dead;
        /** The day on which no chunk fitted under the cap any more: until it ends, calls are reserved one by one. */
        private LocalDate nearCapOn;
        /** Until then (nanoTime) calls this lease cannot cover are refused at once: the ledger just failed to answer. */
        private long unavailableUntil = System.nanoTime();
    }

    /** A call admitted from a lease: its id, and the drawn money it holds. */
    record Admitted(String id, ReservationEnd.Drawn drawn) {
    }

    Leases(LeaseConfig config, SpendRepository ledger, Settler settler, Runnable countRoundTrip) {
        this.config = config;
        this.ledger = ledger;
        this.settler = settler;
        this.countRoundTrip = countRoundTrip;
        background.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        long ttl = config.ttl().toMillis();
        background.scheduleWithFixedDelay(this::renew, ttl / 4, ttl / 4, TimeUnit.MILLISECONDS);
        // Every node reaps, each at its own pace: a lease is given back once, whoever gets there first.
        long reapEvery = ttl / 2 + ThreadLocalRandom.current().nextLong(ttl / 4 + 1);
        background.scheduleWithFixedDelay(this::reap, reapEvery, reapEvery, TimeUnit.MILLISECONDS);
    }

    /**
     * Takes {@code amount} from the key's lease, taking a new lease first if needed.
     *
     * @param callId the call's own id (its request id), by which its settle is idempotent
     *
     * @return the call's id and money, or empty when the call is larger than one draw or no chunk
     *     fits under the cap any more (the caller then reserves the call alone)
     * @throws Refusal the key is revoked, expired or switched off, as {@code refusal} says
     */
    Optional<Admitted> take(String keyId, BigDecimal keyCap, BigDecimal amount, String callId,
                            Function<ReserveOutcome, Refusal> refusal) {
        BigDecimal draw = config.drawUsd(keyCap);
        if (amount.compareTo(draw) > 0) {
            return Optional.empty();
        }
        Lease lease = byKey.computeIfAbsent(keyId, k -> new Lease());
        synchronized (lease) {
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            if (lease.id != null && today.equals(lease.day) && !lease.dead && lease.draw.equals(draw) && drawn(keyId, lease, amount)) {
                return Optional.of(admit(keyId, lease, amount, callId));
            }
            if (System.nanoTime() - lease.unavailableUntil < 0) {
                // The ledger is slow or just failed: the callers behind this one must not queue on it
                // (a node whose database is gone fails closed at once, not after a line of waits).
                throw ledgerUnavailable();
            }
            settler.endNow(retire(keyId, lease), RETIRE_DEADLINE);
            if (today.equals(lease.nearCapOn)) {
                return Optional.empty();
            }
            String id = "L" + java.util.UUID.randomUUID().toString().replace("-", "");
            BigDecimal chunk = draw.multiply(BigDecimal.valueOf(LeaseConfig.DRAWS_PER_CHUNK));
            countRoundTrip.run();
            ReserveOutcome outcome;
            try {
                outcome = ledger.grantLease(id, keyId, keyCap, chunk, draw, config.ttl());
            } catch (RuntimeException e) {
                lease.unavailableUntil = System.nanoTime() + UNAVAILABLE_FOR.toNanos();
                throw e;
            }
            switch (outcome.outcome()) {
                case "reserved" -> {
                    lease.id = id;
                    lease.day = outcome.day();
                    lease.draw = draw;
                    lease.draws = 1;
                    lease.undrawn = chunk.subtract(draw);
                    lease.drawnLeft = draw;
                    lease.dead = false;
                    return Optional.of(admit(keyId, lease, amount, callId));
                }
                case "revoked", "expired", "frozen" -> throw refusal.apply(outcome);
                default -> {
                    lease.nearCapOn = outcome.day();
                    return Optional.empty();
                }
            }
        }
    }

    /** Called holding the lease's monitor, with {@code amount} drawn. */
    private Admitted admit(String keyId, Lease lease, BigDecimal amount, String callId) {
        lease.drawnLeft = lease.drawnLeft.subtract(amount);
        if (lease.drawnLeft.compareTo(lease.draw.divide(BigDecimal.valueOf(2))) < 0) {
            startDraw(keyId, lease);
        }
        return new Admitted(callId, new ReservationEnd.Drawn(keyId, lease.day, amount));
    }

    /**
     * Whether {@code amount} is drawn, waiting for a draw when it is not (one is started if none is
     * in flight). Called holding the lease's monitor, which the wait releases.
     *
     * @throws Refusal {@code error_unavailable} when the draw has not landed within {@code database.retry_deadline}
     */
    private boolean drawn(String keyId, Lease lease, BigDecimal amount) {
        // As long as the draw itself may retry conflicts: a draw through a Galera view change lands late, not never.
        long until = System.nanoTime() + ledger.retryDeadline().toNanos();
        String id = lease.id;
        while (lease.drawnLeft.compareTo(amount) < 0) {
            if (!id.equals(lease.id) || lease.dead || !lease.drawing && lease.undrawn.compareTo(lease.draw) < 0) {
                return false;
            }
            startDraw(keyId, lease);
            long left = until - System.nanoTime();
            if (left <= 0) {
                // The draw is still in flight: the ledger is slow. Asking it for a new lease now would
                // only queue this key's callers behind another wait.
                throw ledgerUnavailable();
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(lease, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return id.equals(lease.id);
    }

    /** Draws the next quarter in the background, unless one is in flight or none is left. Called holding the monitor. */
    private void startDraw(String keyId, Lease lease) {
        if (lease.drawing || lease.dead || lease.undrawn.compareTo(lease.draw) < 0) {
            return;
        }
        lease.drawing = true;
        String id = lease.id;
        int draws = lease.draws;
        BigDecimal draw = lease.draw;
        LocalDate day = lease.day;
        try {
            background.execute(() -> finishDraw(keyId, lease, id, draws, draw, day));
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            lease.drawing = false;
        }
    }

    private void finishDraw(String keyId, Lease lease, String id, int draws, BigDecimal draw, LocalDate day) {
        boolean made;
        try {
            countRoundTrip.run();
            made = ledger.drawLease(id, draws, draw, config.ttl());
        } catch (RuntimeException e) {
            LOG.debug("Could not draw from lease {}: {}", id, e.toString());
            made = false;
            synchronized (lease) {
                lease.unavailableUntil = System.nanoTime() + UNAVAILABLE_FOR.toNanos();
            }
        }
        synchronized (lease) {
            lease.drawing = false;
            if (made && id.equals(lease.id)) {
                lease.draws++;
                lease.undrawn = lease.undrawn.subtract(draw);
                lease.drawnLeft = lease.drawnLeft.add(draw);
            } else if (made) {
                // The lease ended while this draw was in flight: what it drew goes back too.
                settler.submit(ReservationEnd.drawn(id + "-d" + draws, new ReservationEnd.Drawn(keyId, day, draw), BigDecimal.ZERO, true));
            } else if (id.equals(lease.id)) {
                lease.dead = true;
            }
            lease.notifyAll();
        }
    }

    private static Refusal ledgerUnavailable() {
        return new Refusal(Code.ERROR_UNAVAILABLE, 503, "the spend ledger did not answer in time; try again shortly",
                "spend.ledger_unavailable");
    }

    /** What this node may still admit for the key from its lease. */
    BigDecimal available(String keyId) {
        Lease lease = byKey.get(keyId);
        if (lease == null) {
            return BigDecimal.ZERO;
        }
        synchronized (lease) {
            return lease.id == null ? BigDecimal.ZERO : lease.undrawn.add(lease.drawnLeft);
        }
    }

    /** Gives every lease back, in one batch: keys, switches or secrets changed, or the node stops. */
    void dropAll() {
        List<ReservationEnd> ends = new ArrayList<>();
        byKey.forEach((keyId, lease) -> {
            synchronized (lease) {
                ends.addAll(retire(keyId, lease));
                lease.nearCapOn = null;
            }
        });
        if (!ends.isEmpty()) {
            settler.endNow(ends, RETIRE_DEADLINE);
        }
    }

    /**
     * Gives the key's lease back, if it has money here (after a call reserved alone was refused
     * over the cap: the money this node holds may be what it needs).
     *
     * @return whether there was any to give back
     */
    boolean giveBack(String keyId) {
        Lease lease = byKey.get(keyId);
        if (lease == null) {
            return false;
        }
        synchronized (lease) {
            List<ReservationEnd> ends = retire(keyId, lease);
            settler.endNow(ends, RETIRE_DEADLINE);
            return !ends.isEmpty();
        }
    }

    /**
     * Ends the lease here and says what goes back: its row's undrawn money and what is left of its
     * draws. Callers end them at once if the database takes them within {@link #RETIRE_DEADLINE}
     * (so a reservation that follows sees the money), else they are journaled and retried. Called
     * holding the lease's monitor.
     */
    private List<ReservationEnd> retire(String keyId, Lease lease) {
        if (lease.id == null) {
            return List.of();
        }
        List<ReservationEnd> ends = new ArrayList<>(2);
        ends.add(ReservationEnd.released(lease.id));
        if (lease.drawnLeft.signum() > 0) {
            ends.add(ReservationEnd.drawn(lease.id + "-r", new ReservationEnd.Drawn(keyId, lease.day, lease.drawnLeft),
                    BigDecimal.ZERO, true));
        }
        lease.id = null;
        lease.undrawn = BigDecimal.ZERO;
        lease.drawnLeft = BigDecimal.ZERO;
        lease.dead = false;
        return ends;
    }

    /** Keeps this node's live leases from expiring. */
    private void renew() {
        List<String> live = new ArrayList<>();
        byKey.values().forEach(lease -> {
            synchronized (lease) {
                if (lease.id != null && !lease.dead) {
                    live.add(lease.id);
                }
            }
        });
        try {
            for (int from = 0; from < live.size(); from += 500) {
                ledger.renewLeases(live.subList(from, Math.min(live.size(), from + 500)), config.ttl());
            }
        } catch (RuntimeException e) {
            LOG.debug("Could not renew {} leases: {}", live.size(), e.toString());
        }
    }

    /** Gives back leases that nobody renewed (their node crashed, or lost the database). */
    private void reap() {
        try {
            int reaped = ledger.reapExpiredLeases();
            if (reaped > 0) {
                LOG.info("Gave back {} expired escrow leases (a node stopped renewing them)", reaped);
            }
        } catch (RuntimeException e) {
            LOG.debug("Could not reap expired leases: {}", e.toString());
        }
    }

    /** Stops drawing and renewing and gives every lease back (the node stops). */
    @Override
    public void close() throws InterruptedException {
        background.shutdown();
        background.awaitTermination(5, TimeUnit.SECONDS);
        dropAll();
    }
}
