package io.keyward.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;

/** Approvals: asked for by a refused call, decided by an operator, used once by the identical call. */
public final class ApprovalRepository {
    private final SqlSessionFactory sessions;

    ApprovalRepository(SqlSessionFactory sessions) {
        this.sessions = sessions;
    }

    /** What came of trying to make a pending approval. */
    public enum Asked { MADE, ALREADY_WAITING, TOO_MANY_WAITING }

    /**
     * Makes a pending approval unless the same request of the same key already has one, or the key
     * has {@code maxPending} waiting: the count and the insert in one transaction that holds the
     * key's row, so copies sent at once cannot each find room.
     */
    public Asked ask(ApprovalRow row, int maxPending) {
        try (SqlSession s = sessions.openSession(false)) {
            ApprovalMapper mapper = s.getMapper(ApprovalMapper.class);
            mapper.lockKey(row.keyId());
            Asked asked;
            if (mapper.pendingCount(row.keyId()) >= maxPending) {
                asked = Asked.TOO_MANY_WAITING;
            } else {
                asked = mapper.insert(row) == 1 ? Asked.MADE : Asked.ALREADY_WAITING;
            }
            s.commit();
            return asked;
        }
    }

    public Optional<ApprovalRow> byId(String id) {
        try (SqlSession s = sessions.openSession(true)) {
            return Optional.ofNullable(s.getMapper(ApprovalMapper.class).byId(id));
        }
    }

    /**
     * Rows for exactly this request (its hash covers the Idempotency-Key) that still count, oldest
     * first: pending, approved and unexpired, or denied within {@code deniedFor}.
     */
    public List<ApprovalRow> open(String keyId, byte[] requestHash, Duration deniedFor) {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(ApprovalMapper.class).open(keyId, requestHash, deniedFor.toNanos() / 1_000);
        }
    }

    /** @return whether this call took the approval (false: another call took it first, or it expired) */
    public boolean use(String id, String requestId) {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(ApprovalMapper.class).use(id, requestId) == 1;
        }
    }

    /** Makes the approval the call took usable again: the call was refused before it was sent. */
    public void giveBack(String requestId) {
        try (SqlSession s = sessions.openSession(true)) {
            s.getMapper(ApprovalMapper.class).giveBack(requestId);
        }
    }

    /**
     * Decides a pending approval.
     *
     * @param validFor how long an approved request may be used, or null for a denial
     * @return false when it was no longer pending (decided before, or used)
     */
    public boolean decide(String id, String state, String decidedBy, String reason, Duration validFor) {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(ApprovalMapper.class).decide(id, state, decidedBy, reason,
                    validFor == null ? null : validFor.toNanos() / 1_000) == 1;
        }
    }

    /** Newest first, after the given position. */
    public List<ApprovalRow> list(String state, Instant afterCreatedAt, String afterId, int limit) {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(ApprovalMapper.class).list(state, afterCreatedAt, afterId, limit);
        }
    }
}
