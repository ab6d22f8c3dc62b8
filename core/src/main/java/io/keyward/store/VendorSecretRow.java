package io.keyward.store;

/** One row of {@code vendor_secrets}: the sealed secret and its version. */
public record VendorSecretRow(String vendor, String masterKeyId, byte[] nonce, byte[] ciphertext, long version) {
}
