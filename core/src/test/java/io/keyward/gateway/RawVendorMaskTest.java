package io.keyward.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.keyward.testing.GatewayExtension;
import io.keyward.testing.RawHttp;
import io.keyward.testing.TestSecrets;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Outside review of the non-blocking path: a vendor whose raw answer bytes are scripted, echoing the
 * Authorization header Keyward sent. Found and fixed: gzip inside gzip under one header passed gzip
 * bytes the agent could inflate to the secret (now refused 502); Content-Length beside chunked made
 * the container fail the answer with its HTML 500 (the vendor's length now travels only when it
 * frames the body); a vendor header replaced Keyward's budget header (x-keyward-* are Keyward's).
 */
class RawVendorMaskTest {
    static final ServerSocket VENDOR;
    static final ExecutorService THREAD = Executors.newSingleThreadExecutor();
    static {
        try {
            VENDOR = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension("", config -> config.replaceFirst("(  resend:\n    base_url: )\\S+",
            "$1http://127.0.0.1:" + VENDOR.getLocalPort()));

    @AfterAll
    static void close() throws Exception {
        THREAD.shutdownNow();
        VENDOR.close();
    }

    interface Script {
        byte[] answer(String authorization) throws Exception;
    }

    static Future<?> answerOnce(Script script) {
        return THREAD.submit(() -> {
            try (Socket socket = VENDOR.accept()) {
                InputStream in = socket.getInputStream();
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    head.write(in.read());
                }
                String auth = "";
                for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        in.readNBytes(Integer.parseInt(line.substring(15).strip()));
                    }
                    if (line.toLowerCase().startsWith("authorization:")) {
                        auth = line.substring(14).strip();
                    }
                }
                socket.getOutputStream().write(script.answer(auth));
                socket.getOutputStream().flush();
                Thread.sleep(200);
            }
            return null;
        });
    }

    static byte[] gzip(byte[] b) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(b);
        }
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static String recoverable(byte[] body) {
        String plain = new String(body, StandardCharsets.ISO_8859_1);
        try {
            plain += new String(new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (Exception notGzip) {
            // plain only
        }
        return plain;
    }

    private RawHttp.Response call(Script script) throws Exception {
        String key = new FaultCalls(gw.gateway()).issue("resend");
        Future<?> vendor = answerOnce(script);
        RawHttp.Response reply = new FaultCalls(gw.gateway()).email(key, false);
        vendor.get(10, TimeUnit.SECONDS);
        System.out.println("agent got: " + reply.everything());
        gw.gateway().flushAudit();
        return reply;
    }

    @Test
    void gzipTransferEncodingIsNotPassedUnread() throws Exception {
        RawHttp.Response reply = call(auth -> {
            byte[] z = gzip(("{\"echo\":\"" + auth + "\"}").getBytes(StandardCharsets.UTF_8));
            return concat(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                    + Integer.toHexString(z.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1), z,
                    "\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        });
        assertFalse(recoverable(reply.body()).contains(TestSecrets.RESEND.substring(3)), "secret recoverable by the agent");
    }

    @Test
    void gzipInsideGzipWithOneHeader() throws Exception {
        RawHttp.Response reply = call(auth -> {
            byte[] z = gzip(gzip(("{\"echo\":\"" + auth + "\"}").getBytes(StandardCharsets.UTF_8)));
            return concat(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: "
                    + z.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), z);
        });
        assertFalse(recoverable(reply.body()).contains(TestSecrets.RESEND.substring(3)), "secret recoverable by the agent");
    }

    @Test
    void lengthAndChunkedTogether() throws Exception {
        RawHttp.Response reply = call(auth -> {
            String body = "{\"id\":\"x\",\"echo\":\"" + auth + "\"}";
            return ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        });
        assertFalse(recoverable(reply.body()).contains(TestSecrets.RESEND.substring(3)), "secret recoverable by the agent");
        // The vendor sent the email (200). Keyward promises every response carries X-Keyward-Request-Id and
        // is never the container's HTML page; a 5xx here makes retrying SDKs send the email again.
        org.junit.jupiter.api.Assertions.assertNotNull(reply.header("X-Keyward-Request-Id"),
                "the agent got the container's page instead of the vendor's answer: " + reply.everything());
        org.junit.jupiter.api.Assertions.assertTrue(reply.status() < 500, "the vendor acted (200); the agent got " + reply.status());
    }

    @Test
    void secretInATrailerOrHeader() throws Exception {
        RawHttp.Response reply = call(auth -> {
            String body = "{\"id\":\"x\"}";
            return ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Echo: " + auth + "\r\nTransfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\n"
                    + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\nX-T: " + auth + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        });
        assertFalse(reply.everything().contains(TestSecrets.RESEND.substring(3)), "secret in head or trailer");
    }

    @Test
    void vendorCannotReplaceKeywardsOwnHeaders() throws Exception {
        RawHttp.Response reply = call(auth -> ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + "X-Keyward-Request-Id: kwr_forged\r\nX-Keyward-Budget-Remaining-Usd: 999999.00\r\nContent-Length: 2\r\n\r\n{}")
                .getBytes(StandardCharsets.ISO_8859_1));
        org.junit.jupiter.api.Assertions.assertAll(
                () -> org.junit.jupiter.api.Assertions.assertNotEquals("kwr_forged", reply.header("X-Keyward-Request-Id"),
                        "the agent's audit-row id was replaced by the vendor's"),
                () -> org.junit.jupiter.api.Assertions.assertNotEquals("999999.00", reply.header("X-Keyward-Budget-Remaining-Usd"),
                        "the agent's budget header was replaced by the vendor's"));
    }
}
