package io.keyward.store;

import java.util.List;
import java.util.Optional;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;

/** Sealed vendor secrets; opening them is the secret step's business. */
public final class VendorSecretRepository {
    private final SqlSessionFactory sessions;

    VendorSecretRepository(SqlSessionFactory sessions) {
        this.sessions = sessions;
    }

    public Optional<VendorSecretRow> find(String vendor) {
        try (SqlSession s = sessions.openSession(true)) {
            return Optional.ofNullable(s.getMapper(VendorSecretMapper.class).find(vendor));
        }
    }

    public List<VendorSecretRow> all() {
        try (SqlSession s = sessions.openSession(true)) {
            return s.getMapper(VendorSecretMapper.class).all();
        }
    }

    /**
     * Stores the next version of the vendor's secret: {@code sealFor} seals it for the version it is
     * given, one above the stored one, which stays locked until the new row is written.
     *
     * @return the version now stored
     */
    public long rotate(String vendor, java.util.function.LongFunction<VendorSecretRow> sealFor) {
        try (SqlSession s = sessions.openSession(false)) {
            VendorSecretMapper mapper = s.getMapper(VendorSecretMapper.class);
            Long stored = mapper.lockVersion(vendor);
            long next = stored == null ? 1 : stored + 1;
            mapper.put(sealFor.apply(next));
            s.commit();
            return next;
        }
    }
}
