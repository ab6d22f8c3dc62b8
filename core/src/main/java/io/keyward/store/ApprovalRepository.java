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

    /** @return false when the same request of the same key already has a pending approval (none is made) */
    public boolean insert(ApprovalRow row) {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(ApprovalMapper.class).insert(row) == 1;
        }
    }

    public Optional<ApprovalRow> byId(String id) {
        try (SqlSession s = sessions.openSession(true)) {
            return Optional.ofNullable(s.getMapper(ApprovalMapper.class).byId(id));
        }
    }

    /** Pending or approved and unexpired rows for exactly this request (its hash covers the Idempotency-Key), oldest first. */
    public List<ApprovalRow> open(String keyId, byte[] requestHash) {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(ApprovalMapper.class).open(keyId, requestHash);
        }
    }

    public int pendingCount(String keyId) {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(ApprovalMapper.class).pendingCount(keyId);
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
