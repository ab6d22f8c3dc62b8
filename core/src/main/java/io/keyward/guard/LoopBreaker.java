package io.keyward.guard;

import io.keyward.decision.Code;
import io.keyward.decision.Refusal;
import io.keyward.request.CallRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stops an agent stuck in a loop: the same key sending the same money-moving operation with the
 * same parameters more than {@code maxRepeats} times within the window is refused
 * ({@code denied_loop}). A retry that reuses an Idempotency-Key is the SDK retrying, not the agent
 * looping, so it does not count again.
 */
final class LoopBreaker {
    private static final int MAX_TRACKED = 100_000;
    private final int maxRepeats;
    private final long windowNanos;
    private final Map<String, Deque<Attempt>> recent = new ConcurrentHashMap<>();

    private record Attempt(long atNanos, String idempotencyKey) {
    }

    LoopBreaker(int maxRepeats, Duration window) {
        this.maxRepeats = maxRepeats;
        this.windowNanos = window.toNanos();
    }

    /** @throws Refusal {@code denied_loop} when this call repeats too often */
    void check(String keyId, CallRequest call) {
        long now = System.nanoTime();
        String identity = keyId + "\n" + call.operation().name() + "\n" + fingerprint(call);
        Deque<Attempt> attempts = recent.computeIfAbsent(identity, k -> new ArrayDeque<>());
        synchronized (attempts) {
            while (!attempts.isEmpty() && now - attempts.peekFirst().atNanos() > windowNanos) {
                attempts.pollFirst();
            }
            String idem = call.idempotencyKey();
            boolean retry = idem != null && attempts.stream().anyMatch(a -> idem.equals(a.idempotencyKey()));
            if (!retry) {
                if (attempts.size() >= maxRepeats) {
                    throw new Refusal(Code.DENIED_LOOP, 429, "the same " + call.operation().name() + " was sent "
                            + maxRepeats + " times within " + windowNanos / 1_000_000_000 + " s; this looks like a loop",
                            "guard.loop", Math.max(1, (windowNanos - (now - attempts.peekFirst().atNanos())) / 1_000_000_000));
                }
                attempts.addLast(new Attempt(now, idem));
            }
        }
        if (recent.size() > MAX_TRACKED) {
            recent.entrySet().removeIf(e -> {
                synchronized (e.getValue()) {
                    Attempt last = e.getValue().peekLast();
                    return last == null || now - last.atNanos() > windowNanos;
                }
            });
        }
    }

    /** The call's parameters in a fixed order, hashed: the same call however its fields were ordered. */
    private static String fingerprint(CallRequest call) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            call.params().all().stream()
                    .map(p -> p.source() + "\u0000" + p.name() + "\u0000" + Objects.toString(p.value(), "\u0001"))
                    .sorted()
                    .forEach(line -> sha.update((line + "\n").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
