package io.keyward.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.keyward.config.AuditConfig;
import io.keyward.store.CallRow;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool names agents, runs and paths: only its owner may read it, and it never lives in the temp dir. */
class AuditSpoolFilesTest {
    @TempDir
    Path base;

    private static CallRow row() {
        return new CallRow(null, Instant.now(), "kwr_spoolfilesaaaaaaaaaaaa", "k1", "agent", "run-1", "stripe", "POST",
                "payment_intents.create", "/v1/payment_intents", "/v1/payment_intents", "allowed", "allow[0]", null,
                new BigDecimal("1.250000"), new BigDecimal("1.000000"), 200, "req_1", null, 1L, 1L, "node-a", null, null);
    }

    @Test
    void theSpoolFolderAndItsFilesAreTheOwnersAlone() throws Exception {
        Path dir = base.resolve("spool");
        AuditSpool spool = new AuditSpool(dir);
        spool.append(List.of(row(), row()));
        AuditSpool.Chunk first = spool.next(1);
        spool.replayed(first.endOffset());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("calls.spool"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("calls.spool.offset"))));
    }

    @Test
    void theForwardJournalIsTheOwnersAloneToo() throws Exception {
        Path dir = base.resolve("journal");
        new AuditSpool(dir);
        try (ForwardJournal journal = new ForwardJournal(dir)) {
            journal.open(row());
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(ForwardJournal.FILE))));
    }

    @Test
    void aSpoolLeftWithLooserModesIsClosedOnStart() throws Exception {
        Path dir = Files.createDirectories(base.resolve("old"));
        Files.writeString(dir.resolve("calls.spool"), "");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir.resolve("calls.spool"), PosixFilePermissions.fromString("rw-r--r--"));
        new AuditSpool(dir);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("calls.spool"))));
    }

    @Test
    void theDefaultSpoolIsNeverUnderTheTempDir() {
        Path spool = AuditConfig.ofDefaults("node-a").spoolDir();
        assertFalse(spool.startsWith(Path.of(System.getProperty("java.io.tmpdir"))), spool.toString());
        assertEquals(Path.of(System.getProperty("user.home"), ".keyward", "spool", "node-a"), spool);
    }
}
