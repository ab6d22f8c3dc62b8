package io.keyward.key;

import io.keyward.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA-256 of a key's secret under the server pepper. A stolen {@code vault_keys} table alone
 * cannot be brute-forced without the pepper, which lives only in config.
 */
public final class KeyHasher {
    private static final String ALGORITHM = "HmacSHA256";
    private final Mac prototype;

    public KeyHasher(Secret pepper) {
        try {
            prototype = Mac.getInstance(ALGORITHM);
            prototype.init(new SecretKeySpec(pepper.reveal().getBytes(StandardCharsets.UTF_8), ALGORITHM));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    public byte[] hash(String keySecret) {
        Mac mac;
        try {
            // A Mac is not thread-safe; cloning the initialised prototype is cheaper than a fresh init.
            mac = (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("HmacSHA256 provider cannot clone", e);
        }
        return mac.doFinal(keySecret.getBytes(StandardCharsets.US_ASCII));
    }

    /** Constant-time comparison of a presented secret with a stored hash. */
    public boolean matches(String keySecret, byte[] storedHash) {
        return MessageDigest.isEqual(hash(keySecret), storedHash);
    }
}
