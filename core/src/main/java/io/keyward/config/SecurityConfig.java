package io.keyward.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server-side secrets that protect keys: the pepper vault-key hashes are keyed with, and the
 * SHA-256 of the admin token (the token itself is never stored).
 *
 * @param adminFromAnywhere whether the admin API answers callers that are not on this machine
 *     ({@code admin_allow_from: any}); by default it answers loopback callers only, wherever Keyward
 *     is installed, so agents on the gateway's port cannot even try an admin token
 */
public record SecurityConfig(Secret keyPepper, byte[] adminTokenSha256, boolean adminFromAnywhere) {
    static final int MIN_PEPPER_CHARS = 32;
    private static final Pattern SHA256SUM_LINE = Pattern.compile("([0-9a-fA-F]{64})(?: [ *].+)?");

    public SecurityConfig {
        if (keyPepper.reveal().length() < MIN_PEPPER_CHARS) {
            throw new ConfigException("key_pepper", "must be at least " + MIN_PEPPER_CHARS + " characters of random text");
        }
        adminTokenSha256 = adminTokenSha256.clone();
    }

    @Override
    public byte[] adminTokenSha256() {
        return adminTokenSha256.clone();
    }

    @Override
    public String toString() {
        return "SecurityConfig[keyPepper=****, adminTokenSha256=****, adminFromAnywhere=" + adminFromAnywhere + "]";
    }

    /**
     * Reads the hash as {@code sha256sum} prints it, {@code <hex>  -} (or {@code  <file>}, or
     * {@code  *<file>} in binary mode), or as the bare 64 hex digits: the install guide's command
     * must give a value this accepts as it stands.
     */
    static byte[] adminTokenHash(String text) {
        Matcher m = text == null ? null : SHA256SUM_LINE.matcher(text.strip());
        if (m == null || !m.matches()) {
            throw new ConfigException("admin_token_sha256", "must be the SHA-256 of the admin token, 64 hex digits"
                    + " as sha256sum prints them (printf %s \"$TOKEN\" | sha256sum)");
        }
        return HexFormat.of().parseHex(m.group(1).toLowerCase(Locale.ROOT));
    }

    @JsonCreator
    static SecurityConfig fromYaml(@JsonProperty("key_pepper") String keyPepper,
                                   @JsonProperty("key_pepper_file") String keyPepperFile,
                                   @JsonProperty("admin_token_sha256") String adminTokenSha256,
                                   @JsonProperty("admin_allow_from") String adminAllowFrom) {
        Secret pepper = Secret.fromValueOrFile("key_pepper", keyPepper, keyPepperFile, true);
        if (adminAllowFrom != null && !adminAllowFrom.equals("loopback") && !adminAllowFrom.equals("any")) {
            throw new ConfigException("admin_allow_from", "must be loopback (the default) or any");
        }
        return new SecurityConfig(pepper, adminTokenHash(adminTokenSha256), "any".equals(adminAllowFrom));
    }
}
