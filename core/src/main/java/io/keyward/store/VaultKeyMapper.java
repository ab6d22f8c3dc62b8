package io.keyward.store;

import io.keyward.key.VaultKey;
import java.util.List;
import org.apache.ibatis.annotations.Param;

/** {@code vault_keys}; SQL in VaultKeyMapper.xml beside this interface. */
public interface VaultKeyMapper {
    void insert(NewVaultKey key);

    VaultKey findById(@Param("id") String id);

    List<VaultKey> list(KeyQuery query);

    /** Sets revoked_at by the database clock; 0 when the key is unknown or already revoked. */
    int revoke(@Param("id") String id, @Param("reason") String reason);
}
