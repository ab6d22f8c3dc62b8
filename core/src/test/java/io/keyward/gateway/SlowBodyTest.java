package io.keyward.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.store.CallRow;
import io.keyward.testing.ErrorShape;
import io.keyward.testing.GatewayExtension;
import io.keyward.testing.RawHttp;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A body dribbled in a byte at a time is refused once it falls below the minimum rate, not waited for. */
class SlowBodyTest {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension();
    private static final AgentCalls calls = new AgentCalls(gw, "slow");

    @Test
    void aBodyArrivingSlowerThanTheMinimumRateIsRefused() throws Exception {
        String key = calls.key("stripe", "\"daily_usd_cap\":\"5.00\",\"policy\":{\"allow\":[{\"operation\":\"customers.create\"}]}");
        String head = "POST /stripe/v1/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n";
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", gw.port()), 5_000);
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write("email=a".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            // A byte every 100 ms (10 bytes a second) until Keyward answers.
            while (in.available() == 0 && System.nanoTime() - start < 15_000_000_000L) {
                try {
                    out.write('x');
                    out.flush();
                } catch (java.io.IOException closed) {
                    break;
                }
                Thread.sleep(100);
            }
            RawHttp.Response reply = RawHttp.read(in);
            ErrorShape.assertKeywardError(reply, 408, "denied_malformed");
            CallRow row = CallAudit.byRequestId(gw.gateway(), reply.header("X-Keyward-Request-Id"));
            assertEquals("denied_malformed", row.policyCheckResult(), "audited");
            assertEquals("request.body_rate", row.rule());
            assertNull(row.upstreamStatus(), "never forwarded");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 10, "refused after the two-second grace, not after the whole body: " + seconds + " s");
        assertEquals(0, gw.vendor().received().size());
    }
}
