package io.keyward.auth;

import io.keyward.decision.Code;
import io.keyward.decision.Refusal;
import io.keyward.key.KeyHasher;
import io.keyward.key.PresentedKey;
import io.keyward.key.VaultKey;
import java.util.List;
import java.util.Optional;

/**
 * Turns the presented vault key into the stored {@link VaultKey}: format and checksum first (no
 * database for junk), then a lookup by public id ({@link KeyCache}) and a constant-time comparison
 * of the HMAC.
 */
public final class Authenticator {
    private static final byte[] NO_HASH = new byte[32];
    private final KeyCache keys;
    private final KeyHasher hasher;

    public Authenticator(KeyCache keys, KeyHasher hasher) {
        this.keys = keys;
        this.hasher = hasher;
    }

    /** @throws Refusal {@code denied_unknown_key} (or {@code denied_malformed}) when no valid key was presented */
    public VaultKey authenticate(List<String> authorizationHeaders) {
        PresentedKey presented = VaultKeyExtractor.extract(authorizationHeaders);
        Optional<VaultKey> stored = keys.find(presented.id());
        // Hash even when the id is unknown, so timing does not tell which ids exist.
        boolean matches = hasher.matches(presented.secret(), stored.map(VaultKey::secretHash).orElse(NO_HASH));
        if (stored.isEmpty() || !matches) {
            throw new Refusal(Code.DENIED_UNKNOWN_KEY, "unknown vault key");
        }
        return stored.get();
    }
}
