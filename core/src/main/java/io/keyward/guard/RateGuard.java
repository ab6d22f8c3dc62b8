package io.keyward.guard;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.keyward.decision.Code;
import io.keyward.decision.Refusal;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-key rate limits (calls per second and per minute) with Resilience4j rate limiters that never
 * wait: a call over the rate is refused at once. Limits count on this node; the spend cap, which
 * must be exact, is enforced in the database instead.
 */
final class RateGuard {
    private static final int MAX_KEYS = 100_000;
    private final RateLimiterConfig perSecond;
    private final RateLimiterConfig perMinute;
    private final Map<String, RateLimiter[]> limiters = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RateLimiter[]> eldest) {
            return size() > MAX_KEYS;
        }
    });

    RateGuard(int ratePerSecond, int ratePerMinute) {
        perSecond = RateLimiterConfig.custom().limitForPeriod(ratePerSecond).limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ZERO).build();
        perMinute = RateLimiterConfig.custom().limitForPeriod(ratePerMinute).limitRefreshPeriod(Duration.ofMinutes(1))
                .timeoutDuration(Duration.ZERO).build();
    }

    void check(String keyId) {
        RateLimiter[] pair = limiters.computeIfAbsent(keyId, id -> new RateLimiter[] {
            RateLimiter.of(id + "/s", perSecond), RateLimiter.of(id + "/min", perMinute)});
        if (!pair[0].acquirePermission()) {
            throw new Refusal(Code.DENIED_RATE_LIMIT, 429, "too many calls per second for this key", "guard.rate_per_second", 1L);
        }
        if (!pair[1].acquirePermission()) {
            throw new Refusal(Code.DENIED_RATE_LIMIT, 429, "too many calls per minute for this key", "guard.rate_per_minute", 60L);
        }
    }
}
