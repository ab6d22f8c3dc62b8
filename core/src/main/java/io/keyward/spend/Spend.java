package io.keyward.spend;

import io.keyward.config.SpendConfig;
import io.keyward.decision.Code;
import io.keyward.decision.Refusal;
import io.keyward.contract.Estimate;
import io.keyward.contract.Vendor;
import io.keyward.forward.ForwardResult;
import io.keyward.key.VaultKey;
import io.keyward.money.Usd;
import io.keyward.request.CallRequest;
import io.keyward.route.Route;
import io.keyward.store.LedgerRow;
import io.keyward.store.ReserveCall;
import io.keyward.store.ReservationEnd;
import io.keyward.store.ReserveOutcome;
import io.keyward.store.SpendRepository;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spend cap, before and after the call. Before: the call is priced from the request and the
 * price reserved against every budget of the key in one database round trip, all or nothing, and
 * only if the key is still unrevoked and unexpired; over a cap the call goes no further. After:
 * the reservation is settled with the cost the vendor states (or the estimate), or released when
 * the vendor certainly did not act. Settling happens off the request thread, by the reservation's
 * id, journaled on local disk and retried until it lands ({@link Settler}); a call admitted from an
 * escrow lease ({@link Leases}) too. The id is the call's request id.
 */
public final class Spend implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Spend.class);
    private static final Duration BUDGET_FRESHNESS = Duration.ofSeconds(1);
    private static final LocalDate RUN_DAY = LocalDate.EPOCH;
    /** How long the request thread tries to release an Idempotency-Key's reservation before answering. */
    private static final Duration RELEASE_DEADLINE = Duration.ofSeconds(2);

    private final SpendRepository ledger;
    private final SpendConfig config;
    private final Map<String, Seen> budgets = new ConcurrentHashMap<>();
    private final AtomicLong roundTrips = new AtomicLong();
    /** Null when {@code spend.lease_usd} is off. */
    private final Leases leases;

    /** A key's ledger row as last read, and when. */
    private record Seen(BigDecimal remaining, long readAtNanos) {
    }

    /** Settles and releases of per-call reservations, by id, retried until they land; journaled when a folder was given. */
    private final Settler byId;

    public Spend(SpendRepository ledger, SpendConfig config) {
        this(ledger, config, null);
    }

    /**
     * @param journalDir where settles this node owes are kept across restarts (the audit spool
     *     folder); null keeps them in memory only
     */
    public Spend(SpendRepository ledger, SpendConfig config, java.nio.file.Path journalDir) {
        this.ledger = ledger;
        this.config = config;
        try {
            this.byId = new Settler(ledger, journalDir == null ? null : new SettleJournal(journalDir));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot open the settle journal in " + journalDir, e);
        }
        this.leases = config.leases().on() ? new Leases(config.leases(), ledger, byId, roundTrips::incrementAndGet) : null;
    }

    /**
     * Prices and reserves a money-moving call; other calls hold nothing.
     *
     * @return what was reserved, with the estimate for the audit row
     * @throws Refusal over a cap, for a key without a cap, or when the cost cannot be known and no ceiling is configured
     */
    public Reservation reserve(VaultKey key, Route route, CallRequest call, String requestId) {
        if (call.operation() == null || !call.operation().moneyMoving()) {
            return Reservation.NONE;
        }
        BigDecimal keyCap = key.dailyUsdCap() != null ? key.dailyUsdCap() : config.defaultDailyUsdCap();
        if (keyCap == null) {
            throw new Refusal(Code.DENIED_SPEND_CAP, 403, "vault key " + key.id()
                    + " has no daily_usd_cap, so it cannot move money", "spend.no_cap");
        }
        Vendor vendor = route.vendor();
        Estimate estimate = vendor.costs().estimate(call.operation(), call.params());
        BigDecimal amount = estimate.known() ? estimate.usd() : config.unknownCostCeilingUsd();
        if (amount == null) {
            throw new Refusal(Code.DENIED_SPEND_CAP, 403, "the cost of this call cannot be read from the request ("
                    + estimate.basis() + ")", "spend.unknown_cost");
        }
        String runId = key.runUsdCap() != null && key.agentRunId() != null ? key.agentRunId() : null;
        BigDecimal agentCap = config.agentDailyUsdCaps().get(key.agentName());
        // A retry is free only where the vendor itself answers a repeat without acting again.
        String idempotencyKey = vendor.deduplicatesIdempotentRetries() ? call.idempotencyKey() : null;
        if (leases != null && idempotencyKey == null && runId == null && agentCap == null) {
            // Retries with an Idempotency-Key need the database to be recognised, and run and agent
            // budgets are shared beyond this key: those calls are reserved one by one below.
            Optional<Leases.Admitted> leased = leases.take(key.id(), keyCap, amount, requestId, outcome -> refusal(key, outcome, amount));
            if (leased.isPresent()) {
                Leases.Admitted admitted = leased.get();
                return new Reservation(key.id(), admitted.drawn().day(), amount, null, null, false, null, admitted.id(), admitted.drawn());
            }
        }
        ReserveCall reserve = new ReserveCall(key.id(), amount, keyCap, idempotencyKey,
                idempotencyKey == null ? null : io.keyward.request.CallFingerprint.sha256(vendor, call),
                runId, runId == null ? null : key.runUsdCap(), agentCap == null ? null : key.agentName(), agentCap);
        // The call's request id: unique, chosen before the first attempt, and it ties the reservation's
        // row to the call's audit row.
        String reservationId = requestId;
        ReserveOutcome outcome = reserveAlone(reservationId, reserve);
        if (outcome.outcome().equals("over_key_cap") && leases != null && leases.giveBack(key.id())) {
            // This node's own lease may hold what the call needs: asked again without it. The first
            // attempt reserved nothing, but a release may be owed under its id: a second id.
            reservationId = requestId + "-2";
            outcome = reserveAlone(reservationId, reserve);
        }
        Reservation reservation = new Reservation(key.id(), outcome.day(), amount, runId,
                agentCap == null ? null : key.agentName(), outcome.outcome().equals("replay"), idempotencyKey, reservationId, null);
        switch (outcome.outcome()) {
            case "reserved" -> {
                budgets.computeIfPresent(key.id(), (id, seen) -> new Seen(seen.remaining().subtract(amount), seen.readAtNanos()));
                return reservation;
            }
            case "replay" -> {
                // Free only once the first call was answered: while it is still at the vendor it may
                // yet fail and give its reservation back, and this retry would then move money that
                // nothing covers. The retry changes nothing and may come again.
                if (!ledger.answered(key.id(), idempotencyKey)) {
                    throw new Refusal(Code.DENIED_MALFORMED, 409, "a call with this Idempotency-Key is still in flight;"
                            + " retry once it has been answered", "spend.idempotency_in_flight");
                }
                return reservation;
            }
            default -> throw refusal(key, outcome, amount);
        }
    }

    /** One reservation under its id, chosen before the first attempt: however often it is retried, the money is held once. */
    private ReserveOutcome reserveAlone(String reservationId, ReserveCall reserve) {
        roundTrips.incrementAndGet();
        try {
            return ledger.reserveOnce(reservationId, reserve);
        } catch (RuntimeException e) {
            // The call is refused and goes nowhere. An attempt may have committed before the failure
            // (its answer lost with the connection): give that back by id; if none did, nothing is found.
            byId.submit(ReservationEnd.released(reservationId));
            throw e;
        }
    }

    private Refusal refusal(VaultKey key, ReserveOutcome outcome, BigDecimal amount) {
        return switch (outcome.outcome()) {
            case "revoked" -> new Refusal(Code.DENIED_REVOKED, "vault key " + key.id() + " was revoked");
            case "expired" -> new Refusal(Code.DENIED_EXPIRED, "vault key " + key.id() + " has expired");
            case "frozen" -> Refusal.killSwitch(key.vendor());
            case "idempotency_mismatch" -> new Refusal(Code.DENIED_MALFORMED, 400,
                    "this Idempotency-Key was already used for a different request", "spend.idempotency_key");
            default -> {
                budgets.remove(key.id());
                String budget = outcome.outcome().substring("over_".length(), outcome.outcome().length() - "_cap".length());
                Long retryAfter = budget.equals("run") ? null : secondsToNextReset();
                yield new Refusal(Code.DENIED_SPEND_CAP, 429, "this call ($" + Usd.format(amount) + ") would exceed the "
                        + budget + " spend cap", "spend." + budget + "_cap", retryAfter);
            }
        };
    }

    /** Reservation round trips to MariaDB so far (per-call reservations and lease chunks). */
    public long reservationRoundTrips() {
        return roundTrips.get();
    }

    /**
     * Gives back every escrow lease's unused money: a key, switch or secret changed somewhere (the
     * revoke poll saw it), so no call may be admitted without asking the database again.
     */
    public void dropLeases() {
        if (leases != null) {
            leases.dropAll();
        }
    }

    /**
     * Settles after the vendor answered: a 2xx with the cost the vendor states, else the estimate;
     * a 4xx other than 409 means the vendor did not act, so the reservation is released; a 5xx,
     * a 409 or an answer that broke off may hide an action, so the estimate is kept in full.
     */
    public Settlement settle(Reservation reservation, Route route, CallRequest call, ForwardResult result) {
        int status = result.status();
        if (status >= 400 && status < 500 && status != 409) {
            return afterFailure(reservation, false);
        }
        if (status >= 300 || !result.complete()) {
            return afterFailure(reservation, true);
        }
        if (!reservation.holdsMoney()) {
            return Settlement.NOTHING;
        }
        BigDecimal spent = route.vendor().costs().actual(call.operation(), result.bodyCopy()).orElse(reservation.estimateUsd());
        // Owed before anything else may fail: marking the Idempotency-Key answered needs the database.
        settleLater(reservation, spent);
        answered(reservation);
        return new Settlement(spent, null);
    }

    /**
     * Ends a reservation whose call failed: kept in full when the vendor may have acted (a timeout,
     * a 5xx), released when it certainly did not (the connection was refused, a 4xx).
     */
    public Settlement afterFailure(Reservation reservation, boolean vendorMayHaveActed) {
        if (!reservation.holdsMoney()) {
            return Settlement.NOTHING;
        }
        if (!vendorMayHaveActed) {
            if (reservation.drawn() != null) {
                byId.submit(ReservationEnd.drawn(reservation.id(), reservation.drawn(), BigDecimal.ZERO, true));
            } else if (reservation.idempotencyKey() != null) {
                // Before the agent hears of the failure: a retry with this key must find the
                // reservation gone and reserve again, never ride on one that was given back. If the
                // release cannot land in time it lands later; until then the key's first call was
                // never answered, so a retry is refused 409 (in flight), never let through for free.
                byId.endNow(java.util.List.of(ReservationEnd.released(reservation.id())), RELEASE_DEADLINE);
            } else {
                byId.submit(ReservationEnd.released(reservation.id()));
            }
            return Settlement.NOTHING;
        }
        settleLater(reservation, reservation.estimateUsd());
        answered(reservation);
        return new Settlement(reservation.estimateUsd(), Settlement.KEPT);
    }

    /** Before the agent hears the answer, so its retries from then on are free; only calls made under a key. */
    private void answered(Reservation reservation) {
        if (reservation.idempotencyKey() != null) {
            ledger.markAnswered(reservation.keyId(), reservation.idempotencyKey());
        }
    }

    private void settleLater(Reservation reservation, BigDecimal spent) {
        byId.submit(reservation.drawn() != null ? ReservationEnd.drawn(reservation.id(), reservation.drawn(), spent, false)
                : ReservationEnd.settled(reservation.id(), spent));
    }

    /** What this node's escrow lease on the key still holds (part of the key's {@code reserved_usd}): zero without one. */
    public BigDecimal leased(String keyId) {
        return leases == null ? BigDecimal.ZERO : leases.available(keyId);
    }

    /** The key's remaining daily budget as this node last read it (at most a second old). */
    public Budget budget(VaultKey key) {
        BigDecimal cap = key.dailyUsdCap() != null ? key.dailyUsdCap() : config.defaultDailyUsdCap();
        Instant reset = nextReset();
        if (cap == null) {
            return new Budget(BigDecimal.ZERO, reset);
        }
        Seen seen = budgets.get(key.id());
        if (seen == null || System.nanoTime() - seen.readAtNanos() > BUDGET_FRESHNESS.toNanos()) {
            BigDecimal remaining = ledger.current("key", key.id())
                    .map(row -> row.capUsd().subtract(row.spentUsd()).subtract(row.reservedUsd()))
                    .orElse(cap);
            seen = new Seen(remaining, System.nanoTime());
            budgets.put(key.id(), seen);
            if (budgets.size() > 100_000) {
                budgets.entrySet().stream().min(Comparator.comparingLong(e -> e.getValue().readAtNanos()))
                        .ifPresent(e -> budgets.remove(e.getKey()));
            }
        }
        BigDecimal leased = leases == null ? BigDecimal.ZERO : leases.available(key.id());
        return new Budget(seen.remaining().add(leased).max(BigDecimal.ZERO), reset);
    }

    /** Waits until every settle handed over so far is written, retries included (tests, shutdown). */
    public boolean flush(Duration timeout) throws InterruptedException {
        return byId.flush(timeout);
    }

    /** Settles and releases owed to the ledger and not yet in it (journaled). */
    public int pendingSettles() {
        return byId.pending();
    }

    /** Settle batches that failed and were tried again, since start. */
    public long settleRetries() {
        return byId.failedAttempts();
    }

    static Instant nextReset() {
        return LocalDate.now(ZoneOffset.UTC).plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    private static long secondsToNextReset() {
        return Math.max(1, Duration.between(Instant.now(), nextReset()).getSeconds());
    }

    @Override
    public void close() throws InterruptedException {
        if (leases != null) {
            leases.close();
        }
        try {
            byId.close();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            LOG.warn("Could not close the settle journal: {}", e.toString());
        }
    }

    /** For the admin API: a budget's row on a day, if it was ever touched. */
    public Optional<LedgerRow> row(String scope, String scopeId, LocalDate day) {
        return ledger.on(scope, scopeId, scope.equals("run") ? RUN_DAY : day);
    }
}
