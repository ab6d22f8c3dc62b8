package io.keyward.forward;

import io.keyward.contract.UpstreamCredential;
import io.keyward.request.CallRequest;
import io.keyward.route.Route;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call's exchange with its vendor on the non-blocking client: sends it, sends it once more when
 * {@link ExchangeFailures#retriable} allows, reports to the vendor's circuit, and completes
 * {@link #result()} with the answer or an {@link UpstreamFailure}. Every callback runs on HttpClient's
 * I/O reactor thread (or the caller's, for a failure at once), so none of them blocks: whoever
 * waits for the result continues on a thread of its own.
 */
final class VendorExchange implements FutureCallback<VendorAnswer> {
    private static final Logger LOG = LoggerFactory.getLogger(VendorExchange.class);
    private final CloseableHttpAsyncClient client;
    private final Route route;
    private final CallRequest call;
    private final UpstreamCredential credential;
    private final RequestConfig requestConfig;
    private final VendorCircuits.Admission admission;
    private final boolean retryConnectionFailures;
    private final CompletableFuture<VendorAnswer> result = new CompletableFuture<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final long startNanos = System.nanoTime();
    private volatile int attempt;
    private volatile boolean firstMayHaveActed;
    private volatile AnswerConsumer consumer;

    VendorExchange(CloseableHttpAsyncClient client, Route route, CallRequest call, UpstreamCredential credential,
                   RequestConfig requestConfig, VendorCircuits.Admission admission, boolean retryConnectionFailures) {
        this.client = client;
        this.route = route;
        this.call = call;
        this.credential = credential;
        this.requestConfig = requestConfig;
        this.admission = admission;
        this.retryConnectionFailures = retryConnectionFailures;
    }

    CompletableFuture<VendorAnswer> result() {
        return result;
    }

    /** Sends the request (again): a producer and consumer serve one attempt only. */
    void send() {
        attempt++;
        consumer = new AnswerConsumer(startNanos);
        HttpClientContext context = HttpClientContext.create();
        context.setRequestConfig(requestConfig);
        try {
            client.execute(proxyToServerRequest(), consumer, context, this);
        } catch (RuntimeException e) {
            // The client refused to start the exchange (it is closing): nothing went out.
            admission.failed(e);
            fail(ExchangeFailures.of(new java.net.ConnectException("the vendor client is not running")));
        }
    }

    @Override
    public void completed(VendorAnswer answer) {
        admission.answered(answer.status());
        answered(answer);
    }

    @Override
    public void failed(Exception e) {
        if (e instanceof AnswerTooLarge) {
            admission.answered(consumer.status());
            fail(ExchangeFailures.tooLarge());
            return;
        }
        VendorAnswer partial = consumer.partial();
        if (partial != null) {
            // The status line arrived and the body broke off: the agent gets what came, as broken.
            admission.answered(partial.status());
            answered(partial);
            return;
        }
        if (attempt == 1 && ExchangeFailures.retriable(retryConnectionFailures, route, call, e)) {
            LOG.info("Retrying a {} call to {} once: the request did not get through ({})",
                    call.method(), route.vendor().name(), e.getClass().getSimpleName());
            // A connection closed without an answer may have carried the whole request: whatever the
            // retry meets, the vendor may have acted on the first, so its money must stay counted.
            firstMayHaveActed = ExchangeFailures.of(e).vendorMayHaveActed();
            send();
            return;
        }
        admission.failed(e);
        UpstreamFailure failure = ExchangeFailures.of(e);
        fail(firstMayHaveActed && !failure.vendorMayHaveActed() ? ExchangeFailures.failed() : failure);
    }

    @Override
    public void cancelled() {
        admission.failed(new java.util.concurrent.CancellationException("the exchange was cancelled"));
        fail(ExchangeFailures.failed());
    }

    private void answered(VendorAnswer answer) {
        if (!ContentEncoding.readable(answer.encoding())) {
            fail(ExchangeFailures.unreadableEncoding());
        } else if (end()) {
            result.complete(answer);
        }
    }

    private void fail(UpstreamFailure failure) {
        if (end()) {
            result.completeExceptionally(failure);
        }
    }

    /** Frees the place in the vendor's bulkhead once: the vendor is done with this call. */
    private boolean end() {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        admission.close();
        return true;
    }

    /**
     * The request the vendor receives: the rebuilt path, the query and body bytes that were read, the
     * headers the vendor's contract admitted (each once), and the real credential. The host is the
     * route's configured base, never the agent's.
     */
    private BasicRequestProducer proxyToServerRequest() {
        HttpHost target = HttpHost.create(route.upstreamBase());
        String basePath = route.upstreamBase().getRawPath() == null ? "" : route.upstreamBase().getRawPath();
        String pathAndQuery = basePath + credential.path() + (route.rawQuery() == null ? "" : "?" + route.rawQuery());
        BasicHttpRequest request = new BasicHttpRequest(call.method(), target, pathAndQuery);
        for (CallRequest.Header h : call.headers()) {
            request.addHeader(h.name(), h.value());
        }
        request.setHeader("Authorization", credential.authorization());
        // Without Accept-Encoding any coding is acceptable (RFC 9110 12.5.3): a vendor or its CDN could
        // answer in one Keyward cannot read to mask, after acting. Ask for the answer as it is.
        request.setHeader("Accept-Encoding", "identity");
        AsyncEntityProducer entity = null;
        if (call.body().length > 0 || !"GET".equals(call.method()) && !"DELETE".equals(call.method())) {
            // No content type on the entity: the agent's own Content-Type header travels as sent.
            entity = AsyncEntityProducers.create(call.body(), null);
        }
        return new BasicRequestProducer(request, entity);
    }
}
