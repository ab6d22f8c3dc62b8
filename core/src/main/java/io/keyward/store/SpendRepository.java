package io.keyward.store;

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
        long started = System.nanoTime();
        long deadline = started + reserveDeadline.toNanos();
        int rowsCreated = 0;
        boolean reconnected = false;
        for (int attempt = 1; ; attempt++) {
            try (SqlSession s = sessions.openSession(true)) {
                SpendMapper mapper = s.getMapper(SpendMapper.class);
                faults.beforeReserve(reservationId, attempt);
                ReserveOutcome outcome = mapper.reserveOnce(reservationId, call);
                faults.afterReserve(reservationId, attempt);
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
                long pause = backoffMillis(attempt);
                if (!again || System.nanoTime() + pause * 1_000_000 > deadline) {
                    if (again) {
                        // Names the setting: a 503 here on a healthy node means the deadline is shorter than what it waited through.
                        LOG.warn("Reservation given up after {} attempt(s) in {} ms of conflicts (database.retry_deadline: {} ms)",
                                attempt, (System.nanoTime() - started) / 1_000_000, reserveDeadline.toMillis());
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
            Map<List<Object>, SettleCall> perBudget = new TreeMap<>(java.util.Comparator.comparing(Object::toString));
            List<String[]> forget = new ArrayList<>();
            for (HeldReservation row : mapper.lockReservations(new ArrayList<>(byId.keySet()))) {
                ended.add(row.id());
                if (!row.held()) {
                    continue;
                }
                ReservationEnd end = byId.get(row.id());
                mapper.endReservation(row.id(), end.released() ? "released" : "settled", end.spentUsd());
                SettleCall call = new SettleCall(row.keyId(), row.day(), row.runId(), row.agent(), row.amountUsd(), end.spentUsd());
                perBudget.merge(java.util.Arrays.asList(row.keyId(), row.day(), row.runId(), row.agent()), call,
                        (a, b) -> new SettleCall(a.keyId(), a.day(), a.runId(), a.agent(),
                                a.reserved().add(b.reserved()), a.spent().add(b.spent())));
                if (end.released() && row.idempotencyKey() != null) {
                    forget.add(new String[] {row.keyId(), row.idempotencyKey()});
                }
            }
            // Budget rows in one order on every node, so two batches never wait on each other in a circle.
            perBudget.values().forEach(mapper::settle);
            forget.forEach(f -> mapper.forgetIdempotencyKey(f[0], f[1]));
            faults.beforeEndCommit(endAttempts.incrementAndGet());
            s.commit();
        } catch (SQLException injected) {
            throw new PersistenceException(injected);
        }
        return ended;
    }

    /** Forgets ended (and long-dead) reservation rows older than two days, a bounded number at a time. */
    public int purgeOldReservations() {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(SpendMapper.class).purgeReservations(1000);
        }
    }

    /**
     * Reserves in one round trip on the hot path. The first reservation of a budget's day creates
     * its rows first (their own transaction); a deadlock, which the procedure rolled back whole, is
     * tried again.
     */
    public ReserveOutcome reserve(ReserveCall call) {
        for (int attempt = 1; ; attempt++) {
            try (SqlSession s = sessions.openSession(true)) {
                SpendMapper mapper = s.getMapper(SpendMapper.class);
                ReserveOutcome outcome = mapper.reserve(call);
                if (!outcome.outcome().equals("no_ledger_row")) {
                    return outcome;
                }
                mapper.ensureRows(call);
                if (attempt >= MAX_ATTEMPTS) {
                    throw new IllegalStateException("ledger rows missing after creating them");
                }
            } catch (org.apache.ibatis.exceptions.PersistenceException e) {
                if (attempt >= MAX_ATTEMPTS || !(e.getCause() instanceof java.sql.SQLTransactionRollbackException)) {
                    throw e;
                }
            }
        }
    }

    private static final int MAX_ATTEMPTS = 3;

    public void settle(SettleCall call) {
        try (SqlSession s = sessions.openSession(true)) {
            s.getMapper(SpendMapper.class).settle(call);
        }
    }

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
