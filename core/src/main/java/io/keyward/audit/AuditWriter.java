package io.keyward.audit;

import io.keyward.config.AuditConfig;
import io.keyward.store.CallRepository;
import io.keyward.store.CallRow;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes audit rows off the request thread, losing none. Calls hand rows to a bounded queue; one
 * writer thread inserts them in batches, one transaction per batch. When the database cannot take
 * a batch, it and every row after it go to the spool on disk, in order, and are replayed in order
 * once the database is back; a row already inserted is skipped by its unique request id, so a
 * crash mid-replay duplicates nothing. While the spool is over its limit, {@link #accepting()} is
 * false and the gateway refuses calls (fail closed): money never moves without an audit record.
 */
public final class AuditWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);
    private static final long RETRY_PAUSE_MS = 250;

    private final CallRepository calls;
    private final AuditConfig config;
    private final AuditSpool spool;
    private final ForwardJournal journal;
    private final BlockingQueue<CallRow> queue;
    private final Thread writer;
    private final Object progress = new Object();
    private volatile boolean running = true;
    private long handled;
    private long accepted;

    public AuditWriter(CallRepository calls, AuditConfig config) {
        this.calls = calls;
        this.config = config;
        this.spool = new AuditSpool(config.spoolDir());
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.journal = openJournal(config, spool);
        if (!spool.isEmpty()) {
            LOG.warn("Audit spool in {} holds rows from before; replaying them", config.spoolDir());
        }
        this.writer = new Thread(this::run, "keyward-audit-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** The journal, after the rows it held of calls a stopped node never saw answered are in the spool. */
    private static ForwardJournal openJournal(AuditConfig config, AuditSpool spool) {
        try {
            ForwardJournal journal = new ForwardJournal(config.spoolDir());
            List<CallRow> unanswered = journal.unfinished();
            if (!unanswered.isEmpty()) {
                LOG.warn("{} calls were at the vendor when this node last stopped; their rows go to the audit trail", unanswered.size());
                spool.append(unanswered);
            }
            journal.clear();
            return journal;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot open the forward journal in " + config.spoolDir(), e);
        }
    }

    /**
     * Puts a money call's row on disk before the call is forwarded (its final row, written after,
     * replaces it): a crash while the vendor acts cannot lose the call's audit record.
     *
     * @throws IOException when the disk cannot take it; the call must then not be forwarded
     */
    public void beforeForwarding(CallRow row) throws IOException {
        journal.open(row);
    }

    /** Money calls written ahead so far, and the disk forces that carried them (their ratio is the group commit). */
    public record WriteAhead(long calls, long forces) {
    }

    public WriteAhead writeAhead() {
        return new WriteAhead(journal.entries(), journal.forces());
    }

    /** Queues one row; waits while the queue is full, so a row is never dropped. */
    public void write(CallRow row) {
        try {
            synchronized (progress) {
                accepted++;
            }
            queue.put(row);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while queueing an audit row", e);
        }
    }

    /** Rows queued for the writer thread, not yet in the database or the spool. */
    public int queued() {
        return queue.size();
    }

    /** Bytes of rows on disk waiting for the database. */
    public long spooledBytes() {
        return spool.pendingBytes();
    }

    /** False while the spool is over its limit and the config says to fail closed. */
    public boolean accepting() {
        return !config.failClosed() || spool.pendingBytes() < config.spoolMaxBytes();
    }

    /** Waits until every row queued so far is in the database (not just the spool). @return whether it happened in time */
    public boolean flush(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            long target = accepted;
            while (handled < target || !spool.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(progress, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
        }
        return true;
    }

    private void run() {
        List<CallRow> batch = new ArrayList<>(config.batchSize());
        while (running || !queue.isEmpty()) {
            try {
                CallRow first = queue.poll(RETRY_PAUSE_MS, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, config.batchSize() - 1);
                }
                if (!batch.isEmpty()) {
                    store(batch);
                    journal.closed(batch);
                    done(batch.size());
                    batch.clear();
                }
                if (!spool.isEmpty() && !replay()) {
                    pause();
                }
            } catch (InterruptedException e) {
                if (!running) {
                    break;
                }
            } catch (IOException e) {
                // The disk failed too: keep the batch and try again; callers wait on the full queue meanwhile.
                LOG.error("Audit spool in {} cannot be written ({}); retrying", config.spoolDir(), e.getClass().getSimpleName());
                pause();
            }
        }
        if (!batch.isEmpty()) {
            spoolOnExit(batch);
        }
    }

    /** Into the database, unless rows are already waiting in the spool (order first) or the database fails. */
    private void store(List<CallRow> batch) throws IOException {
        if (spool.isEmpty()) {
            try {
                calls.insertBatch(batch);
                return;
            } catch (RuntimeException e) {
                LOG.warn("Audit database unavailable ({}); spooling to {}", e.getClass().getSimpleName(), config.spoolDir());
            }
        }
        spool.append(batch);
    }

    /** Replays the spool in order. @return false when the database refused a batch */
    private boolean replay() throws IOException {
        while (true) {
            AuditSpool.Chunk chunk = spool.next(config.batchSize());
            if (chunk.rows().isEmpty()) {
                spool.replayed(chunk.endOffset());
                notifyProgress();
                return true;
            }
            try {
                calls.insertBatch(chunk.rows());
            } catch (RuntimeException e) {
                return false;
            }
            spool.replayed(chunk.endOffset());
            notifyProgress();
            if (spool.isEmpty()) {
                LOG.info("Audit spool replayed into the database");
                return true;
            }
            if (!queue.isEmpty()) {
                // New rows keep their place behind the spool; take them in before replaying on.
                return true;
            }
        }
    }

    private void done(int rows) {
        synchronized (progress) {
            handled += rows;
            progress.notifyAll();
        }
    }

    private void notifyProgress() {
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    private void pause() {
        try {
            Thread.sleep(RETRY_PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void spoolOnExit(List<CallRow> rows) {
        try {
            spool.append(rows);
            journal.closed(rows);
        } catch (IOException e) {
            LOG.error("Audit writer stopped with {} rows it could not spool", rows.size());
        }
    }

    /** Stops taking work: drains the queue into the database or, failing that, the spool (at most ten seconds). */
    @Override
    public void close() throws InterruptedException {
        running = false;
        writer.join(Duration.ofSeconds(10).toMillis());
        if (writer.isAlive()) {
            writer.interrupt();
            writer.join(1_000);
        }
        List<CallRow> left = new ArrayList<>();
        queue.drainTo(left);
        if (!left.isEmpty()) {
            spoolOnExit(left);
        }
        try {
            journal.close();
        } catch (IOException e) {
            LOG.warn("Forward journal did not close cleanly ({})", e.getClass().getSimpleName());
        }
    }
}
