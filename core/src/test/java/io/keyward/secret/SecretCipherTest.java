package io.keyward.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.config.Secret;
import io.keyward.config.SecretsConfig;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretCipherTest {
    private static final byte[] K1 = filled((byte) 1);
    private static final byte[] K2 = filled((byte) 2);
    private final SecretCipher cipher = new SecretCipher(new SecretsConfig("k1", Map.of("k1", K1, "k2", K2)));

    private static byte[] filled(byte b) {
        byte[] key = new byte[32];
        Arrays.fill(key, b);
        return key;
    }

    @Test
    void sealsWithAFreshNonceAndOpensAgain() {
        SecretCipher.Sealed a = cipher.seal("stripe", 1, Secret.of("sk_live_rotated_123456"));
        SecretCipher.Sealed b = cipher.seal("stripe", 1, Secret.of("sk_live_rotated_123456"));
        assertEquals("k1", a.masterKeyId());
        assertNotEquals(new String(a.nonce(), StandardCharsets.ISO_8859_1), new String(b.nonce(), StandardCharsets.ISO_8859_1));
        assertFalse(new String(a.ciphertext(), StandardCharsets.ISO_8859_1).contains("rotated"));
        assertEquals("sk_live_rotated_123456", cipher.open("stripe", 1, true, a).reveal());
    }

    @Test
    void aRowUnderAnOlderMasterKeyStillOpensWhileThatKeyIsListed() {
        SecretCipher.Sealed old = new SecretCipher(new SecretsConfig("k2", Map.of("k2", K2))).seal("resend", 3, Secret.of("re_old_secret_abc"));
        assertEquals("re_old_secret_abc", cipher.open("resend", 3, true, old).reveal());
    }

    @Test
    void aWrongKeyAnotherVendorOrATamperedRowFailWithAClearMessage() {
        SecretCipher.Sealed sealed = cipher.seal("stripe", 2, Secret.of("sk_live_never_shown_99"));
        SecretCipher wrong = new SecretCipher(new SecretsConfig("k1", Map.of("k1", K2)));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> wrong.open("stripe", 2, true, sealed));
        assertTrue(e.getMessage().contains("does not decrypt with master key 'k1'"), e.getMessage());
        assertFalse(e.getMessage().contains("never_shown"));
        assertThrows(IllegalStateException.class, () -> cipher.open("twilio", 2, true, sealed), "the vendor is bound in");
        byte[] tampered = sealed.ciphertext().clone();
        tampered[0] ^= 1;
        assertThrows(IllegalStateException.class, () -> cipher.open("stripe", 2, true, new SecretCipher.Sealed("k1", sealed.nonce(), tampered)));
        IllegalStateException unknown = assertThrows(IllegalStateException.class,
                () -> cipher.open("stripe", 2, true, new SecretCipher.Sealed("k9", sealed.nonce(), sealed.ciphertext())));
        assertTrue(unknown.getMessage().contains("'k9', which is not configured"));
    }

    /** An older sealed value put over a newer version does not open: the version is bound in. */
    @Test
    void aSealedValueOpensOnlyAsTheVersionItWasSealedFor() throws Exception {
        SecretCipher.Sealed v1 = cipher.seal("stripe", 1, Secret.of("sk_live_first_000000000"));
        IllegalStateException rolledBack = assertThrows(IllegalStateException.class, () -> cipher.open("stripe", 2, true, v1));
        assertTrue(rolledBack.getMessage().contains("version 2"));
        assertFalse(rolledBack.getMessage().contains("first"));
        // A row sealed before sql/V7 bound the vendor alone, and opens only as such.
        byte[] nonce = new byte[12];
        javax.crypto.Cipher legacy = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        legacy.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(K1, "AES"),
                new javax.crypto.spec.GCMParameterSpec(128, nonce));
        legacy.updateAAD("stripe".getBytes(StandardCharsets.UTF_8));
        SecretCipher.Sealed old = new SecretCipher.Sealed("k1", nonce, legacy.doFinal("sk_live_legacy_0000000".getBytes(StandardCharsets.UTF_8)));
        assertEquals("sk_live_legacy_0000000", cipher.open("stripe", 4, false, old).reveal());
        assertThrows(IllegalStateException.class, () -> cipher.open("stripe", 4, true, old));
    }
}
