package io.keyward.forward;

import io.keyward.secret.SecretRedactor;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hc.core5.http.Header;

/**
 * Writes a vendor's answer, received whole, to the agent: status, end-to-end headers and body as the
 * vendor sent them, except that any run of a real secret it echoes is masked ({@link SecretRedactor})
 * and a compressed body is inflated first, so the masker sees every byte.
 *
 * <p>Because the whole answer is in hand before its first byte is written, an answer that broke off
 * (or whose compressed body does not inflate) is known to be broken before anything is committed. It
 * is then sent with {@code Connection: close} and a {@code Content-Length} one byte longer than its
 * body: the container closes the connection after the body and the agent sees it end short of the
 * declared length, a broken answer, whether the container is Jetty or Tomcat and whether or not a
 * request thread is still there to abort it.
 */
final class AgentAnswer {
    /** Enough of a vendor's answer to read the amount it states. */
    private static final int COPY_LIMIT = 64 * 1024;
    private final SecretRedactor redactor;

    AgentAnswer(SecretRedactor redactor) {
        this.redactor = redactor;
    }

    ForwardResult write(VendorAnswer answer, String requestIdHeader, HttpServletResponse agent, boolean copyBody) {
        boolean decode = ContentEncoding.compressed(answer.encoding());
        byte[] body = answer.body();
        int length = answer.length();
        boolean complete = answer.complete();
        if (decode) {
            Inflated inflated = inflate(body, length, answer.encoding());
            body = inflated.bytes();
            length = body.length;
            complete &= inflated.whole();
            if (length >= 2 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b) {
                // Compressed twice under one header: the masker would see gzip bytes and the agent
                // could inflate the rest itself. Stacked layers are refused, however they are spelled.
                throw ExchangeFailures.unreadableEncoding();
            }
        }
        BodyCopy copy = copyBody ? new BodyCopy(COPY_LIMIT) : null;
        String upstreamRequestId = requestIdHeader == null ? null : first(answer.headers(), requestIdHeader);
        agent.setStatus(answer.status());
        headers(answer.headers(), decode, decode || !vendorLengthHolds(answer.headers(), length, complete), agent);
        boolean delivered = complete ? stream(body, length, agent, copy) : brokenOff(body, length, agent, copy);
        return new ForwardResult(answer.status(), upstreamRequestId == null ? null : redactor.redact(upstreamRequestId),
                answer.upstreamMicros(), complete && delivered, copy == null ? new byte[0] : copy.bytes());
    }

    /**
     * Whether the vendor's {@code Content-Length} may travel to the agent: only when it framed the
     * body (no {@code Transfer-Encoding} beside it) and says what the agent gets: the body's length,
     * or more than arrived for a broken-off one. Otherwise the container frames what is written; a
     * length the body overruns would make it fail the answer with its own error page.
     */
    private static boolean vendorLengthHolds(Header[] headers, int length, boolean complete) {
        String declared = null;
        for (Header h : headers) {
            if (h.getName().equalsIgnoreCase("Transfer-Encoding")) {
                return false;
            }
            if (h.getName().equalsIgnoreCase("Content-Length")) {
                if (declared != null) {
                    return false;
                }
                declared = h.getValue();
            }
        }
        if (declared == null) {
            return true;
        }
        try {
            long value = Long.parseLong(declared.strip());
            return complete ? value == length : value > length;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * The vendor's end-to-end headers. The first value replaces what the container put there itself
     * (Date, Server), so the agent sees the vendor's header once, not both. Names are masked too: a
     * vendor could echo a secret as a header name.
     */
    /**
     * @param decoded the body was inflated here: the vendor's Content-Encoding no longer holds
     * @param dropLength the vendor's Content-Length does not frame what the agent gets
     */
    private void headers(Header[] headers, boolean decoded, boolean dropLength, HttpServletResponse agent) {
        List<String> connection = new ArrayList<>();
        for (Header h : headers) {
            if (h.getName().equalsIgnoreCase("Connection")) {
                connection.add(h.getValue());
            }
        }
        Set<String> tokens = HopByHopHeaders.connectionTokens(connection);
        Set<String> copied = new HashSet<>();
        for (Header h : headers) {
            if (decoded && h.getName().equalsIgnoreCase("Content-Encoding") || dropLength && h.getName().equalsIgnoreCase("Content-Length")) {
                continue;
            }
            if (HopByHopHeaders.passesVendorToAgent(h.getName(), tokens)) {
                String name = redactor.redact(h.getName());
                String value = redactor.redact(h.getValue());
                if (name.equalsIgnoreCase("Content-Type")) {
                    ContentTypeAsSent.set(agent, value);
                } else if (copied.add(name.toLowerCase(Locale.ROOT))) {
                    agent.setHeader(name, value);
                } else {
                    agent.addHeader(name, value);
                }
            }
        }
    }

    /** @return false when the agent's connection failed under the write (the agent left) */
    private boolean stream(byte[] body, int length, HttpServletResponse agent, BodyCopy copy) {
        if (length == 0) {
            return true;
        }
        try {
            OutputStream redacted = redactor.redacting(agent.getOutputStream());
            OutputStream out = copy == null ? redacted : copy.tee(redacted);
            out.write(body, 0, length);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Masks what arrived, then sends it marked as broken (see the class comment). */
    private boolean brokenOff(byte[] body, int length, HttpServletResponse agent, BodyCopy copy) {
        ByteArrayOutputStream masked = new ByteArrayOutputStream(length + 64);
        try {
            OutputStream redacted = redactor.redacting(masked);
            OutputStream out = copy == null ? redacted : copy.tee(redacted);
            out.write(body, 0, length);
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("writing to memory failed", e);
        }
        agent.setHeader("Connection", "close");
        if (declaredLength(agent) <= masked.size()) {
            // No length of the vendor's (chunked, or inflated here) that the body falls short of: declare one.
            agent.setContentLengthLong(masked.size() + 1L);
        }
        try {
            masked.writeTo(agent.getOutputStream());
            agent.flushBuffer();
        } catch (IOException e) {
            // The agent left as well; either way its answer is broken.
        }
        return false;
    }

    /** The Content-Length the vendor's headers put on the agent's answer, or -1. */
    private static long declaredLength(HttpServletResponse agent) {
        String declared = agent.getHeader("Content-Length");
        try {
            return declared == null ? -1 : Long.parseLong(declared.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A body inflated from a compressed one, and whether it inflated to its end. */
    private record Inflated(byte[] bytes, boolean whole) {
    }

    /**
     * Inflates the vendor's body, bounded like the answer itself (so a small compressed body cannot
     * blow up in memory); a body that stops inflating part way is the part that inflated, broken.
     */
    private static Inflated inflate(byte[] raw, int length, String encoding) {
        // Grown as it inflates: a small body that claims to inflate far is not paid for up front.
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(Math.max(256, length * 4), 64 * 1024));
        byte[] buffer = new byte[8192];
        try (InputStream in = inflating(new ByteArrayInputStream(raw, 0, length), encoding)) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (out.size() + n > AnswerConsumer.LIMIT) {
                    throw ExchangeFailures.tooLarge();
                }
                out.write(buffer, 0, n);
            }
            return new Inflated(out.toByteArray(), true);
        } catch (IOException e) {
            return new Inflated(out.toByteArray(), false);
        }
    }

    private static InputStream inflating(InputStream raw, String encoding) throws IOException {
        if (encoding.equals("gzip") || encoding.equals("x-gzip")) {
            return new java.util.zip.GZIPInputStream(raw);
        }
        return new java.util.zip.InflaterInputStream(raw);
    }

    private static String first(Header[] headers, String name) {
        for (Header h : headers) {
            if (h.getName().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }
}
