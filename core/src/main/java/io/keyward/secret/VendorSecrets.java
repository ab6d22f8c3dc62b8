package io.keyward.secret;

import io.keyward.config.Secret;
import io.keyward.store.VendorSecretRepository;
import io.keyward.store.VendorSecretRow;
import io.keyward.contract.Vendor;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each vendor's real secret comes from: the config (environment variable or file), or the
 * encrypted {@code vendor_secrets} table, which wins when it holds a row for the vendor. The
 * table's version rides along with every key lookup, so a rotation made on any node is used from
 * the next call on every node, and is read from the database only when the version moves.
 */
public final class VendorSecrets {
    private final Map<String, Secret> configured = new HashMap<>();
    private final VendorSecretRepository store;
    private final SecretCipher cipher;
    private final SecretRedactor redactor;
    private final Map<String, Vendor> vendors;
    private final Map<String, Versioned> stored = new ConcurrentHashMap<>();
    /** The highest version of each vendor's stored secret this node has seen: versions only go up. */
    private final Map<String, Long> highest = new ConcurrentHashMap<>();
    /** Vendors whose stored secret this node has seen sealed for its version: a row sealed for the vendor alone is old. */
    private final Set<String> versionBound = ConcurrentHashMap.newKeySet();

    private record Versioned(long version, Secret secret) {
    }

    /** @throws IllegalStateException when a vendor has no secret anywhere, or a stored one does not decrypt */
    public VendorSecrets(Map<String, Vendor> vendors, VendorSecretRepository store, SecretCipher cipher, SecretRedactor redactor) {
        this.store = store;
        this.cipher = cipher;
        this.redactor = redactor;
        this.vendors = Map.copyOf(vendors);
        vendors.forEach((name, vendor) -> {
            if (vendor.secret() != null) {
                configured.put(name, vendor.secret());
                redactor.add(vendor.secret(), vendor.authorization(vendor.secret()));
            }
        });
        for (VendorSecretRow row : store.all()) {
            if (vendors.containsKey(row.vendor())) {
                load(row);
            }
        }
        for (String vendor : vendors.keySet()) {
            if (!configured.containsKey(vendor) && !stored.containsKey(vendor)) {
                throw new IllegalStateException("vendors." + vendor + ".secret is not configured and vendor_secrets holds none: "
                        + "set it, or store it with PUT /admin/vendors/" + vendor + "/secret on a gateway configured with it");
            }
        }
    }

    /**
     * The secret to use now.
     *
     * @param version the stored secret's version as the key lookup just read it, or null when none is stored
     */
    public Secret current(String vendor, Long version) {
        if (version == null) {
            if (highest.containsKey(vendor)) {
                // There is no way to delete a stored secret through Keyward: a row that went away
                // was deleted behind its back, and falling back to the configured secret (perhaps
                // the leaked one the rotation replaced) would undo the rotation without a word.
                throw new IllegalStateException("the stored secret of " + vendor + " was deleted from vendor_secrets;"
                        + " refusing to fall back to the configured one: store it again with PUT /admin/vendors/" + vendor + "/secret");
            }
            Secret secret = configured.get(vendor);
            if (secret == null) {
                throw new IllegalStateException("no secret for " + vendor);
            }
            return secret;
        }
        Versioned known = stored.get(vendor);
        if (known == null || known.version() != version) {
            known = store.find(vendor).map(this::load).orElseThrow(() -> new IllegalStateException("no secret for " + vendor));
        }
        return known.secret();
    }

    /** Encrypts and stores a new secret for the vendor, sealed for its version. @return its version */
    public long rotate(String vendor, Secret secret) {
        long version = store.rotate(vendor, next -> {
            SecretCipher.Sealed sealed = cipher.seal(vendor, next, secret);
            return new VendorSecretRow(vendor, sealed.masterKeyId(), sealed.nonce(), sealed.ciphertext(), next, true);
        });
        mask(vendor, secret);
        highest.merge(vendor, version, Math::max);
        versionBound.add(vendor);
        stored.put(vendor, new Versioned(version, secret));
        return version;
    }

    /** Masks the secret in every spelling, its Authorization value included, from now on. */
    private void mask(String vendor, Secret secret) {
        Vendor unit = vendors.get(vendor);
        redactor.add(secret, unit == null ? null : unit.authorization(secret));
    }

    /**
     * Opens a stored row. A version lower than one this node has seen is refused: someone put an
     * older row back; so is a row sealed before sql/V7 once this node has seen one sealed for its
     * version. (A node started after such a rollback has no memory to compare with, so it cannot
     * tell.) A row sealed before sql/V7 (for the vendor alone) is sealed again at once, for
     * a new version, so that from then on an older sealed value cannot stand in for it.
     */
    private Versioned load(VendorSecretRow row) {
        long seen = highest.getOrDefault(row.vendor(), 0L);
        if (row.version() < seen) {
            throw new IllegalStateException("the stored secret of " + row.vendor() + " went back from version " + seen
                    + " to " + row.version() + "; refusing it (was an older row put back?)");
        }
        if (!row.sealedForVersion() && versionBound.contains(row.vendor())) {
            throw new IllegalStateException("the stored secret of " + row.vendor() + " is a row sealed before sql/V7,"
                    + " after this node saw one sealed for its version; refusing it (was an older row put back?)");
        }
        Secret secret = cipher.open(row.vendor(), row.version(), row.sealedForVersion(),
                new SecretCipher.Sealed(row.masterKeyId(), row.nonce(), row.ciphertext()));
        // The old secret stays masked too: a vendor may still echo it.
        mask(row.vendor(), secret);
        highest.merge(row.vendor(), row.version(), Math::max);
        if (!row.sealedForVersion()) {
            long version = rotate(row.vendor(), secret);
            return new Versioned(version, secret);
        }
        versionBound.add(row.vendor());
        Versioned v = new Versioned(row.version(), secret);
        stored.put(row.vendor(), v);
        return v;
    }
}
