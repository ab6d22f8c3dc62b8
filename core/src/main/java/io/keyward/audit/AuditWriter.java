package io.keyward.audit;

import io.keyward.store.CallRepository;
import io.keyward.store.CallRow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes audit rows off the request thread: calls hand rows to a bounded queue and one writer
 * thread inserts them in batches, one transaction per batch. A full queue makes callers wait rather
 * than drop a row; a failed batch is retried, never discarded, while the writer runs.
 */
public final class AuditWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);
    static final int BATCH = 100;
    private static final long RETRY_PAUSE_MS = 500;

    private final CallRepository calls;
    private final BlockingQueue<CallRow> queue;
    private final Thread writer;
    private final Object progress = new Object();
    private volatile boolean running = true;
    private long written;
    private long accepted;

    public AuditWriter(CallRepository calls, int capacity) {
        this.calls = calls;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = new Thread(this::run, "keyward-audit-writer");
        writer.setDaemon(true);
        writer.start();
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

    /** Waits until every row queued so far is in the database. @return whether that happened in time */
    public boolean flush(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            long target = accepted;
            while (written < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(progress, left);
            }
        }
        return true;
    }

    private void run() {
        List<CallRow> batch = new ArrayList<>(BATCH);
        while (running || !queue.isEmpty() || !batch.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    CallRow first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                }
                calls.insertBatch(batch);
                synchronized (progress) {
                    written += batch.size();
                    progress.notifyAll();
                }
                batch.clear();
            } catch (InterruptedException e) {
                if (!running) {
                    break;
                }
            } catch (RuntimeException e) {
                LOG.warn("Audit batch of {} rows not written yet ({}); retrying", batch.size(), e.getClass().getSimpleName());
                if (!pause()) {
                    break;
                }
            }
        }
        int left = batch.size() + queue.size();
        if (left > 0) {
            LOG.error("Audit writer stopped with {} rows unwritten", left);
        }
    }

    private boolean pause() {
        try {
            Thread.sleep(RETRY_PAUSE_MS);
            return running;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Stops taking new work and drains what is queued, waiting at most ten seconds. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        writer.join(Duration.ofSeconds(10).toMillis());
        if (writer.isAlive()) {
            writer.interrupt();
            writer.join(1_000);
        }
    }
}
