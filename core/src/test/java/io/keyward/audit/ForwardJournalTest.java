package io.keyward.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.store.CallRow;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The write-ahead of money calls on its own: what a restarted node finds, torn lines, compaction. */
class ForwardJournalTest {

    private static CallRow row(String id) {
        return new CallRow(null, Instant.parse("2026-12-01T08:00:00Z"), id, "key1", "agent", "run-1", "stripe", "POST",
                "payment_intents.create", "/v1/payment_intents", "/v1/payment_intents", "allowed", "allow[0]", null,
                new BigDecimal("0.600000"), null, null, null, "idem-" + id, 10L, null, "node-a", "{\"agent_name\":\"agent\"}", null);
    }

    @Test
    void aRestartFindsTheCallsOpenedAndNeverClosedMarkedUnanswered(@TempDir Path dir) throws Exception {
        try (ForwardJournal journal = new ForwardJournal(dir)) {
            for (String id : List.of("kwr_a", "kwr_b", "kwr_c")) {
                journal.open(row(id));
            }
            journal.closed(List.of(row("kwr_b")));
            // no close: the node is "killed" here
        }
        List<CallRow> unfinished = new ForwardJournal(dir).unfinished();

        assertEquals(List.of("kwr_a", "kwr_c"), unfinished.stream().map(CallRow::requestId).toList());
        CallRow a = unfinished.get(0);
        assertEquals(ForwardJournal.UNANSWERED, a.reason());
        assertEquals(0, new BigDecimal("0.60").compareTo(a.estimatedUsd()), "the reservation it was forwarded under");
        assertEquals("idem-kwr_a", a.idempotencyKey());
        assertEquals("allowed", a.policyCheckResult());
    }

    @Test
    void aLineTornByTheCrashIsNotACall(@TempDir Path dir) throws Exception {
        try (ForwardJournal journal = new ForwardJournal(dir)) {
            journal.open(row("kwr_whole"));
        }
        Files.writeString(dir.resolve(ForwardJournal.FILE), "{\"open\":{\"ts\":\"2026-12-01T08:0", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        assertEquals(List.of("kwr_whole"), new ForwardJournal(dir).unfinished().stream().map(CallRow::requestId).toList());
    }

    @Test
    void clearingAfterReplayLeavesNothingForTheNextStart(@TempDir Path dir) throws Exception {
        try (ForwardJournal journal = new ForwardJournal(dir)) {
            journal.open(row("kwr_x"));
        }
        try (ForwardJournal restarted = new ForwardJournal(dir)) {
            assertEquals(1, restarted.unfinished().size());
            restarted.clear();
        }
        assertTrue(new ForwardJournal(dir).unfinished().isEmpty());
    }

    @Test
    void theFileIsEmptiedOnceNothingIsOpenAndItHasGrown(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(ForwardJournal.FILE);
        try (ForwardJournal journal = new ForwardJournal(dir)) {
            List<CallRow> rows = new ArrayList<>();
            for (int i = 0; Files.size(file) <= ForwardJournal.COMPACT_BYTES; i++) {
                CallRow r = row("kwr_" + i);
                journal.open(r);
                rows.add(r);
            }
            journal.closed(rows.subList(0, rows.size() - 1));
            assertTrue(Files.size(file) > ForwardJournal.COMPACT_BYTES, "one call still open: kept");
            journal.closed(rows.subList(rows.size() - 1, rows.size()));
            assertEquals(0, Files.size(file), "all closed and past the limit: emptied");
            journal.open(row("kwr_after"));
        }
        assertEquals(List.of("kwr_after"), new ForwardJournal(dir).unfinished().stream().map(CallRow::requestId).toList());
    }

    @Test
    void concurrentCallsAreAllOnDiskWhenOpenReturns(@TempDir Path dir) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (ForwardJournal journal = new ForwardJournal(dir)) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                String id = "kwr_" + i;
                done.add(pool.submit(() -> {
                    journal.open(row(id));
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            assertEquals(400, journal.entries());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(400, new ForwardJournal(dir).unfinished().size());
    }
}
