package io.keyward.forward;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Collects one vendor answer on HttpClient's I/O reactor thread, without blocking it: the head, then
 * the body bytes as they arrive, into one array that grows up to {@link #LIMIT}. An answer longer than
 * that fails the exchange ({@link AnswerTooLarge}) instead of being held: vendors' API answers are
 * small JSON, and a bound per call is what keeps many slow calls in flight from exhausting the heap.
 *
 * <p>Callbacks for one exchange come one after another (the reactor, or a failure on the caller's
 * thread), so the methods are synchronized only to publish the fields between those threads.
 */
final class AnswerConsumer implements AsyncResponseConsumer<VendorAnswer> {
    /** The most of one answer Keyward holds (8 MiB): far above any JSON answer of the vendors' APIs. */
    static final int LIMIT = 8 * 1024 * 1024;
    private final long startNanos;
    private HttpResponse head;
    private String encoding;
    private byte[] body = new byte[0];
    private int length;
    private FutureCallback<VendorAnswer> result;

    AnswerConsumer(long startNanos) {
        this.startNanos = startNanos;
    }

    @Override
    public synchronized void consumeResponse(HttpResponse response, EntityDetails entity, HttpContext context,
                                             FutureCallback<VendorAnswer> resultCallback) throws AnswerTooLarge {
        head = response;
        encoding = ContentEncoding.of(response);
        if (entity == null) {
            resultCallback.completed(answer(true));
            return;
        }
        if (entity.getContentLength() > LIMIT) {
            throw new AnswerTooLarge();
        }
        if (entity.getContentLength() > 0) {
            body = new byte[(int) entity.getContentLength()];
        }
        result = resultCallback;
    }

    @Override
    public void informationResponse(HttpResponse response, HttpContext context) {
        // A 1xx answer is the vendor's business with the connection; the agent gets the final one.
    }

    @Override
    public void updateCapacity(CapacityChannel capacityChannel) throws java.io.IOException {
        // The bound is enforced in consume(); flow control would only slow a small answer down.
        capacityChannel.update(Integer.MAX_VALUE);
    }

    @Override
    public synchronized void consume(ByteBuffer src) throws AnswerTooLarge {
        int n = src.remaining();
        if (n > LIMIT - length) {
            throw new AnswerTooLarge();
        }
        if (length + n > body.length) {
            body = Arrays.copyOf(body, Math.min(LIMIT, Math.max(length + n, Math.max(4096, body.length * 2))));
        }
        src.get(body, length, n);
        length += n;
    }

    @Override
    public synchronized void streamEnd(List<? extends Header> trailers) {
        if (result != null) {
            result.completed(answer(true));
        }
    }

    @Override
    public void failed(Exception cause) {
        // The exchange's own callback reports the failure; it asks partial() whether a head had arrived.
    }

    /** What arrived before the exchange failed, or null when not even the status line did. */
    synchronized VendorAnswer partial() {
        return head == null ? null : answer(false);
    }

    /** The status of the head that arrived, or 0. */
    synchronized int status() {
        return head == null ? 0 : head.getCode();
    }

    private VendorAnswer answer(boolean complete) {
        return new VendorAnswer(head.getCode(), head.getHeaders(), body, length, encoding, complete,
                (System.nanoTime() - startNanos) / 1_000);
    }

    @Override
    public void releaseResources() {
        // Nothing pooled: the array is the answer and leaves with it.
    }
}
