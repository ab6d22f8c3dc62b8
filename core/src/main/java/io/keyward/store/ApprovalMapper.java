package io.keyward.store;

import java.time.Instant;
import java.util.List;
import org.apache.ibatis.annotations.Param;

/** {@code approvals}; SQL in ApprovalMapper.xml beside this interface. */
public interface ApprovalMapper {
    int insert(ApprovalRow row);

    ApprovalRow byId(@Param("id") String id);

    /** The pending or still usable approved rows for this exact request, oldest first. */
    List<ApprovalRow> open(@Param("keyId") String keyId, @Param("requestHash") byte[] requestHash,
                           @Param("deniedForMicros") long deniedForMicros);

    String lockKey(@Param("keyId") String keyId);

    int pendingCount(@Param("keyId") String keyId);

    int use(@Param("id") String id, @Param("requestId") String requestId);

    int giveBack(@Param("requestId") String requestId);

    int decide(@Param("id") String id, @Param("state") String state, @Param("decidedBy") String decidedBy,
               @Param("reason") String reason, @Param("validForMicros") Long validForMicros);

    List<ApprovalRow> list(@Param("state") String state, @Param("afterCreatedAt") Instant afterCreatedAt,
                           @Param("afterId") String afterId, @Param("limit") int limit);
}
