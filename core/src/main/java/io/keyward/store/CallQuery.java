package io.keyward.store;

import java.time.Instant;

/** Filters for reading the audit log, newest first; {@code beforeId} continues from the previous page. */
public record CallQuery(String agentRunId, String keyId, String agentName, String vendor, String result,
                        Instant since, Instant until, Long beforeId, int limit) {
}
