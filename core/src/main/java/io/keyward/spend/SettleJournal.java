package io.keyward.spend;

import io.keyward.files.OwnerOnlyFiles;
import io.keyward.store.ReservationEnd;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settles and releases this node owes the ledger, on local disk, so that none is forgotten
 * when the database is away or the node restarts. Why a local file and not the database: what to
 * settle (what the vendor's answer says was spent) is known only on this node, at the moment the
 * database may be unreachable or refusing commits; the ledger alone cannot tell a call still at the
 * vendor from one answered whose settle was lost.
 *
 * <p>One line per event, appended: {@code E <id> <spent> S|R} when a reservation's end is owed
 * (followed by {@code <key id> <day> <reserved>} for money drawn from an escrow lease, which has no row to read them from),
 * {@code D <id>} once it is in the ledger. Lines are written (to the OS) before the settle is
 * tried, so a killed process loses none; they are forced to the disk once per batch, before the
 * batch is sent. A torn last line (a crash mid-write) is ignored: its settle was never attempted,
 * and its money stays reserved — under-use until the day resets, never overshoot. Whenever nothing
 * is owed the file is emptied; while much is, it is rewritten with only what is still owed.
 */
final class SettleJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SettleJournal.class);
    static final String FILE = "spend-settles.journal";
    private static final long REWRITE_BYTES = 4L * 1024 * 1024;
    private final Path file;
    /** Ends written and not yet marked done, in the order they were owed. */
    private final Map<String, ReservationEnd> open = new LinkedHashMap<>();
    private final List<ReservationEnd> recovered;
    private FileChannel channel;
    private boolean failing;

    SettleJournal(Path dir) throws IOException {
        this.file = dir.resolve(FILE);
        OwnerOnlyFiles.folder(dir, file);
        if (Files.exists(file)) {
            read(Files.readString(file, StandardCharsets.UTF_8));
        }
        this.recovered = List.copyOf(open.values());
        rewrite();
        if (!recovered.isEmpty()) {
            LOG.warn("{} settles owed from before the last stop found in {}; settling them", recovered.size(), file);
        }
    }

    /** What a previous run of this node still owed the ledger when it stopped. */
    List<ReservationEnd> recovered() {
        return recovered;
    }

    synchronized void owed(ReservationEnd end) {
        open.put(end.reservationId(), end);
        append(line(end));
    }

    synchronized void done(Collection<String> ids) {
        StringBuilder lines = new StringBuilder();
        for (String id : ids) {
            if (open.remove(id) != null) {
                lines.append("D ").append(id).append('\n');
            }
        }
        if (open.isEmpty()) {
            truncate();
        } else if (lines.length() > 0) {
            append(lines.toString());
            rewriteIfLarge();
        }
    }

    /** Forces what was appended to the disk (once per batch, before it is sent). */
    synchronized void force() {
        try {
            channel.force(false);
        } catch (IOException e) {
            failed(e);
        }
    }

    private void read(String text) {
        int end = text.lastIndexOf('\n');
        for (String line : (end < 0 ? "" : text.substring(0, end)).split("\n")) {
            String[] f = line.split(" ");
            try {
                if ((f.length == 4 || f.length == 7) && f[0].equals("E")) {
                    ReservationEnd.Drawn drawn = f.length == 4 ? null
                            : new ReservationEnd.Drawn(f[4], java.time.LocalDate.parse(f[5]), new BigDecimal(f[6]));
                    open.put(f[1], new ReservationEnd(f[1], new BigDecimal(f[2]), f[3].equals("R"), drawn));
                } else if (f.length == 2 && f[0].equals("D")) {
                    open.remove(f[1]);
                } else if (!line.isEmpty()) {
                    LOG.warn("Skipping a malformed line of {}", file);
                }
            } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
                LOG.warn("Skipping a malformed line of {}", file);
            }
        }
    }

    /** {@code E <id> <spent> S|R}, and for money drawn from a lease {@code <key id> <day> <reserved>} after it. */
    private static String line(ReservationEnd end) {
        String line = "E " + end.reservationId() + " " + end.spentUsd().toPlainString() + " " + (end.released() ? "R" : "S");
        ReservationEnd.Drawn drawn = end.drawn();
        return (drawn == null ? line : line + " " + drawn.keyId() + " " + drawn.day() + " " + drawn.reservedUsd().toPlainString()) + "\n";
    }

    private void append(String lines) {
        try {
            ByteBuffer bytes = ByteBuffer.wrap(lines.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            failing = false;
        } catch (IOException e) {
            failed(e);
        }
    }

    private void truncate() {
        try {
            channel.truncate(0);
        } catch (IOException e) {
            failed(e);
        }
    }

    private void rewriteIfLarge() {
        try {
            if (channel.size() > REWRITE_BYTES) {
                rewrite();
            }
        } catch (IOException e) {
            failed(e);
        }
    }

    /** Replaces the file with one holding only what is still owed, atomically, and appends to it from then on. */
    private void rewrite() throws IOException {
        StringBuilder text = new StringBuilder();
        open.values().forEach(e -> text.append(line(e)));
        Path next = file.resolveSibling(FILE + ".next");
        try (FileChannel out = OwnerOnlyFiles.open(next, StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
            out.force(true);
        }
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (channel != null) {
            channel.close();
        }
        channel = OwnerOnlyFiles.open(file, StandardOpenOption.APPEND);
    }

    /** Settling goes on without the journal: only a restart during the failure could then lose a settle. */
    private void failed(IOException e) {
        if (!failing) {
            failing = true;
            LOG.error("Settle journal {} cannot be written ({}); settles owed now are lost if this node stops", file, e.toString());
        }
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
