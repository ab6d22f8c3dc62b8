package io.keyward.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;

/**
 * The audit writer: batches of {@code batchSize} rows; while the database cannot take them, rows go
 * to an append-only spool in {@code spoolDir} (kept across restarts) and are replayed in order.
 *
 * @param failClosed whether proxied calls are refused (503) while the spool is over {@code spoolMaxBytes}
 */
public record AuditConfig(Path spoolDir, long spoolMaxBytes, boolean failClosed, int batchSize, int queueCapacity) {

    public AuditConfig {
        if (spoolMaxBytes < 1024) {
            throw new ConfigException("spool_max_bytes", "must be at least 1024");
        }
        if (batchSize < 1 || batchSize > 10_000) {
            throw new ConfigException("batch_size", "must be between 1 and 10000");
        }
        if (queueCapacity < batchSize) {
            throw new ConfigException("queue_capacity", "must be at least batch_size");
        }
    }

    /**
     * The spool in the user's home ({@code ~/.keyward/spool/<node>}), never under the temp dir, where
     * other users may read or plant files and cleaners delete what has not been replayed yet. Set
     * {@code audit.spool_dir} to a lasting place of your own in production.
     */
    public static AuditConfig ofDefaults(String nodeId) {
        return new AuditConfig(Path.of(System.getProperty("user.home"), ".keyward", "spool", nodeId.replaceAll("[^A-Za-z0-9._-]", "_")),
                256L * 1024 * 1024, true, 100, 10_000);
    }

    @JsonCreator
    static AuditConfig fromYaml(@JsonProperty("spool_dir") String spoolDir,
                                @JsonProperty("spool_max_bytes") Long spoolMaxBytes,
                                @JsonProperty("fail_closed") Boolean failClosed,
                                @JsonProperty("batch_size") Integer batchSize,
                                @JsonProperty("queue_capacity") Integer queueCapacity) {
        AuditConfig d = ofDefaults("node");
        return new AuditConfig(spoolDir == null ? null : Path.of(spoolDir),
                spoolMaxBytes == null ? d.spoolMaxBytes() : spoolMaxBytes,
                failClosed == null || failClosed,
                batchSize == null ? d.batchSize() : batchSize,
                queueCapacity == null ? d.queueCapacity() : queueCapacity);
    }

    /** With the node's default spool folder when none was configured. */
    AuditConfig withSpoolDirFor(String nodeId) {
        return spoolDir != null ? this : new AuditConfig(ofDefaults(nodeId).spoolDir(), spoolMaxBytes, failClosed, batchSize, queueCapacity);
    }
}
