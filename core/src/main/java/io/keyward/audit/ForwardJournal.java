package io.keyward.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyward.files.OwnerOnlyFiles;
import io.keyward.json.Json;
import io.keyward.store.CallRow;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The write-ahead of money calls: a call's audit row, as it stands before forwarding, is on disk
 * before the vendor can act, so a node killed at any moment after (kill -9, power loss) still leaves
 * that call's row. Rows are queued and written in batches off the request thread; without this, the
 * rows in memory at a crash, of calls that moved money, would be lost.
 *
 * <p>Each entry is one JSON line, {@code {"open":row}}, forced to disk before the call goes out.
 * Forcing is group-committed: a thread forces everything appended so far, so concurrent calls share
 * one {@code fsync}. Once the call's final row is in the database or the spool, {@code {"closed":id}}
 * is appended without forcing: if that line is lost, the replay inserts a row whose request id
 * already exists, which {@code INSERT IGNORE} turns into nothing. At start, entries opened and never
 * closed become rows saying the call's answer was never recorded; the file is emptied whenever no
 * entry is open and it has grown past {@link #COMPACT_BYTES}.
 */
final class ForwardJournal implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ForwardJournal.class);
    static final String FILE = "forwarded.journal";
    static final long COMPACT_BYTES = 1 << 20;
    static final String UNANSWERED = "the node stopped while the call was at the vendor: its answer was never recorded"
            + " (the vendor may have acted)";

    private final Path file;
    private final FileChannel channel;
    private final Object appendLock = new Object();
    private final Object forceLock = new Object();
    /** Guarded by {@link #forceLock}: everything before this position is on disk. */
    private long forcedTo;
    private final Set<String> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong entries = new AtomicLong();
    private final AtomicLong forces = new AtomicLong();

    ForwardJournal(Path dir) throws IOException {
        this.file = dir.resolve(FILE);
        this.channel = OwnerOnlyFiles.open(file, StandardOpenOption.APPEND);
    }

    /** The rows of calls opened and never closed by the node that ran before, marked as unanswered. */
    List<CallRow> unfinished() throws IOException {
        Map<String, CallRow> opened = new LinkedHashMap<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                JsonNode entry = readOrNull(line);
                if (entry == null) {
                    // A line torn by the crash: its call was never forwarded (forwarding waits for the force).
                    continue;
                }
                if (entry.has("open")) {
                    CallRow row = RowJson.fromJson(entry.get("open"));
                    opened.put(row.requestId(), row);
                } else if (entry.has("closed")) {
                    opened.remove(entry.get("closed").asText());
                }
            }
        }
        return opened.values().stream().map(ForwardJournal::unanswered).toList();
    }

    /** Empties the journal once what {@link #unfinished()} returned is safely in the spool. */
    void clear() throws IOException {
        synchronized (appendLock) {
            channel.truncate(0);
            channel.force(true);
        }
    }

    /** Writes {@code row} ahead of forwarding its call; returns once it is on disk. */
    void open(CallRow row) throws IOException {
        ObjectNode entry = Json.MAPPER.createObjectNode();
        entry.set("open", RowJson.toJson(row));
        long end;
        synchronized (appendLock) {
            write(entry);
            open.add(row.requestId());
            end = channel.position();
        }
        entries.incrementAndGet();
        synchronized (forceLock) {
            if (forcedTo < end) {
                long upTo;
                synchronized (appendLock) {
                    upTo = channel.position();
                }
                channel.force(false);
                forces.incrementAndGet();
                forcedTo = upTo;
            }
        }
    }

    /** Marks the calls of these rows as recorded for good (in the database or the spool). */
    void closed(List<CallRow> rows) throws IOException {
        synchronized (appendLock) {
            for (CallRow row : rows) {
                if (open.remove(row.requestId())) {
                    write(Json.MAPPER.createObjectNode().put("closed", row.requestId()));
                }
            }
            if (open.isEmpty() && channel.size() > COMPACT_BYTES) {
                channel.truncate(0);
                synchronized (forceLock) {
                    forcedTo = 0;
                }
            }
        }
    }

    /** Calls written ahead so far, and the forces that carried them: their ratio is the group commit. */
    long entries() {
        return entries.get();
    }

    long forces() {
        return forces.get();
    }

    private void write(ObjectNode entry) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap((Json.text(entry) + "\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    private static JsonNode readOrNull(String line) {
        try {
            return line.isBlank() ? null : Json.MAPPER.readTree(line);
        } catch (IOException torn) {
            return null;
        }
    }

    private static CallRow unanswered(CallRow r) {
        return new CallRow(null, r.ts(), r.requestId(), r.keyId(), r.agentName(), r.agentRunId(), r.vendor(), r.method(),
                r.operation(), r.pathTemplate(), r.path(), r.policyCheckResult(), r.rule(), UNANSWERED, r.estimatedUsd(),
                r.amountUsd(), r.upstreamStatus(), r.upstreamRequestId(), r.idempotencyKey(), r.latencyUs(),
                r.upstreamLatencyUs(), r.nodeId(), r.metadata(), r.shadowResult());
    }

    @Override
    public void close() throws IOException {
        channel.close();
        LOG.debug("Forward journal closed after {} entries in {} forces", entries.get(), forces.get());
    }
}
