package io.keyward.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.store.CallRow;
import io.keyward.store.LedgerRow;
import io.keyward.testing.GatewayExtension;
import io.keyward.testing.RawHttp;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** An attacker's calls: raw HTTP with a vault key (or none), exactly as written. */
final class AgentCalls {
    private final GatewayExtension gw;
    private final String agentName;
    private final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

    AgentCalls(GatewayExtension gw, String agentName) {
        this.gw = gw;
        this.agentName = agentName;
    }

    /** One raw request; {@code headers} are full lines such as {@code Stripe-Account: acct_1}; {@code key} may be null. */
    RawHttp.Response send(String key, String method, String target, String contentType, String body, String... headers)
            throws Exception {
        StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        if (key != null) {
            head.append("Authorization: Bearer ").append(key).append("\r\n");
        }
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        for (String h : headers) {
            head.append(h).append("\r\n");
        }
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            head.append("Content-Length: ").append(bytes.length).append("\r\n");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(bytes);
        return RawHttp.send(gw.port(), out.toByteArray());
    }

    /** A key for {@code vendor} with the given extra issue fields (caps, policy, run). */
    String key(String vendor, String fields) throws Exception {
        return gw.admin().issue(vendor, agentName, fields).get("key").asText();
    }

    static String idOf(String key) {
        return key.substring(3, 19);
    }

    /** The key's ledger row for today, once every settle so far is written. */
    LedgerRow ledger(String key) throws Exception {
        assertTrue(gw.gateway().keyward().spend().flush(Duration.ofSeconds(10)));
        return gw.gateway().keyward().store().spend().current("key", idOf(key)).orElseThrow();
    }

    CallRow audit(RawHttp.Response reply) throws Exception {
        return CallAudit.byRequestId(gw.gateway(), reply.header("X-Keyward-Request-Id"));
    }

    /** How many of these calls have an audit row, once every row so far is written. */
    int auditedRows(java.util.List<String> requestIds) throws Exception {
        gw.gateway().flushAudit();
        int rows = 0;
        try (java.sql.Connection c = gw.gateway().keyward().store().dataSource().getConnection();
             java.sql.ResultSet rs = c.createStatement().executeQuery(
                     "SELECT request_id FROM calls WHERE request_id IN ('" + String.join("','", requestIds) + "')")) {
            while (rs.next()) {
                rows++;
            }
        }
        return rows;
    }

    /** An admin call made with this token, as any client on the gateway's machine would. */
    java.net.http.HttpResponse<String> admin(String token, String method, String path, String body) throws Exception {
        java.net.http.HttpRequest.Builder r = java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.gateway().baseUrl() + "/admin" + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
        r = body == null ? r.method(method, java.net.http.HttpRequest.BodyPublishers.noBody())
                : r.method(method, java.net.http.HttpRequest.BodyPublishers.ofString(body));
        return http.send(r.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }
}
