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

    /** @return the version now stored */
    public long put(VendorSecretRow row) {
        try (SqlSession s = sessions.openSession(true)) {
            VendorSecretMapper mapper = s.getMapper(VendorSecretMapper.class);
            mapper.put(row);
            return mapper.find(row.vendor()).version();
        }
    }
}
