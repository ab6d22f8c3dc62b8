package io.keyward.forward;

import io.keyward.config.ConfigException;
import io.keyward.config.ForwardConfig;
import io.keyward.decision.Code;
import io.keyward.decision.Refusal;
import io.keyward.request.CallRequest;
import io.keyward.route.Route;
import io.keyward.contract.UpstreamCredential;
import io.keyward.contract.Vendor;
import io.keyward.secret.SecretRedactor;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the call to the vendor with one pooled HttpClient 5 client and streams the answer back:
 * status, end-to-end headers and body as the vendor sent them, except that any run of a real
 * secret the vendor echoes is masked ({@link SecretRedactor}). Vendors are asked for uncompressed
 * answers so the masking can see every byte; one that compresses anyway is decoded on the way.
 *
 * <p>The upstream host always comes from the route's configured base, never from the agent's
 * request. The client follows no redirects (that could divert a money-moving call) and retries only
 * where a repeat cannot move money twice: once, a GET, or a Stripe POST carrying an Idempotency-Key,
 * whose request did not get through (refused, reset, or closed without an answer). Each vendor has
 * a bulkhead and a circuit breaker ({@link VendorCircuits}) and each operation its response timeout.
 */
public final class Forwarder implements AutoCloseable {
    /** Enough of a vendor's answer to read the amount it states; bodies are streamed, never held whole. */
    private static final int COPY_LIMIT = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    private final PoolingHttpClientConnectionManager pool;
    private final CloseableHttpClient client;
    private final SecretRedactor redactor;
    private final ForwardConfig config;
    private final RequestConfig requestDefaults;
    private final VendorCircuits circuits;

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
        this.redactor = redactor;
        this.config = config;
        this.circuits = new VendorCircuits(config);
        pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(config.maxConnections())
                .setMaxConnPerRoute(config.maxConnections())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(config.connectTimeout()))
                        .setSocketTimeout(Timeout.of(config.responseTimeout()))
                        .build())
                .build();
        requestDefaults = RequestConfig.custom()
                .setResponseTimeout(Timeout.of(config.responseTimeout()))
                .setConnectionRequestTimeout(Timeout.of(config.connectTimeout()))
                .setRedirectsEnabled(false)
                .build();
        client = HttpClients.custom()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(requestDefaults)
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableContentCompression()
                .disableCookieManagement()
                .disableAuthCaching()
                .build();
    }

    /** By vendor called so far, the state of its circuit breaker (closed, open, half_open, ...). */
    public Map<String, String> circuitStates() {
        return circuits.states();
    }

    /**
     * Forwards the call and copies the vendor's answer to {@code agent}.
     *
     * @param copyBody whether to keep a copy of the start of the vendor's body (to read the cost it states)
     * @throws UpstreamFailure {@code error_upstream} (502, or 504 on a timeout) when the vendor could not be
     *     reached or did not answer before anything was sent to the agent
     */
    public ForwardResult forward(Route route, CallRequest call, UpstreamCredential credential, HttpServletResponse agent,
                                 boolean copyBody) {
        String vendor = route.vendor().name();
        HttpClientContext context = HttpClientContext.create();
        context.setRequestConfig(RequestConfig.copy(requestDefaults)
                .setResponseTimeout(Timeout.of(config.responseTimeout(vendor, operationName(call)))).build());
        try (VendorCircuits.Admission admission = circuits.admit(vendor)) {
            long start = System.nanoTime();
            ClassicHttpResponse serverToProxyResponse = send(route, call, credential, context, admission);
            admission.answered(serverToProxyResponse.getCode());
            String encoding = contentEncoding(serverToProxyResponse);
            if (!readableEncoding(encoding)) {
                closeQuietly(serverToProxyResponse);
                // Bytes Keyward cannot decode cannot be checked for an echoed secret: nothing of them is sent.
                throw new UpstreamFailure(new Refusal(Code.ERROR_UPSTREAM, 502,
                        "the vendor answered in a content encoding Keyward does not read", null), true);
            }
            try (serverToProxyResponse) {
                String upstreamRequestId = header(serverToProxyResponse, route.vendor().requestIdHeader());
                BodyCopy copy = copyBody ? new BodyCopy(COPY_LIMIT) : null;
                boolean complete = proxyToClientResponse(serverToProxyResponse, encoding, agent, copy);
                byte[] copied = copy == null ? new byte[0] : copy.bytes();
                return new ForwardResult(serverToProxyResponse.getCode(), redactNullable(upstreamRequestId), micros(start), complete, copied);
            } catch (IOException e) {
                // Closing a half-read response may fail too; the status was already sent, so report it as incomplete.
                return new ForwardResult(serverToProxyResponse.getCode(), null, micros(start), false, new byte[0]);
            }
        }
    }

    /** Sends the request, a second time only when {@link #retriable} says a repeat is safe. */
    private ClassicHttpResponse send(Route route, CallRequest call, UpstreamCredential credential, HttpClientContext context,
                                     VendorCircuits.Admission admission) {
        HttpHost target = HttpHost.create(route.upstreamBase());
        for (int attempt = 1; ; attempt++) {
            try {
                return client.executeOpen(target, proxyToServerRequest(route, call, credential), context);
            } catch (IOException e) {
                if (attempt == 1 && retriable(route, call, e)) {
                    LOG.info("Retrying a {} call to {} once: the request did not get through ({})",
                            call.method(), route.vendor().name(), e.getClass().getSimpleName());
                    continue;
                }
                admission.failed(e);
                throw failure(e);
            }
        }
    }

    /**
     * A request that did not get through may be sent again only if doing so cannot act twice: a GET,
     * or a POST to a vendor that deduplicates by Idempotency-Key (Stripe) carrying one. Never after a
     * timeout: the vendor may still be working on the first.
     */
    private boolean retriable(Route route, CallRequest call, IOException e) {
        boolean notThrough = e instanceof ConnectException || e instanceof ConnectTimeoutException
                || e instanceof NoHttpResponseException
                || e instanceof java.net.SocketException && !(e instanceof SocketTimeoutException);
        if (!config.retryConnectionFailures() || !notThrough) {
            return false;
        }
        return "GET".equals(call.method())
                || "POST".equals(call.method()) && route.vendor().deduplicatesIdempotentRetries()
                && call.idempotencyKey() != null;
    }

    private static String operationName(CallRequest call) {
        return call.operation() == null ? "" : call.operation().name();
    }

    /**
     * The request the vendor receives: the rebuilt path, the query and body bytes that were read, the
     * headers the vendor's contract admitted (each once), and the real credential.
     */
    private static ClassicHttpRequest proxyToServerRequest(Route route, CallRequest call, UpstreamCredential credential) {
        String basePath = route.upstreamBase().getRawPath() == null ? "" : route.upstreamBase().getRawPath();
        String pathAndQuery = basePath + credential.path() + (route.rawQuery() == null ? "" : "?" + route.rawQuery());
        ClassicRequestBuilder builder = ClassicRequestBuilder.create(call.method()).setPath(pathAndQuery);
        for (CallRequest.Header h : call.headers()) {
            builder.addHeader(h.name(), h.value());
        }
        builder.setHeader("Authorization", credential.authorization());
        if (call.body().length > 0 || !"GET".equals(call.method()) && !"DELETE".equals(call.method())) {
            // No content type on the entity: the agent's own Content-Type header travels as sent.
            builder.setEntity(new ByteArrayEntity(call.body(), null));
        }
        return builder.build();
    }

    /**
     * @param encoding the vendor's one {@code Content-Encoding}, already found readable
     * @return false when the vendor's body broke off part way
     */
    private boolean proxyToClientResponse(ClassicHttpResponse response, String encoding, HttpServletResponse agent, BodyCopy copy)
            throws IOException {
        agent.setStatus(response.getCode());
        List<String> connection = new ArrayList<>();
        for (Header h : response.getHeaders("Connection")) {
            connection.add(h.getValue());
        }
        Set<String> tokens = HopByHopHeaders.connectionTokens(connection);
        boolean decode = !encoding.isEmpty() && !encoding.equals("identity");
        Set<String> copied = new java.util.HashSet<>();
        for (Header h : response.getHeaders()) {
            if (decode && (h.getName().equalsIgnoreCase("Content-Encoding") || h.getName().equalsIgnoreCase("Content-Length"))) {
                continue;
            }
            if (HopByHopHeaders.passesVendorToAgent(h.getName(), tokens)) {
                // The first value replaces what the container put there itself (Date, Server), so
                // the agent sees the vendor's header once, not both. Names are masked too: a vendor
                // could echo a secret as a header name.
                String name = redactor.redact(h.getName());
                String value = redactor.redact(h.getValue());
                if (name.equalsIgnoreCase("Content-Type")) {
                    ContentTypeAsSent.set(agent, value);
                } else if (copied.add(name.toLowerCase(java.util.Locale.ROOT))) {
                    agent.setHeader(name, value);
                } else {
                    agent.addHeader(name, value);
                }
            }
        }
        HttpEntity entity = response.getEntity();
        if (entity == null) {
            return true;
        }
        CountingStream toAgent = new CountingStream(agent.getOutputStream());
        OutputStream redacted = redactor.redacting(toAgent);
        OutputStream out = copy == null ? redacted : copy.tee(redacted);
        try (InputStream in = decode ? decoded(entity.getContent(), encoding) : entity.getContent()) {
            in.transferTo(out);
        } catch (IOException e) {
            announceMoreThanSent(agent, toAgent.count);
            return false;
        }
        out.flush();
        return true;
    }

    /**
     * Before a broken-off answer is aborted: when its headers are still unsent and name no length,
     * declares one byte more than was written. Otherwise the container may frame the body by the
     * end of the connection (an agent that sent {@code Connection: close}), and an abort would then
     * look like a complete answer; short of a declared length, it cannot.
     */
    private static void announceMoreThanSent(HttpServletResponse agent, long written) {
        if (!agent.isCommitted() && !agent.containsHeader("Content-Length")) {
            agent.setContentLengthLong(written + 1);
        }
    }

    /** Counts the bytes handed to the agent's response. */
    private static final class CountingStream extends java.io.FilterOutputStream {
        private long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    /**
     * The vendor's one {@code Content-Encoding}, lower-cased ({@code ""} for none), or null when it
     * sent the header more than once: an agent's HTTP client joins repeated headers into a list and
     * decodes every layer, so reading only the first would pass a layer Keyward never looked into.
     */
    private static String contentEncoding(ClassicHttpResponse response) {
        Header[] all = response.getHeaders("Content-Encoding");
        if (all.length > 1) {
            return null;
        }
        return all.length == 0 || all[0].getValue() == null ? "" : all[0].getValue().strip().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Whether Keyward can decode the vendor's answer to check it: none, identity, or one layer of
     * gzip or deflate. Stacked layers ({@code gzip, gzip}, or two headers) and anything else are not read.
     */
    private static boolean readableEncoding(String encoding) {
        return encoding != null && (encoding.isEmpty() || encoding.equals("identity") || encoding.equals("gzip")
                || encoding.equals("x-gzip") || encoding.equals("deflate"));
    }

    private static void closeQuietly(ClassicHttpResponse response) {
        try {
            response.close();
        } catch (IOException ignored) {
            // The answer is discarded anyway.
        }
    }

    /** A body the vendor compressed although it was not asked to, inflated; an encoding Keyward cannot read is a failure. */
    private static InputStream decoded(InputStream raw, String encoding) throws IOException {
        if (encoding.equals("gzip") || encoding.equals("x-gzip")) {
            return new java.util.zip.GZIPInputStream(raw);
        }
        if (encoding.equals("deflate")) {
            return new java.util.zip.InflaterInputStream(raw);
        }
        throw new IOException("unreadable content encoding");
    }

    private String redactNullable(String value) {
        return value == null ? null : redactor.redact(value);
    }

    private static UpstreamFailure failure(IOException e) {
        if (e instanceof SocketTimeoutException && !(e instanceof ConnectTimeoutException)) {
            return new UpstreamFailure(new Refusal(Code.ERROR_UPSTREAM, 504, "the vendor did not answer in time", null), true);
        }
        if (e instanceof ConnectException || e instanceof ConnectTimeoutException
                || e instanceof UnknownHostException || e instanceof NoRouteToHostException) {
            return new UpstreamFailure(new Refusal(Code.ERROR_UPSTREAM, 502, "the vendor could not be reached", null), false);
        }
        return new UpstreamFailure(new Refusal(Code.ERROR_UPSTREAM, 502, "the call to the vendor failed", null), true);
    }

    private static String header(ClassicHttpResponse response, String name) {
        if (name == null) {
            return null;
        }
        Header h = response.getFirstHeader(name);
        return h == null ? null : h.getValue();
    }

    private static long micros(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000;
    }

    @Override
    public void close() throws IOException {
        client.close();
        pool.close();
    }
}
