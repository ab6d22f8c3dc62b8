package io.keyward.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keyward.store.ReservationEnd;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settle journal names reservations and amounts: like the audit spool, its folder and file are the owner's alone. */
class SettleJournalFilesTest {
    @TempDir
    Path base;

    @Test
    void theJournalAndItsRewriteAreOwnerOnlyAndItsOwedEndsSurviveARestart() throws Exception {
        Path dir = base.resolve("spool");
        try (SettleJournal journal = new SettleJournal(dir)) {
            journal.owed(ReservationEnd.settled("res-1", new BigDecimal("0.37")));
            journal.force();
        }
        Path file = dir.resolve(SettleJournal.FILE);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (SettleJournal restarted = new SettleJournal(dir)) {
            assertEquals(List.of("res-1"), restarted.recovered().stream().map(ReservationEnd::reservationId).toList());
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), "after the rewrite at start");
    }

    @Test
    void whatALeaseAdmittedCallOwesSurvivesARestartWithTheMoneyItHolds() throws Exception {
        Path dir = base.resolve("leases");
        ReservationEnd.Drawn drawn = new ReservationEnd.Drawn("k0123456789abcde", java.time.LocalDate.of(2026, 12, 1), new BigDecimal("0.37"));
        ReservationEnd settled = ReservationEnd.drawn("Labc-c1", drawn, new BigDecimal("0.30"), false);
        ReservationEnd released = ReservationEnd.drawn("Labc-r", drawn, BigDecimal.ZERO, true);
        try (SettleJournal journal = new SettleJournal(dir)) {
            journal.owed(settled);
            journal.owed(released);
            journal.owed(ReservationEnd.settled("res-2", new BigDecimal("1.00")));
            journal.done(List.of("res-2"));
            journal.force();
        }
        // A torn last line (a crash mid-append) is ignored, the lines before it are not.
        Files.writeString(dir.resolve(SettleJournal.FILE), "E Ltorn-c9 0.37 S k0123", java.nio.file.StandardOpenOption.APPEND);
        try (SettleJournal restarted = new SettleJournal(dir)) {
            assertEquals(List.of(settled, released), restarted.recovered(), "key, day and held amount come back with each end");
        }
    }
}
