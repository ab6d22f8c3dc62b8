package io.keyward.testing.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.keyward.testing.AdminClient;
import io.keyward.testing.FakeVendor;
import io.keyward.testing.RawHttp;
import io.keyward.testing.TestDatabase;
import io.keyward.testing.TestSecrets;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.nio.file.Path;

/**
 * The full flow every distribution test drives against Keyward installed in a stock server: a key
 * issued over the admin API, an allowed call that reaches the fake vendor with the real secret and
 * not the vault key, a refused call that reaches nothing, both calls' audit rows in MariaDB, and
 * the server's unrelated web app still answering without seeing Keyward's classes.
 */
public final class InstalledGateway {
    /** The environment the shipped config templates read: secrets, and the fake vendor's address. */
    public static Map<String, String> templateEnvironment(FakeVendor vendor) {
        return Map.of(
                "KEYWARD_KEY_PEPPER", TestSecrets.PEPPER,
                "KEYWARD_ADMIN_TOKEN_SHA256", TestSecrets.sha256Hex(TestSecrets.ADMIN_TOKEN),
                "STRIPE_SECRET_KEY", TestSecrets.STRIPE,
                "KEYWARD_STRIPE_BASE_URL", vendor.baseUrl());
    }

    /**
     * Installs Keyward into the stock server at {@code dir} by running the first {@code sh} block of
     * the install guide's section exactly as written, starts the server with the section's second block, and
     * drives the full flow against it; the server is stopped (and checked gone) before returning.
     *
     * @param distVariable the variable the install block reads the distribution tarball from
     * @param hidden classes the server's other web app must not be able to load
     */
    public static void installStartAndCheck(String section, Path dir, Map<String, String> env, String distVariable,
                                            Path log, Pattern httpPort, Pattern started, List<String> hidden) throws Exception {
        String jdbcUrl = TestDatabase.fresh();
        TestDatabase.Login login = TestDatabase.Login.of(jdbcUrl);
        env.putAll(Map.of(distVariable, System.getProperty("keyward.dist"),
                "KEYWARD_DB_URL", login.url(), "KEYWARD_DB_USER", login.user(), "KEYWARD_DB_PASSWORD", login.password()));
        DocPage guide = DocPage.installGuide();
        Shell.run(guide.shellBlock(section, 0), dir, env);
        try (FakeVendor vendor = new FakeVendor()) {
            env.putAll(templateEnvironment(vendor));
            try (ServerProcess server = ServerProcess.start(List.of("bash", "-euo", "pipefail", "-c",
                    guide.shellBlock(section, 1)), dir, env, log)) {
                String port = server.awaitLog(httpPort, Duration.ofSeconds(90));
                server.awaitLog(started, Duration.ofSeconds(90));
                InstalledGateway gateway = new InstalledGateway("http://127.0.0.1:" + port);
                gateway.drivesTheFullFlow(vendor, jdbcUrl);
                gateway.probeAppAnswersWithout(hidden);
            }
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final String serverBase;
    private final String gateway;

    /** @param serverBase {@code http://127.0.0.1:port}; Keyward is expected at {@code /keyward}. */
    private static final String VENDOR_CONTENT_TYPE = "application/json; charset=utf-8";

    public InstalledGateway(String serverBase) {
        this.serverBase = serverBase;
        this.gateway = serverBase + "/keyward";
    }

    public void drivesTheFullFlow(FakeVendor vendor, String jdbcUrl) throws Exception {
        vendor.server().stubFor(WireMock.get(WireMock.urlPathMatching("/v1/customers/.*"))
                .willReturn(WireMock.ok("{\"id\":\"cus_dist\",\"object\":\"customer\"}")
                        .withHeader("Content-Type", VENDOR_CONTENT_TYPE)));
        AdminClient admin = new AdminClient(gateway, TestSecrets.ADMIN_TOKEN);
        assertEquals(200, admin.get("/health").status());
        assertEquals(401, new AdminClient(gateway, "not-the-token").get("/keys").status());
        String run = "run_dist_" + System.nanoTime();
        String key = admin.issue("stripe", "dist-agent", "\"agent_run_id\":\"" + run + "\","
                + "\"policy\":{\"allow\":[{\"operation\":\"customers.retrieve\"}]}").get("key").asText();

        HttpResponse<String> allowed = send(HttpRequest.newBuilder(URI.create(gateway + "/stripe/v1/customers/cus_dist"))
                .header("Authorization", "Bearer " + key).GET());
        assertEquals(200, allowed.statusCode(), allowed.body());
        assertTrue(allowed.body().contains("cus_dist"), allowed.body());
        assertEquals(VENDOR_CONTENT_TYPE, allowed.headers().firstValue("Content-Type").orElse(null), "as the vendor spelled it");
        List<LoggedRequest> received = vendor.received();
        assertEquals(1, received.size());
        assertEquals("Bearer " + TestSecrets.STRIPE, received.get(0).getHeader("Authorization"), "the real secret arrives");
        assertEquals("/v1/customers/cus_dist", received.get(0).getUrl());
        assertFalse(received.get(0).toString().contains(key.substring(3, 19)), "the vault key never reaches the vendor");

        HttpResponse<String> refused = send(HttpRequest.newBuilder(URI.create(gateway + "/stripe/v1/refunds"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("charge=ch_1&amount=500")));
        assertEquals(403, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("\"code\":\"denied_operation\""), refused.body());
        assertEquals(1, vendor.received().size(), "a refused call reaches nothing");

        // stripe-node can name only a host and port: /v1/... goes to the vendor of the key presented.
        HttpResponse<String> byKey = send(HttpRequest.newBuilder(URI.create(gateway + "/v1/customers/cus_dist"))
                .header("Authorization", "Bearer " + key).GET());
        assertEquals(200, byKey.statusCode(), byKey.body());
        assertEquals("/v1/customers/cus_dist", vendor.received().get(0).getUrl());
        assertEquals(2, vendor.received().size());
        // Whatever Keyward does not serve is its JSON 404, whatever the method: never the container's HTML.
        for (String method : List.of("GET", "POST", "DELETE")) {
            HttpResponse<String> none = send(HttpRequest.newBuilder(URI.create(gateway + "/v1/customers"))
                    .method(method, HttpRequest.BodyPublishers.noBody()));
            assertEquals(404, none.statusCode(), none.body());
            assertTrue(none.body().contains("\"name\":\"not_found\""), none.body());
        }

        // A vendor breaking off mid-body: the agent sees a broken answer, not a complete 200 (the
        // container aborts the connection when the filter throws after the commit).
        vendor.server().stubFor(WireMock.get(WireMock.urlPathEqualTo("/v1/customers/cus_broken"))
                .willReturn(WireMock.aResponse().withStatus(200).withFault(com.github.tomakehurst.wiremock.http.Fault.MALFORMED_RESPONSE_CHUNK)));
        URI base = URI.create(gateway);
        RawHttp.Response broken = RawHttp.send(base.getPort(), ("GET " + base.getPath() + "/stripe/v1/customers/cus_broken HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer " + key + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        assertEquals(200, broken.status());
        assertFalse(broken.complete(), "the agent sees the answer broke off: " + broken.everything());

        assertEquals(List.of("allowed", "denied_operation", "allowed", "allowed"), auditResults(jdbcUrl, run));
    }

    /** The unrelated web app answers, and cannot load the classes named {@code hidden}. */
    public void probeAppAnswersWithout(List<String> hidden) throws IOException, InterruptedException {
        HttpResponse<String> probe = send(HttpRequest.newBuilder(URI.create(serverBase + "/probe/")).GET());
        assertEquals(200, probe.statusCode(), probe.body());
        assertTrue(probe.body().startsWith("probe ok\n"), probe.body());
        assertTrue(probe.body().contains("jakarta.servlet.Filter=visible\n"), "the probe can see: " + probe.body());
        for (String name : hidden) {
            assertTrue(probe.body().contains(name + "=hidden\n"), name + " must be hidden from other web apps:\n" + probe.body());
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The run's audit rows, oldest first; waits for the audit writer, which is off the request path. */
    private static List<String> auditResults(String jdbcUrl, String run) throws SQLException, InterruptedException {
        List<String> results = new ArrayList<>();
        for (int attempt = 0; attempt < 100; attempt++) {
            results.clear();
            try (Connection c = DriverManager.getConnection(jdbcUrl);
                 PreparedStatement st = c.prepareStatement(
                         "SELECT policy_check_result FROM calls WHERE agent_run_id = ? ORDER BY ts, id")) {
                st.setString(1, run);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        results.add(rs.getString(1));
                    }
                }
            }
            if (results.size() >= 4) {
                break;
            }
            Thread.sleep(100);
        }
        return results;
    }
}
