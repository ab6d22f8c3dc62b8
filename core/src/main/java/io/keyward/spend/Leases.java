package io.keyward.spend;

import io.keyward.decision.Refusal;
import io.keyward.store.ReserveCall;
import io.keyward.store.ReserveOutcome;
import io.keyward.store.SettleCall;
import io.keyward.store.SpendRepository;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Escrow leases: this node reserves a chunk of a key's daily budget in MariaDB with the same
 * conditional reservation a single call uses (so the chunk can never exceed the cap, and is only
 * granted to an unrevoked, unexpired, unswitched key), then admits that key's calls from the chunk
 * in memory, with no database round trip. A call the chunk cannot cover retires it (what is left
 * goes back to the ledger) and takes a new one; once less than half a chunk is left, the next one is
 * reserved in the background; when no chunk fits under the cap any more the caller reserves the
 * call alone, so the last of the budget is still spent exactly.
 *
 * <p>Calls admitted from a lease settle like any other (reserved minus the estimate, spent plus
 * what was spent), so the ledger always holds {@code spent + reserved <= cap}. A revoke, kill
 * switch or expiry anywhere drops every lease at this node's next revoke poll; what a node that
 * crashed held stays reserved until the day's budget resets: under-use, never overshoot.
 */
final class Leases {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Leases.class);
    private final BigDecimal chunk;
    private final SpendRepository ledger;
    private final Consumer<SettleCall> settle;
    private final Runnable countRoundTrip;
    private final Map<String, Lease> byKey = new ConcurrentHashMap<>();
    private final java.util.concurrent.ExecutorService topUps = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "keyward-lease-top-up");
        t.setDaemon(true);
        return t;
    });

    /** This node's lease on one key. Guarded by its own monitor. */
    private static final class Lease {
        private LocalDate day;
        private BigDecimal available = BigDecimal.ZERO;
        /** The day on which no chunk fitted under the cap any more: until it ends, calls are reserved one by one. */
        private LocalDate nearCapOn;
        /** Moves whenever the lease is given back, so a top-up that lands afterwards is given back too. */
        private long generation;
        private boolean toppingUp;
    }

    Leases(BigDecimal chunk, SpendRepository ledger, Consumer<SettleCall> settle, Runnable countRoundTrip) {
        this.chunk = chunk;
        this.ledger = ledger;
        this.settle = settle;
        this.countRoundTrip = countRoundTrip;
    }

    /**
     * Takes {@code amount} from the key's lease, taking a new chunk first if needed.
     *
     * @return the ledger day the money is held on, or empty when no chunk fits under the cap (the
     *     caller then reserves the call alone)
     * @throws Refusal the key is revoked, expired or switched off, as {@code refusal} says
     */
    Optional<LocalDate> take(String keyId, BigDecimal keyCap, BigDecimal amount, Function<ReserveOutcome, Refusal> refusal) {
        Lease lease = byKey.computeIfAbsent(keyId, k -> new Lease());
        synchronized (lease) {
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            if (lease.day != null && lease.day.equals(today) && lease.available.compareTo(amount) >= 0) {
                lease.available = lease.available.subtract(amount);
                topUpIfLow(keyId, keyCap, lease);
                return Optional.of(lease.day);
            }
            retire(keyId, lease);
            if (today.equals(lease.nearCapOn)) {
                return Optional.empty();
            }
            BigDecimal size = chunk.max(amount);
            countRoundTrip.run();
            ReserveOutcome outcome = ledger.reserve(new ReserveCall(keyId, size, keyCap, null, null, null, null, null, null));
            switch (outcome.outcome()) {
                case "reserved" -> {
                    lease.day = outcome.day();
                    lease.available = size.subtract(amount);
                    topUpIfLow(keyId, keyCap, lease);
                    return Optional.of(outcome.day());
                }
                case "revoked", "expired", "frozen" -> throw refusal.apply(outcome);
                default -> {
                    lease.nearCapOn = outcome.day();
                    return Optional.empty();
                }
            }
        }
    }

    /**
     * Once less than half a chunk is left, reserves the next chunk in the background, so the calls
     * that come next find money in the lease instead of waiting for the database. Called holding
     * the lease's monitor.
     */
    private void topUpIfLow(String keyId, BigDecimal keyCap, Lease lease) {
        LocalDate day = lease.day;
        if (lease.toppingUp || day == null || day.equals(lease.nearCapOn)
                || lease.available.compareTo(chunk.divide(BigDecimal.valueOf(2))) >= 0) {
            return;
        }
        lease.toppingUp = true;
        long generation = lease.generation;
        try {
            topUps.execute(() -> topUp(keyId, keyCap, lease, generation, day));
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            lease.toppingUp = false;
        }
    }

    private void topUp(String keyId, BigDecimal keyCap, Lease lease, long generation, LocalDate day) {
        ReserveOutcome outcome;
        try {
            countRoundTrip.run();
            outcome = ledger.reserve(new ReserveCall(keyId, chunk, keyCap, null, null, null, null, null, null));
        } catch (RuntimeException e) {
            synchronized (lease) {
                lease.toppingUp = false;
            }
            return;
        }
        synchronized (lease) {
            lease.toppingUp = false;
            if (outcome.outcome().equals("reserved")) {
                if (lease.generation == generation && day.equals(lease.day) && day.equals(outcome.day())) {
                    lease.available = lease.available.add(chunk);
                } else {
                    giveBack(keyId, outcome.day(), chunk);
                }
            } else if (outcome.outcome().startsWith("over_")) {
                lease.nearCapOn = outcome.day();
            }
            // revoked, expired, frozen: the next revoke poll drops the lease; nothing was reserved.
        }
    }

    /** What this node may still admit for the key from its lease. */
    BigDecimal available(String keyId) {
        Lease lease = byKey.get(keyId);
        if (lease == null) {
            return BigDecimal.ZERO;
        }
        synchronized (lease) {
            return lease.available;
        }
    }

    /** Gives every lease's rest back to the ledger: keys, switches or secrets changed, or the node stops. */
    void dropAll() {
        byKey.forEach((keyId, lease) -> {
            synchronized (lease) {
                retire(keyId, lease);
                lease.nearCapOn = null;
            }
        });
    }

    /**
     * Gives the rest back at once (not queued), so the reservation that may follow sees it. If the
     * database cannot take it, it stays reserved: under-use until the day resets, never overshoot.
     */
    private void retire(String keyId, Lease lease) {
        if (lease.day != null && lease.available.signum() > 0) {
            giveBack(keyId, lease.day, lease.available);
        }
        lease.day = null;
        lease.available = BigDecimal.ZERO;
        lease.generation++;
    }

    private void giveBack(String keyId, LocalDate day, BigDecimal amount) {
        try {
            settle.accept(new SettleCall(keyId, day, null, null, amount, BigDecimal.ZERO));
        } catch (RuntimeException e) {
            LOG.warn("Could not give back the rest of a lease on key {}: {}", keyId, e.getClass().getSimpleName());
        }
    }

    /** Stops topping up and gives every lease back (the node stops). */
    void close() throws InterruptedException {
        topUps.shutdown();
        topUps.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        dropAll();
    }
}
