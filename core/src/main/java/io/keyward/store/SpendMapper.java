package io.keyward.store;

import java.util.List;
import org.apache.ibatis.annotations.Param;

/** {@code spend_ledger} and the {@code keyward_reserve} procedure; SQL in SpendMapper.xml beside this interface. */
public interface SpendMapper {
    /** {@code keyward_reserve_once} (sql/V11): outcome already_reserved when this id's reservation committed before. */
    ReserveOutcome reserveOnce(@Param("id") String reservationId, @Param("call") ReserveCall call);

    void ensureRows(ReserveCall call);

    /** The rows of these reservations, locked until the transaction ends, in id order. */
    List<HeldReservation> lockReservations(@Param("ids") List<String> ids);

    /** Moves one reservation from held to settled or released; 0 when it was no longer held. */
    int endReservation(@Param("id") String id, @Param("state") String state, @Param("spent") java.math.BigDecimal spent);

    /** Writes the row of money drawn from a lease as it ends; 0 when a row with this id exists (it ended before). */
    int insertEnded(@Param("id") String id, @Param("drawn") ReservationEnd.Drawn drawn, @Param("state") String state,
                    @Param("spent") java.math.BigDecimal spent);

    /** {@code keyward_lease_once} (sql/V12): outcome already_reserved when this lease was granted before. */
    ReserveOutcome leaseOnce(@Param("id") String leaseId, @Param("keyId") String keyId, @Param("amount") java.math.BigDecimal amount,
                             @Param("drawn") java.math.BigDecimal drawn, @Param("ttlMillis") long ttlMillis);

    /** The lease's draw number {@code draws + 1}; 0 when it is not live, not the next draw, or cannot cover it. */
    int drawLease(@Param("id") String leaseId, @Param("draws") int draws, @Param("amount") java.math.BigDecimal amount,
                  @Param("ttlMillis") long ttlMillis);

    Integer leaseDraws(@Param("id") String leaseId);

    int renewLeases(@Param("ids") java.util.Collection<String> leaseIds, @Param("ttlMillis") long ttlMillis);

    /** Live leases whose expiry has passed, locked until the transaction ends, in id order. */
    List<HeldReservation> lockExpiredLeases(@Param("limit") int limit);

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
