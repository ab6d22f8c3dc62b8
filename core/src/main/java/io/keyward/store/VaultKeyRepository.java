package io.keyward.store;

import io.keyward.key.VaultKey;
import java.util.List;
import java.util.Optional;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;

/** Reads and writes {@code vault_keys}, one auto-committed session per operation. */
public final class VaultKeyRepository {
    private final SqlSessionFactory sessions;
    private final ConnectionLoss connectionLoss;

    VaultKeyRepository(SqlSessionFactory sessions, ConnectionLoss connectionLoss) {
        this.sessions = sessions;
        this.connectionLoss = connectionLoss;
    }

    public void insert(NewVaultKey key) {
        try (SqlSession s = sessions.openSession(true)) {
            s.getMapper(VaultKeyMapper.class).insert(key);
        }
    }

    /** The key with its current state; on the path of calls, so a lost connection is retried once on a fresh one. */
    public Optional<VaultKey> find(String id) {
        return connectionLoss.read(() -> {
            try (SqlSession s = sessions.openSession(true)) {
                return Optional.ofNullable(s.getMapper(VaultKeyMapper.class).findById(id));
            }
        });
    }

    public ChangeEpoch changeEpoch() {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(VaultKeyMapper.class).changeEpoch();
        }
    }

    public List<VaultKey> list(KeyQuery query) {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(VaultKeyMapper.class).list(query);
        }
    }

    /**
     * Revokes every live key of an agent, a run or a vendor (all keys when every filter is null),
     * and for a vendor or all keys sets the matching kill switch, in one transaction.
     *
     * @return how many keys this revoked
     */
    public int revokeAll(String agentName, String agentRunId, String vendor, boolean freezeAll, String reason) {
        try (SqlSession s = sessions.openSession(false)) {
            VaultKeyMapper mapper = s.getMapper(VaultKeyMapper.class);
            int revoked = mapper.revokeAll(agentName, agentRunId, vendor, reason);
            if (vendor != null) {
                mapper.freeze("vendor", vendor, reason);
            } else if (freezeAll) {
                mapper.freeze("all", "*", reason);
            }
            s.commit();
            return revoked;
        }
    }

    /** Lifts a vendor's or the global kill switch; revoked keys stay revoked. @return switches lifted */
    public int unfreeze(String vendor) {
        try (SqlSession s = sessions.openSession(true)) {
            return vendor == null ? s.getMapper(VaultKeyMapper.class).unfreeze("all", "*")
                    : s.getMapper(VaultKeyMapper.class).unfreeze("vendor", vendor);
        }
    }

    public void record(AdminEvent event) {
        try (SqlSession s = sessions.openSession(true)) {
            s.getMapper(VaultKeyMapper.class).adminEvent(event);
        }
    }

    /** @return whether this call revoked the key (false when it was unknown or already revoked) */
    public boolean revoke(String id, String reason) {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(VaultKeyMapper.class).revoke(id, reason) == 1;
        }
    }
}
