package io.keyward.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Master keys for the {@code vendor_secrets} table: 32 random bytes each, base64, by id. New
 * secrets are encrypted under {@code master_key_id}; older ids stay listed so rows written under
 * them still decrypt until they are rotated.
 */
public record SecretsConfig(String masterKeyId, Map<String, byte[]> masterKeys) {

    public SecretsConfig {
        masterKeys = Map.copyOf(masterKeys);
        if (masterKeyId != null && !masterKeys.containsKey(masterKeyId)) {
            throw new ConfigException("master_key_id", "names no key under master_keys");
        }
    }

    public static SecretsConfig none() {
        return new SecretsConfig(null, Map.of());
    }

    public boolean enabled() {
        return masterKeyId != null;
    }

    @Override
    public String toString() {
        return "SecretsConfig[masterKeyId=" + masterKeyId + ", masterKeys=****]";
    }

    @JsonCreator
    static SecretsConfig fromYaml(@JsonProperty("master_key_id") String masterKeyId,
                                  @JsonProperty("master_keys") Map<String, String> masterKeys,
                                  @JsonProperty("master_key_files") Map<String, String> masterKeyFiles) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        if (masterKeys != null) {
            masterKeys.forEach((id, value) -> keys.put(id, decode("master_keys." + id, Secret.fromValueOrFile(id, value, null, true))));
        }
        if (masterKeyFiles != null) {
            masterKeyFiles.forEach((id, file) -> keys.put(id, decode("master_key_files." + id, Secret.fromValueOrFile(id, null, file, true))));
        }
        if (masterKeyId == null && !keys.isEmpty()) {
            throw new ConfigException("master_key_id", "is required when master keys are given");
        }
        return new SecretsConfig(masterKeyId, keys);
    }

    private static byte[] decode(String key, Secret secret) {
        try {
            byte[] bytes = Base64.getDecoder().decode(secret.reveal().strip());
            if (bytes.length != 32) {
                throw new ConfigException(key, "must be 32 bytes, base64 (openssl rand -base64 32)");
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "must be base64 (openssl rand -base64 32)");
        }
    }
}
