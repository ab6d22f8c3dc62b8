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
    private static final int UNKNOWN_SYSTEM_VARIABLE = 1193;
    /** False once the server said it has no wsrep_sync_wait (a build without Galera). */
    private volatile boolean causalReads = true;
    private final java.util.concurrent.atomic.AtomicLong causalLookups = new java.util.concurrent.atomic.AtomicLong();

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

    /**
     * The key read again with Galera causal reads ({@code wsrep_sync_wait = 1} for this one SELECT):
     * the node first applies every write set the cluster committed before the read, so a key issued
     * on another node a moment ago is found. For an id the plain read did not find, before it is
     * refused. On a server with wsrep off the setting is accepted and changes nothing; on a build
     * without wsrep (error 1193) it is skipped from then on, the plain read having said all there is.
     */
    public Optional<VaultKey> findCausally(String id) {
        if (!causalReads) {
            return Optional.empty();
        }
        causalLookups.incrementAndGet();
        return connectionLoss.read(() -> {
            try (SqlSession s = sessions.openSession(true); java.sql.Statement st = s.getConnection().createStatement()) {
                st.execute("SET @keyward_sync_wait = @@session.wsrep_sync_wait, SESSION wsrep_sync_wait = 1");
                try {
                    return Optional.ofNullable(s.getMapper(VaultKeyMapper.class).findById(id));
                } finally {
                    // The connection goes back to the pool: leave it as it was.
                    st.execute("SET SESSION wsrep_sync_wait = @keyward_sync_wait");
                }
            } catch (java.sql.SQLException e) {
                if (e.getErrorCode() == UNKNOWN_SYSTEM_VARIABLE) {
                    causalReads = false;
                    return Optional.empty();
                }
                throw new org.apache.ibatis.exceptions.PersistenceException(e);
            }
        });
    }

    /** Causal re-reads of unknown ids made so far. */
    public long causalLookups() {
        return causalLookups.get();
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
