package io.keyward.secret;

import io.keyward.config.Secret;
import io.keyward.config.SecretsConfig;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM for vendor secrets at rest: a random 96-bit nonce per encryption, the vendor name and
 * the secret's version as associated data (a row copied to another vendor, or an older sealed value
 * copied over a newer version, does not decrypt), and the master key's id stored beside the
 * ciphertext so master keys can rotate. Rows sealed before sql/V7 bound the vendor name alone; they
 * open that way once and are sealed again for their version.
 */
public final class SecretCipher {
    private static final int TAG_BITS = 128;
    private final SecretsConfig keys;
    private final SecureRandom random = new SecureRandom();

    public SecretCipher(SecretsConfig keys) {
        this.keys = keys;
    }

    /** One encrypted secret, as stored. */
    public record Sealed(String masterKeyId, byte[] nonce, byte[] ciphertext) {
    }

    /** Seals the secret as {@code version} of the vendor's. */
    public Sealed seal(String vendor, long version, Secret secret) {
        if (!keys.enabled()) {
            throw new IllegalStateException("no master key is configured (secrets.master_key_id)");
        }
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        try {
            Cipher c = cipher(Cipher.ENCRYPT_MODE, keys.masterKeys().get(keys.masterKeyId()), nonce, associatedData(vendor, version));
            return new Sealed(keys.masterKeyId(), nonce, c.doFinal(secret.reveal().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * @param version the version the row says it is
     * @param sealedForVersion whether it was sealed for its version (false: a row from before sql/V7)
     * @throws IllegalStateException naming the vendor and key id, never the secret, when it cannot be opened
     */
    public Secret open(String vendor, long version, boolean sealedForVersion, Sealed sealed) {
        byte[] key = keys.masterKeys().get(sealed.masterKeyId());
        if (key == null) {
            throw new IllegalStateException("the stored secret of " + vendor + " is sealed under master key '"
                    + sealed.masterKeyId() + "', which is not configured under secrets.master_keys");
        }
        try {
            Cipher c = cipher(Cipher.DECRYPT_MODE, key, sealed.nonce(),
                    sealedForVersion ? associatedData(vendor, version) : vendor.getBytes(StandardCharsets.UTF_8));
            return Secret.of(new String(c.doFinal(sealed.ciphertext()), StandardCharsets.UTF_8));
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("the stored secret of " + vendor + " (version " + version + ") does not decrypt with master key '"
                    + sealed.masterKeyId() + "' (wrong key, or the row was altered: an older sealed value put back)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    private static byte[] associatedData(String vendor, long version) {
        return ("keyward-secret\u0000" + vendor + "\u0000" + version).getBytes(StandardCharsets.UTF_8);
    }

    private static Cipher cipher(int mode, byte[] key, byte[] nonce, byte[] associatedData) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
        c.updateAAD(associatedData);
        return c;
    }
}
