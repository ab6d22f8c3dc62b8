package io.keyward.store;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ibatis.exceptions.PersistenceException;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;

/** The spend ledger: reserve (one round trip), settle or release, and reads for headers and the admin API. */
public final class SpendRepository {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SpendRepository.class);
    private final SqlSessionFactory sessions;
    /** How long a reservation keeps retrying conflicts before the call is answered 503 ({@code database.retry_deadline}). */
    private final Duration reserveDeadline;
    private final ConnectionLoss connectionLoss;
    private volatile SpendFaults faults = SpendFaults.NONE;
    private final AtomicLong reserveRetries = new AtomicLong();
    private final AtomicLong foundCommitted = new AtomicLong();
    private final AtomicInteger endAttempts = new AtomicInteger();

    SpendRepository(SqlSessionFactory sessions, ConnectionLoss connectionLoss, Duration reserveDeadline) {
        this.sessions = sessions;
        this.reserveDeadline = reserveDeadline;
        this.connectionLoss = connectionLoss;
    }

    /** How long a reservation, lease grant or draw keeps retrying conflicts ({@code database.retry_deadline}). */
    public Duration retryDeadline() {
        return reserveDeadline;
    }

    /** Test-only: failures to inject around the reservation and settle statements. */
    public void injectFaults(SpendFaults faults) {
        this.faults = faults == null ? SpendFaults.NONE : faults;
    }

    /**
     * Reserves exactly once under {@code reservationId}, however often the attempt must be repeated:
     * a conflict (Galera's 1213 certification failure, a deadlock, a lock wait, a node not ready) is
     * tried again with backoff until {@code database.retry_deadline}, and so is one lost connection. A
     * repeat after an attempt that did commit (a 1213 reported for a commit that took effect, an
     * answer lost with the connection) finds that attempt's row and answers {@code reserved} for it,
     * holding nothing more — never a second reservation, never a false {@code over_key_cap}.
     */
    public ReserveOutcome reserveOnce(String reservationId, ReserveCall call) {
        return once(reservationId, call, mapper -> mapper.reserveOnce(reservationId, call));
    }

    /**
     * Grants an escrow lease exactly once under {@code leaseId} (sql/V12): {@code amount} reserved on
     * the key's row, the lease's row holding what is not yet drawn, expiring {@code ttl} from now
     * unless renewed. Retried like {@link #reserveOnce}.
     */
    public ReserveOutcome grantLease(String leaseId, String keyId, BigDecimal keyCap, BigDecimal amount, BigDecimal drawn, Duration ttl) {
        ReserveCall call = new ReserveCall(keyId, amount, keyCap, null, null, null, null, null, null);
        return once(leaseId, call, mapper -> mapper.leaseOnce(leaseId, keyId, amount, drawn, ttl.toMillis()));
    }

    /** One reservation or lease under its id, conflicts retried until {@code database.retry_deadline}. */
    private ReserveOutcome once(String id, ReserveCall call, java.util.function.Function<SpendMapper, ReserveOutcome> attempt) {
        long started = System.nanoTime();
        long deadline = started + reserveDeadline.toNanos();
        int rowsCreated = 0;
        boolean reconnected = false;
        for (int attemptNo = 1; ; attemptNo++) {
            try (SqlSession s = sessions.openSession(true)) {
                SpendMapper mapper = s.getMapper(SpendMapper.class);
                faults.beforeReserve(id, attemptNo);
                ReserveOutcome outcome = attempt.apply(mapper);
                faults.afterReserve(id, attemptNo);
                switch (outcome.outcome()) {
                    case "already_reserved" -> {
                        foundCommitted.incrementAndGet();
                        return new ReserveOutcome("reserved", outcome.day());
                    }
                    case "no_ledger_row" -> {
                        if (++rowsCreated >= MAX_ATTEMPTS) {
                            throw new IllegalStateException("ledger rows missing after creating them");
                        }
                        mapper.ensureRows(call);
                    }
                    default -> {
                        return outcome;
                    }
                }
            } catch (SQLException | PersistenceException e) {
                boolean lost = ConnectionLoss.lostConnection(e);
                boolean again = Conflicts.retryable(e) || Conflicts.duplicateId(e) || lost && !reconnected;
                long pause = backoffMillis(attemptNo);
                if (!again || System.nanoTime() + pause * 1_000_000 > deadline) {
                    if (again) {
                        // Names the setting: a 503 here on a healthy node means the deadline is shorter than what it waited through.
                        LOG.warn("Reservation given up after {} attempt(s) in {} ms of conflicts (database.retry_deadline: {} ms)",
                                attemptNo, (System.nanoTime() - started) / 1_000_000, reserveDeadline.toMillis());
                    }
                    throw e instanceof PersistenceException pe ? pe : new PersistenceException(e);
                }
                if (lost) {
                    reconnected = true;
                    connectionLoss.evictIdle();
                }
                reserveRetries.incrementAndGet();
                sleep(pause);
            }
        }
    }

    /**
     * Draws {@code amount} from a live lease as its draw number {@code draws + 1}, renewing it.
     * Idempotent by that number: a retry after a conflict, or after an attempt whose answer was
     * lost, finds the draw made and answers true without drawing again.
     *
     * @return false when the lease is no longer live (expired and given back, ended), cannot cover
     *     the amount, or its key was revoked, expired or switched off
     */
    public boolean drawLease(String leaseId, int draws, BigDecimal amount, Duration ttl) {
        long deadline = System.nanoTime() + reserveDeadline.toNanos();
        for (int attempt = 1; ; attempt++) {
            try (SqlSession s = sessions.openSession(true)) {
                SpendMapper mapper = s.getMapper(SpendMapper.class);
                faults.beforeReserve(leaseId, attempt);
                if (mapper.drawLease(leaseId, draws, amount, ttl.toMillis()) == 1) {
                    faults.afterReserve(leaseId, attempt);
                    return true;
                }
                Integer made = mapper.leaseDraws(leaseId);
                if (made != null && made == draws + 1) {
                    foundCommitted.incrementAndGet();
                    return true;
                }
                return false;
            } catch (SQLException | PersistenceException e) {
                long pause = backoffMillis(attempt);
                if (!(Conflicts.retryable(e) || ConnectionLoss.lostConnection(e)) || System.nanoTime() + pause * 1_000_000 > deadline) {
                    throw e instanceof PersistenceException pe ? pe : new PersistenceException(e);
                }
                reserveRetries.incrementAndGet();
                sleep(pause);
            }
        }
    }

    /** Moves these live leases' expiry to {@code ttl} from now; one that has ended is left alone. */
    public int renewLeases(java.util.Collection<String> leaseIds, Duration ttl) {
        if (leaseIds.isEmpty()) {
            return 0;
        }
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(SpendMapper.class).renewLeases(leaseIds, ttl.toMillis());
        }
    }

    /**
     * Gives back what expired leases had not drawn, whichever node held them (a node that stopped
     * renewing has crashed or lost the database): in one transaction, each lease ends and its
     * undrawn money leaves {@code reserved_usd}. Money drawn from it stays reserved: its calls may
     * have reached the vendor. A lease renewed meanwhile is no longer selected, and a node that
     * reaps at the same time finds it ended.
     *
     * @return how many leases were given back
     */
    public int reapExpiredLeases() {
        try (SqlSession s = sessions.openSession(false)) {
            SpendMapper mapper = s.getMapper(SpendMapper.class);
            List<HeldReservation> expired = mapper.lockExpiredLeases(200);
            Budgets perBudget = new Budgets();
            for (HeldReservation lease : expired) {
                mapper.endReservation(lease.id(), "released", BigDecimal.ZERO);
                perBudget.add(lease.keyId(), lease.day(), lease.runId(), lease.agent(), lease.amountUsd(), BigDecimal.ZERO);
            }
            perBudget.settle(mapper);
            s.commit();
            return expired.size();
        }
    }

    /** What a batch moves out of reserved (and into spent), merged per budget row. */
    private static final class Budgets {
        private final Map<List<Object>, SettleCall> rows = new TreeMap<>(java.util.Comparator.comparing(Object::toString));

        void add(String keyId, LocalDate day, String runId, String agent, BigDecimal reserved, BigDecimal spent) {
            rows.merge(java.util.Arrays.asList(keyId, day, runId, agent), new SettleCall(keyId, day, runId, agent, reserved, spent),
                    (a, b) -> new SettleCall(a.keyId(), a.day(), a.runId(), a.agent(), a.reserved().add(b.reserved()), a.spent().add(b.spent())));
        }

        /** Budget rows in one order on every node, so two batches never wait on each other in a circle. */
        void settle(SpendMapper mapper) {
            rows.values().forEach(mapper::settle);
        }
    }

    /** 5, 10, 20 ... ms, at most 160, with jitter so that nodes that collided do not collide again in step. */
    static long backoffMillis(int attempt) {
        long base = 5L << Math.min(attempt - 1, 5);
        return base + ThreadLocalRandom.current().nextLong(base);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PersistenceException("interrupted while waiting to retry", e);
        }
    }

    /** Attempts repeated after a conflict or a lost connection, since start. */
    public long reserveRetries() {
        return reserveRetries.get();
    }

    /** Retries that found their own earlier attempt committed (and so reserved nothing more). */
    public long reservesFoundCommitted() {
        return foundCommitted.get();
    }

    /**
     * Ends reservations in one transaction: each still held moves to settled or released, and the
     * money it holds moves out of {@code reserved_usd} (into {@code spent_usd} as spent), one UPDATE
     * per budget row for the whole batch; a released one forgets its Idempotency-Key. One already
     * ended is left alone: ending is idempotent, so a batch whose commit was reported failed but
     * took effect can simply be sent again.
     *
     * @return the ids that are ended now (by this call or before); an id missing from it has no row here
     * @throws PersistenceException the batch was not committed (try again later)
     */
    public Set<String> end(List<ReservationEnd> ends) {
        Map<String, ReservationEnd> byId = new TreeMap<>();
        ends.forEach(e -> byId.put(e.reservationId(), e));
        Set<String> ended = new HashSet<>();
        try (SqlSession s = sessions.openSession(false)) {
            SpendMapper mapper = s.getMapper(SpendMapper.class);
            Budgets perBudget = new Budgets();
            List<String> withRows = new ArrayList<>();
            for (ReservationEnd end : byId.values()) {
                if (end.drawn() == null) {
                    withRows.add(end.reservationId());
                    continue;
                }
                ended.add(end.reservationId());
                ReservationEnd.Drawn drawn = end.drawn();
                if (mapper.insertEnded(end.reservationId(), drawn, state(end), end.spentUsd()) == 1) {
                    perBudget.add(drawn.keyId(), drawn.day(), null, null, drawn.reservedUsd(), end.spentUsd());
                }
            }
            List<String[]> forget = new ArrayList<>();
            for (HeldReservation row : withRows.isEmpty() ? List.<HeldReservation>of() : mapper.lockReservations(withRows)) {
                ended.add(row.id());
                if (!row.held()) {
                    continue;
                }
                ReservationEnd end = byId.get(row.id());
                mapper.endReservation(row.id(), state(end), end.spentUsd());
                perBudget.add(row.keyId(), row.day(), row.runId(), row.agent(), row.amountUsd(), end.spentUsd());
                if (end.released() && row.idempotencyKey() != null) {
                    forget.add(new String[] {row.keyId(), row.idempotencyKey()});
                }
            }
            perBudget.settle(mapper);
            forget.forEach(f -> mapper.forgetIdempotencyKey(f[0], f[1]));
            int attempt = endAttempts.incrementAndGet();
            faults.beforeEndCommit(attempt);
            s.commit();
            faults.afterEndCommit(attempt);
        } catch (SQLException injected) {
            throw new PersistenceException(injected);
        }
        return ended;
    }

    private static String state(ReservationEnd end) {
        return end.released() ? "released" : "settled";
    }

    /** Forgets ended (and long-dead) reservation rows older than two days, a bounded number at a time. */
    public int purgeOldReservations() {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(SpendMapper.class).purgeReservations(1000);
        }
    }

    private static final int MAX_ATTEMPTS = 3;

    /** Records that the vendor answered the first call made with this Idempotency-Key. */
    public void markAnswered(String keyId, String idempotencyKey) {
        try (SqlSession s = sessions.openSession(true)) {
            s.getMapper(SpendMapper.class).markIdempotencyAnswered(keyId, idempotencyKey);
        }
    }

    /** Whether the first call made with this Idempotency-Key (in its current use) was answered. */
    public boolean answered(String keyId, String idempotencyKey) {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(SpendMapper.class).idempotencyAnswered(keyId, idempotencyKey);
        }
    }

    /** A key's (or agent's) row for today, or a run's row. */
    public Optional<LedgerRow> current(String scope, String scopeId) {
        try (SqlSession s = sessions.openSession(true)) {
            return Optional.ofNullable(s.getMapper(SpendMapper.class).row(scope, scopeId, !scope.equals("run")));
        }
    }

    public Optional<LedgerRow> on(String scope, String scopeId, LocalDate day) {
        try (SqlSession s = sessions.openSession(true)) {
            return Optional.ofNullable(s.getMapper(SpendMapper.class).rowOn(scope, scopeId, day));
        }
    }

    public List<LedgerRow> keyRows(String agentName, String agentRunId, LocalDate day) {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(SpendMapper.class).keyRows(agentName, agentRunId, day);
        }
    }

    public LocalDate today() {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(SpendMapper.class).today();
        }
    }
}
