package io.keyward.audit;

import io.keyward.files.OwnerOnlyFiles;
import io.keyward.json.Json;
import io.keyward.store.CallRow;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Audit rows the database could not take yet: an append-only file of JSON lines, forced to disk
 * after every append, and a second file holding how far replay has got, forced after every
 * replayed batch. A crash between inserting a batch and recording it makes that one batch replay
 * again, which the unique request id turns into a no-op: each row lands exactly once. The rows name
 * agents, runs and paths: the folder is the owner's alone (0700) and so are its files (0600), on
 * file systems with POSIX permissions.
 */
final class AuditSpool {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AuditSpool.class);
    private final Path rows;
    private final Path offset;
    /**
     * Bytes not yet replayed, kept in memory: every call asks (to refuse calls while the spool is
     * over its limit), and a file-system look per call would serialize request threads on this lock.
     */
    private volatile long pending;

    AuditSpool(Path dir) {
        this.rows = dir.resolve("calls.spool");
        this.offset = dir.resolve("calls.spool.offset");
        try {
            OwnerOnlyFiles.folder(dir, rows, offset);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the audit spool folder " + dir, e);
        }
        this.pending = pendingOnDisk();
    }

    synchronized void append(List<CallRow> batch) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (CallRow row : batch) {
            lines.append(Json.text(RowJson.toJson(row))).append('\n');
        }
        try (FileChannel ch = OwnerOnlyFiles.open(rows, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        } finally {
            pending = pendingOnDisk();
        }
    }

    /** Bytes not yet replayed. */
    long pendingBytes() {
        return pending;
    }

    private long pendingOnDisk() {
        try {
            return Files.exists(rows) ? Files.size(rows) - replayedUpTo() : 0;
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    boolean isEmpty() {
        return pendingBytes() <= 0;
    }

    /** The next rows to replay, at most {@code max}, and the offset just past them. */
    synchronized Chunk next(int max) throws IOException {
        long from = replayedUpTo();
        long size = Files.size(rows);
        List<CallRow> out = new ArrayList<>();
        long position = from;
        try (FileChannel ch = FileChannel.open(rows, StandardOpenOption.READ)) {
            ch.position(from);
            BufferedReader reader = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            String line;
            while (out.size() < max && (line = reader.readLine()) != null) {
                position += line.getBytes(StandardCharsets.UTF_8).length + 1;
                if (position > size) {
                    // A last line without its newline: an append torn by a crash, never acknowledged. Skip it.
                    LOG.warn("Audit spool ends in a line torn by an interrupted append; skipping it");
                    return new Chunk(out, size);
                }
                if (!line.isBlank()) {
                    out.add(RowJson.fromJson(Json.MAPPER.readTree(line)));
                }
            }
        }
        return new Chunk(out, position);
    }

    record Chunk(List<CallRow> rows, long endOffset) {
    }

    /** Records that everything before {@code endOffset} is in the database; empties the spool once all of it is. */
    synchronized void replayed(long endOffset) throws IOException {
        try {
            if (endOffset >= Files.size(rows)) {
                Files.delete(rows);
                Files.deleteIfExists(offset);
                return;
            }
            try (FileChannel ch = OwnerOnlyFiles.open(offset, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap(Long.toString(endOffset).getBytes(StandardCharsets.US_ASCII)));
                ch.force(true);
            }
        } finally {
            pending = pendingOnDisk();
        }
    }

    private long replayedUpTo() throws IOException {
        return Files.exists(offset) ? Long.parseLong(Files.readString(offset, StandardCharsets.US_ASCII).strip()) : 0;
    }
}
