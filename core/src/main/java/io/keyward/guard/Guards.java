package io.keyward.guard;

import io.keyward.config.GuardsConfig;
import io.keyward.decision.Code;
import io.keyward.decision.Refusal;
import io.keyward.key.VaultKey;
import io.keyward.request.CallRequest;
import io.keyward.store.VaultKeyRepository;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runaway guards, after the policy and before any money is reserved: the per-key rate limit, and
 * for money-moving calls the loop breaker, which after {@code loop_revoke_after} loop refusals
 * revokes the key outright.
 */
public final class Guards {
    private static final Logger LOG = LoggerFactory.getLogger(Guards.class);
    private final RateGuard rate;
    private final LoopBreaker loops;
    private final int revokeAfter;
    private final VaultKeyRepository keys;
    private final Map<String, AtomicInteger> loopRefusals = new ConcurrentHashMap<>();
    private final Runnable afterRevoke;

    /** @param afterRevoke run once the loop breaker revoked a key: drops what this node cached of it (and its escrow leases) */
    public Guards(GuardsConfig config, VaultKeyRepository keys, Runnable afterRevoke) {
        this.rate = new RateGuard(config.ratePerSecond(), config.ratePerMinute());
        this.loops = new LoopBreaker(config.loopMaxRepeats(), config.loopWindow());
        this.revokeAfter = config.loopRevokeAfter();
        this.keys = keys;
        this.afterRevoke = afterRevoke;
    }

    /** @throws Refusal {@code denied_rate_limit} or {@code denied_loop} */
    public void check(VaultKey key, CallRequest call) {
        rate.check(key.id());
        if (call.operation() == null || !call.operation().moneyMoving()) {
            return;
        }
        try {
            loops.check(key.id(), call);
        } catch (Refusal loop) {
            if (revokeAfter > 0 && loopRefusals.computeIfAbsent(key.id(), id -> new AtomicInteger()).incrementAndGet() >= revokeAfter) {
                String reason = "revoked by the loop breaker after " + revokeAfter + " loop refusals";
                if (keys.revoke(key.id(), reason)) {
                    LOG.warn("Vault key {} of agent {} {}", key.id(), key.agentName(), reason);
                }
                // Like a revoke through the admin API: it holds on this node at once, leased money included.
                afterRevoke.run();
                loopRefusals.remove(key.id());
                throw new Refusal(Code.DENIED_LOOP, 429, loop.getMessage() + "; the key is now revoked", "guard.loop_revoked");
            }
            throw loop;
        }
    }
}
