package io.keyward.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Bounds on what an agent may send.
 *
 * @param decodeRequestBodies whether gzip/deflate request bodies are decoded (within the limit) instead of refused
 * @param minBodyBytesPerSecond the slowest a request body may arrive, averaged, once it has taken
 *     more than two seconds: a body dribbled in holds a request thread and nothing else
 */
public record LimitsConfig(int maxBodyBytes, boolean decodeRequestBodies, int minBodyBytesPerSecond) {
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    public static final int DEFAULT_MIN_BODY_BYTES_PER_SECOND = 8 * 1024;

    public LimitsConfig {
        if (maxBodyBytes <= 0 || maxBodyBytes > 64 * 1024 * 1024) {
            throw new ConfigException("max_body_bytes", "must be between 1 and 67108864");
        }
        if (minBodyBytesPerSecond < 1) {
            throw new ConfigException("min_body_bytes_per_second", "must be at least 1");
        }
    }

    public static LimitsConfig ofDefaults() {
        return new LimitsConfig(DEFAULT_MAX_BODY_BYTES, false, DEFAULT_MIN_BODY_BYTES_PER_SECOND);
    }

    @JsonCreator
    static LimitsConfig fromYaml(@JsonProperty("max_body_bytes") Integer maxBodyBytes,
                                 @JsonProperty("decode_request_bodies") Boolean decodeRequestBodies,
                                 @JsonProperty("min_body_bytes_per_second") Integer minBodyBytesPerSecond) {
        return new LimitsConfig(maxBodyBytes == null ? DEFAULT_MAX_BODY_BYTES : maxBodyBytes,
                decodeRequestBodies != null && decodeRequestBodies,
                minBodyBytesPerSecond == null ? DEFAULT_MIN_BODY_BYTES_PER_SECOND : minBodyBytesPerSecond);
    }
}
