package io.keyward.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Bounds on what an agent may send.
 *
 * @param decodeRequestBodies whether gzip/deflate request bodies are decoded (within the limit) instead of refused
 */
public record LimitsConfig(int maxBodyBytes, boolean decodeRequestBodies) {
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    public LimitsConfig {
        if (maxBodyBytes <= 0 || maxBodyBytes > 64 * 1024 * 1024) {
            throw new ConfigException("max_body_bytes", "must be between 1 and 67108864");
        }
    }

    public static LimitsConfig ofDefaults() {
        return new LimitsConfig(DEFAULT_MAX_BODY_BYTES, false);
    }

    @JsonCreator
    static LimitsConfig fromYaml(@JsonProperty("max_body_bytes") Integer maxBodyBytes,
                                 @JsonProperty("decode_request_bodies") Boolean decodeRequestBodies) {
        return new LimitsConfig(maxBodyBytes == null ? DEFAULT_MAX_BODY_BYTES : maxBodyBytes,
                decodeRequestBodies != null && decodeRequestBodies);
    }
}
