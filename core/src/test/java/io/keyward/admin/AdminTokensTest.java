package io.keyward.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyward.testing.AdminClient;
import io.keyward.testing.GatewayExtension;
import io.keyward.testing.TestSecrets;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scoped admin tokens: made by a token that holds the scopes it gives, shown once, kept hashed,
 * listed without their text, revocable; every admin route needs its scope (403 denied_scope
 * otherwise); every admin event names the token; failed authentications are limited per address.
 */
class AdminTokensTest {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension("guards:\n  unauthenticated_per_second: 3\n");
    private final HttpClient http = HttpClient.newHttpClient();

    private static JsonNode made(String name, String... scopes) throws Exception {
        AdminClient.Reply reply = gw.admin().post("/tokens", "{\"name\":\"" + name + "\",\"scopes\":[\""
                + String.join("\",\"", scopes) + "\"]}");
        assertEquals(201, reply.status(), reply.raw());
        return reply.json();
    }

    private HttpResponse<String> call(String token, String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gw.gateway().baseUrl() + "/admin" + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
        request = body == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.method(method, HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Each route, with a body that passes its input checks, and the scope it needs. */
    private static final List<String[]> ROUTES = List.of(
            new String[] {"POST", "/keys", "{\"vendor\":\"stripe\",\"agent_name\":\"scoped\"}", "keys:write"},
            new String[] {"GET", "/keys", null, "keys:read"},
            new String[] {"GET", "/spend?agent_name=scoped", null, "keys:read"},
            new String[] {"GET", "/calls", null, "audit:read"},
            new String[] {"GET", "/calls.ndjson", null, "audit:read"},
            new String[] {"GET", "/metrics", null, "audit:read"},
            new String[] {"POST", "/metrics/reset", "{}", "admin"},
            new String[] {"POST", "/revoke", "{\"agent_name\":\"nobody\",\"reason\":\"drill\"}", "kill"},
            new String[] {"POST", "/unfreeze", "{\"vendor\":\"resend\",\"reason\":\"drill\"}", "kill"},
            new String[] {"POST", "/runs/no-such-run/end", "{\"reason\":\"drill\"}", "kill"},
            new String[] {"PUT", "/vendors/stripe/secret", "{\"secret\":\"x\"}", "secrets:write"},
            new String[] {"GET", "/tokens", null, "tokens:admin"});

    @Test
    void everyAdminRouteNeedsItsScope() throws Exception {
        Map<String, String> tokenFor = new java.util.HashMap<>();
        for (String scope : List.of("keys:write", "keys:read", "audit:read", "kill", "secrets:write", "tokens:admin", "admin")) {
            tokenFor.put(scope, made("route-" + scope.replace(':', '-'), scope).get("token").asText());
        }
        for (String[] route : ROUTES) {
            for (Map.Entry<String, String> token : tokenFor.entrySet()) {
                HttpResponse<String> reply = call(token.getValue(), route[0], route[1], route[2]);
                boolean allowed = token.getKey().equals(route[3]) || token.getKey().equals("admin");
                if (allowed) {
                    assertNotEquals(403, reply.statusCode(), token.getKey() + " may " + route[0] + " " + route[1] + ": " + reply.body());
                    assertNotEquals(401, reply.statusCode());
                } else {
                    assertEquals(403, reply.statusCode(), token.getKey() + " may not " + route[0] + " " + route[1]);
                    assertTrue(reply.body().contains("\"code\":\"denied_scope\""), reply.body());
                }
            }
        }
    }

    @Test
    void tokensAreShownOnceKeptHashedNamedInEventsAndRevocable() throws Exception {
        JsonNode reader = made("auditor", "audit:read", "keys:read");
        String token = reader.get("token").asText();
        assertTrue(token.startsWith("kwadm_") && token.length() > 40);
        assertEquals(200, call(token, "GET", "/keys", null).statusCode());
        String listing = gw.admin().get("/tokens").raw();
        assertTrue(listing.contains("\"auditor\"") && !listing.contains(token.substring(6)), "listed without its text");
        try (Connection c = gw.gateway().keyward().store().dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT token_hash FROM admin_tokens WHERE name = 'auditor'")) {
            assertTrue(rs.next());
            assertEquals(32, rs.getBytes(1).length, "only its SHA-256");
        }

        JsonNode manager = made("keys-manager", "keys:write");
        HttpResponse<String> issued = call(manager.get("token").asText(), "POST", "/keys", "{\"vendor\":\"stripe\",\"agent_name\":\"made-by-token\"}");
        assertEquals(201, issued.statusCode(), issued.body());
        try (Connection c = gw.gateway().keyward().store().dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT admin_id FROM admin_events WHERE action = 'issue' AND reason LIKE 'made-by-token/%'")) {
            assertTrue(rs.next());
            assertEquals("keys-manager", rs.getString(1), "the event names the token");
        }

        assertEquals(200, gw.admin().post("/tokens/auditor/revoke", "{}").status());
        assertEquals(401, call(token, "GET", "/keys", null).statusCode(), "a revoked token is refused");
        assertEquals(404, gw.admin().post("/tokens/auditor/revoke", "{}").status());
    }

    @Test
    void aTokenCannotGiveScopesItLacksAndNamesAreChecked() throws Exception {
        String tokensAdmin = made("minter", "tokens:admin").get("token").asText();
        HttpResponse<String> escalate = call(tokensAdmin, "POST", "/tokens", "{\"name\":\"evil\",\"scopes\":[\"admin\"]}");
        assertEquals(403, escalate.statusCode(), escalate.body());
        assertTrue(escalate.body().contains("denied_scope"));
        assertEquals(201, call(tokensAdmin, "POST", "/tokens", "{\"name\":\"sub-minter\",\"scopes\":[\"tokens:admin\"]}").statusCode());
        for (String bad : List.of("{\"name\":\"bootstrap\",\"scopes\":[\"keys:read\"]}", "{\"name\":\"Bad Name\",\"scopes\":[\"keys:read\"]}",
                "{\"name\":\"x\",\"scopes\":[]}", "{\"name\":\"x\",\"scopes\":[\"root\"]}", "{\"name\":\"x\",\"scopes\":\"admin\"}",
                "{\"scopes\":[\"keys:read\"]}")) {
            assertEquals(400, gw.admin().post("/tokens", bad).status(), bad);
        }
        made("twice", "keys:read");
        assertEquals(409, gw.admin().post("/tokens", "{\"name\":\"twice\",\"scopes\":[\"keys:read\"]}").status());
    }

    @Test
    void failedAdminAuthenticationIsLimitedPerAddress() throws Exception {
        int limited = 0;
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> reply = call("kwadm_wrong" + i, "GET", "/keys", null);
            assertTrue(reply.statusCode() == 401 || reply.statusCode() == 429, reply.body());
            limited += reply.statusCode() == 429 ? 1 : 0;
        }
        assertTrue(limited >= 10, "past the burst, wrong tokens get 429: " + limited);
        Thread.sleep(1_500);
        assertEquals(200, call(TestSecrets.ADMIN_TOKEN, "GET", "/keys", null).statusCode(), "the limit refills");
        assertFalse(gw.admin().get("/tokens").raw().contains("kwadm_wrong"));
    }

    /** Unless the config says admin_allow_from: any, the admin API answers callers on this machine only. */
    @Test
    void callersFromElsewhereDoNotReachTheAdminApi() throws Exception {
        AdminServlet servlet = new AdminServlet(gw.gateway().keyward());
        jakarta.servlet.ServletConfig config = org.mockito.Mockito.mock(jakarta.servlet.ServletConfig.class);
        org.mockito.Mockito.when(config.getInitParameterNames()).thenReturn(java.util.Collections.emptyEnumeration());
        servlet.init(config);
        // The console's files (no token needed) follow the same rule as the API.
        for (String[] c : new String[][] {{"203.0.113.9", "404"}, {"192.0.2.2", "404"}, {"2001:db8::1", "404"}, {"127.0.0.1", "200"}, {"0:0:0:0:0:0:0:1", "200"}}) {
            for (String path : List.of("/tokens", "/ui/", "/ui/console.js")) {
                jakarta.servlet.http.HttpServletRequest request = org.mockito.Mockito.mock(jakarta.servlet.http.HttpServletRequest.class);
                org.mockito.Mockito.when(request.getRemoteAddr()).thenReturn(c[0]);
                org.mockito.Mockito.when(request.getMethod()).thenReturn("GET");
                org.mockito.Mockito.when(request.getPathInfo()).thenReturn(path);
                org.mockito.Mockito.when(request.getHeaders("Authorization"))
                        .thenAnswer(i -> java.util.Collections.enumeration(List.of("Bearer " + TestSecrets.ADMIN_TOKEN)));
                jakarta.servlet.http.HttpServletResponse response = org.mockito.Mockito.mock(jakarta.servlet.http.HttpServletResponse.class);
                java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
                org.mockito.Mockito.when(response.getOutputStream()).thenReturn(new jakarta.servlet.ServletOutputStream() {
                    @Override
                    public void write(int b) {
                        body.write(b);
                    }

                    @Override
                    public boolean isReady() {
                        return true;
                    }

                    @Override
                    public void setWriteListener(jakarta.servlet.WriteListener listener) {
                    }
                });
                servlet.service(request, response);
                org.mockito.Mockito.verify(response).setStatus(Integer.parseInt(c[1]));
            }
        }
    }
}
