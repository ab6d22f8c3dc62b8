package io.keyward.store;

import java.util.List;
import org.apache.ibatis.annotations.Param;

/** {@code spend_ledger} and the {@code keyward_reserve} procedure; SQL in SpendMapper.xml beside this interface. */
public interface SpendMapper {
    ReserveOutcome reserve(ReserveCall call);

    /** {@code keyward_reserve_once} (sql/V11): outcome already_reserved when this id's reservation committed before. */
    ReserveOutcome reserveOnce(@Param("id") String reservationId, @Param("call") ReserveCall call);

    void ensureRows(ReserveCall call);

    /** The rows of these reservations, locked until the transaction ends, in id order. */
    List<HeldReservation> lockReservations(@Param("ids") List<String> ids);

    /** Moves one reservation from held to settled or released; 0 when it was no longer held. */
    int endReservation(@Param("id") String id, @Param("state") String state, @Param("spent") java.math.BigDecimal spent);

    int purgeReservations(@Param("limit") int limit);

    int settle(SettleCall call);

    int forgetIdempotencyKey(@Param("keyId") String keyId, @Param("idempotencyKey") String idempotencyKey);

    int markIdempotencyAnswered(@Param("keyId") String keyId, @Param("idempotencyKey") String idempotencyKey);

    boolean idempotencyAnswered(@Param("keyId") String keyId, @Param("idempotencyKey") String idempotencyKey);

    LedgerRow row(@Param("scope") String scope, @Param("scopeId") String scopeId, @Param("today") boolean today);

    /** Today's key rows of the keys that match; for spend by agent or run. */
    List<LedgerRow> keyRows(@Param("agentName") String agentName, @Param("agentRunId") String agentRunId,
                            @Param("day") java.time.LocalDate day);

    LedgerRow rowOn(@Param("scope") String scope, @Param("scopeId") String scopeId, @Param("day") java.time.LocalDate day);

    java.time.LocalDate today();
}
