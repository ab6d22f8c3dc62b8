package io.keyward.store;

/**
 * One row of {@code vendor_secrets}: the sealed secret and its version.
 *
 * @param sealedForVersion whether the seal's associated data binds the version too (every row sealed
 *     since sql/V7); false for an older row, bound to the vendor alone
 */
public record VendorSecretRow(String vendor, String masterKeyId, byte[] nonce, byte[] ciphertext, long version,
                              boolean sealedForVersion) {
}
