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

    int revokeAll(@Param("agentName") String agentName, @Param("agentRunId") String agentRunId,
                  @Param("vendor") String vendor, @Param("reason") String reason);

    int freeze(@Param("scope") String scope, @Param("target") String target, @Param("reason") String reason);

    int unfreeze(@Param("scope") String scope, @Param("target") String target);

    void adminEvent(AdminEvent event);

    /** The change counter (sql/V5) and the database clock, read together. */
    ChangeEpoch changeEpoch();
}
