package io.keyward.forward;

import io.keyward.config.ConfigException;
import io.keyward.config.ForwardConfig;
import io.keyward.contract.UpstreamCredential;
import io.keyward.contract.Vendor;
import io.keyward.request.CallRequest;
import io.keyward.route.Route;
import io.keyward.secret.SecretRedactor;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Sends the call to the vendor on one pooled, non-blocking HttpClient 5 client and hands the
 * vendor's answer back to be written to the agent: status, end-to-end headers and body as the
 * vendor sent them, except that any run of a real secret the vendor echoes is masked
 * ({@link SecretRedactor}). Vendors are asked for uncompressed answers so the masking can see every
 * byte; one that compresses anyway is decoded on the way.
 *
 * <p>No thread waits while the vendor works: {@link #send} returns at once, the answer is collected
 * on HttpClient's I/O reactor ({@link AnswerConsumer}), and whoever completes the call writes it with
 * {@link #answer} on a thread of its own (the gateway: a container thread of the agent's async request).
 *
 * <p>The upstream host always comes from the route's configured base, never from the agent's
 * request. The client follows no redirects (that could divert a money-moving call) and retries only
 * where a repeat cannot move money twice: once, a GET, or a Stripe POST carrying an Idempotency-Key,
 * whose request did not get through (refused, reset, or closed without an answer). Each vendor has
 * a bulkhead and a circuit breaker ({@link VendorCircuits}) and each operation its response timeout.
 * The bulkhead counts calls until the vendor's answer is in, so it bounds calls at the vendor
 * although no thread is held; answers waiting to be written to the agent (each at most
 * {@link AnswerConsumer#LIMIT} bytes) are bounded by the container's threads, not by it.
 */
public final class Forwarder implements AutoCloseable {
    private final PoolingAsyncClientConnectionManager pool;
    private final CloseableHttpAsyncClient client;
    private final ForwardConfig config;
    private final RequestConfig requestDefaults;
    private final VendorCircuits circuits;
    private final AgentAnswer agentAnswer;

    /** Refuses a response timeout named for a vendor or operation Keyward does not serve. */
    public static void checkConfig(ForwardConfig config, Map<String, Vendor> vendors) {
        config.responseTimeouts().forEach((vendor, ops) -> {
            Vendor profile = vendors.get(vendor);
            if (profile == null) {
                throw new ConfigException("forward.response_timeouts." + vendor, "is not a configured vendor");
            }
            for (String op : ops.keySet()) {
                if (profile.catalog().named(op).isEmpty()) {
                    throw new ConfigException("forward.response_timeouts." + vendor + "." + op,
                            "is not an operation of " + vendor);
                }
            }
        });
    }

    public Forwarder(ForwardConfig config, SecretRedactor redactor) {
        for (String logger : List.of("org.apache.hc.client5.http.headers", "org.apache.hc.client5.http.wire")) {
            if (LoggerFactory.getLogger(logger).isDebugEnabled()) {
                // These loggers print every request header, the real vendor secret among them.
                throw new IllegalStateException("Keyward will not start with the logger " + logger
                        + " at DEBUG: it would write the vendor secrets to the log");
            }
        }
        this.config = config;
        this.circuits = new VendorCircuits(config);
        this.agentAnswer = new AgentAnswer(redactor);
        pool = PoolingAsyncClientConnectionManagerBuilder.create()
                .setMaxConnTotal(config.maxConnections())
                .setMaxConnPerRoute(config.maxConnections())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(config.connectTimeout()))
                        .setSocketTimeout(Timeout.of(config.responseTimeout()))
                        .build())
                // HTTP/1.1 as before: hop-by-hop handling and the broken-off answer rules are HTTP/1.1's.
                .setDefaultTlsConfig(TlsConfig.custom().setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_1).build())
                .build();
        requestDefaults = RequestConfig.custom()
                .setResponseTimeout(Timeout.of(config.responseTimeout()))
                .setConnectionRequestTimeout(Timeout.of(config.connectTimeout()))
                .setRedirectsEnabled(false)
                .build();
        client = HttpAsyncClients.custom()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(requestDefaults)
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableContentCompression()
                .disableCookieManagement()
                .disableAuthCaching()
                .build();
        client.start();
    }

    /** By vendor called so far, the state of its circuit breaker (closed, open, half_open, ...). */
    public Map<String, String> circuitStates() {
        return circuits.states();
    }

    /**
     * Sends the call; returns at once. The result completes, on HttpClient's I/O thread, with the
     * vendor's answer (possibly broken off part way, {@link VendorAnswer#complete()}) or exceptionally
     * with an {@link UpstreamFailure}: {@code error_upstream} (502, or 504 on a timeout) when the vendor
     * could not be reached, did not answer, or answered what Keyward cannot check. Whoever waits on it
     * must not block that thread.
     *
     * @throws UpstreamFailure 503 at once when the vendor's bulkhead is full or its circuit open
     */
    public CompletableFuture<VendorAnswer> send(Route route, CallRequest call, UpstreamCredential credential) {
        String vendor = route.vendor().name();
        VendorCircuits.Admission admission = circuits.admit(vendor);
        RequestConfig requestConfig = RequestConfig.copy(requestDefaults)
                .setResponseTimeout(Timeout.of(config.responseTimeout(vendor, operationName(call)))).build();
        VendorExchange exchange = new VendorExchange(client, route, call, credential, requestConfig, admission,
                config.retryConnectionFailures());
        exchange.send();
        return exchange.result();
    }

    /**
     * Writes the vendor's answer to {@code agent}, masked. Blocking writes: call it on a thread that may
     * block (a container thread), never on the thread that completed {@link #send}'s result.
     *
     * @param copyBody whether to keep a copy of the start of the vendor's body (to read the cost it states)
     * @throws UpstreamFailure 502 when a compressed body inflates past {@link AnswerConsumer#LIMIT} or is
     *     compressed twice; nothing was written
     */
    public ForwardResult answer(VendorAnswer answer, Route route, HttpServletResponse agent, boolean copyBody) {
        return agentAnswer.write(answer, route.vendor().requestIdHeader(), agent, copyBody);
    }

    private static String operationName(CallRequest call) {
        return call.operation() == null ? "" : call.operation().name();
    }

    @Override
    public void close() {
        client.close(CloseMode.GRACEFUL);
        pool.close(CloseMode.GRACEFUL);
    }
}
