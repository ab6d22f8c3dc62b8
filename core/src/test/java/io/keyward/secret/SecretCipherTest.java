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
        SecretCipher.Sealed a = cipher.seal("stripe", Secret.of("sk_live_rotated_123456"));
        SecretCipher.Sealed b = cipher.seal("stripe", Secret.of("sk_live_rotated_123456"));
        assertEquals("k1", a.masterKeyId());
        assertNotEquals(new String(a.nonce(), StandardCharsets.ISO_8859_1), new String(b.nonce(), StandardCharsets.ISO_8859_1));
        assertFalse(new String(a.ciphertext(), StandardCharsets.ISO_8859_1).contains("rotated"));
        assertEquals("sk_live_rotated_123456", cipher.open("stripe", a).reveal());
    }

    @Test
    void aRowUnderAnOlderMasterKeyStillOpensWhileThatKeyIsListed() {
        SecretCipher.Sealed old = new SecretCipher(new SecretsConfig("k2", Map.of("k2", K2))).seal("resend", Secret.of("re_old_secret_abc"));
        assertEquals("re_old_secret_abc", cipher.open("resend", old).reveal());
    }

    @Test
    void aWrongKeyAnotherVendorOrATamperedRowFailWithAClearMessage() {
        SecretCipher.Sealed sealed = cipher.seal("stripe", Secret.of("sk_live_never_shown_99"));
        SecretCipher wrong = new SecretCipher(new SecretsConfig("k1", Map.of("k1", K2)));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> wrong.open("stripe", sealed));
        assertTrue(e.getMessage().contains("does not decrypt with master key 'k1'"), e.getMessage());
        assertFalse(e.getMessage().contains("never_shown"));
        assertThrows(IllegalStateException.class, () -> cipher.open("twilio", sealed), "the vendor is bound in");
        byte[] tampered = sealed.ciphertext().clone();
        tampered[0] ^= 1;
        assertThrows(IllegalStateException.class, () -> cipher.open("stripe", new SecretCipher.Sealed("k1", sealed.nonce(), tampered)));
        IllegalStateException unknown = assertThrows(IllegalStateException.class,
                () -> cipher.open("stripe", new SecretCipher.Sealed("k9", sealed.nonce(), sealed.ciphertext())));
        assertTrue(unknown.getMessage().contains("'k9', which is not configured"));
    }
}
