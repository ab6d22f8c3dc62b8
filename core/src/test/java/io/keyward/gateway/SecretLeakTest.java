package io.keyward.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.keyward.config.ConfigException;
import io.keyward.config.ConfigLoader;
import io.keyward.testing.AdminClient;
import io.keyward.testing.FakeVendor;
import io.keyward.testing.GatewayExtension;
import io.keyward.testing.RawHttp;
import io.keyward.testing.TcpRelay;
import io.keyward.testing.TestDatabase;
import io.keyward.testing.TestGateway;
import io.keyward.testing.TestSecrets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Control 7: with known fake secrets configured, drive allowed calls, every kind of refusal, and
 * vendor answers that echo the secret in their body and headers, and check that no response holds a
 * secret or any tile-long run of one (shorter fragments a vendor prints itself, such as Stripe's
 * {@code sk_test_51Qx...3Ug}, pass: masking them would make the mask an oracle, see
 * {@code MaskingOracleTest}), and that no log line (at DEBUG, for all of Keyward), audit row or admin
 * listing holds even an 8-character piece of one.
 */
class SecretLeakTest {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension("guards:\n  rate_per_minute: 1000\n");
    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
    private static final Logger ROOT = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private static final Logger KEYWARD = (Logger) LoggerFactory.getLogger("io.keyward");
    private static Level keywardLevel;
    private final List<String> answers = new ArrayList<>();

    @BeforeAll
    static void captureLogs() {
        LOGS.start();
        ROOT.addAppender(LOGS);
        keywardLevel = KEYWARD.getLevel();
        KEYWARD.setLevel(Level.DEBUG);
    }

    @AfterAll
    static void releaseLogs() {
        ROOT.detachAppender(LOGS);
        KEYWARD.setLevel(keywardLevel);
    }

    private void send(String raw) throws Exception {
        RawHttp.Response r = RawHttp.send(gw.port(), raw.getBytes(StandardCharsets.UTF_8));
        answers.add(r.everything());
    }

    private static String post(String key, String path, String type, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: " + key + "\r\nContent-Type: " + type
                + "\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    private static String get(String auth, String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + (auth == null ? "" : "Authorization: " + auth + "\r\n") + "\r\n";
    }

    @Test
    void noSecretReachesAnAgentOrALogOnAnyPath() throws Exception {
        String stripe = "Bearer " + gw.admin().issue("stripe", "leaky", "\"daily_usd_cap\":\"5.00\",\"policy\":{\"allow\":["
                + "{\"operation\":\"payment_intents.create\",\"params\":{\"amount\":{\"max\":300}}},{\"operation\":\"customers.retrieve\"}]}")
                .get("key").asText();
        String twilioKey = gw.admin().issue("twilio", "leaky", "\"daily_usd_cap\":\"5.00\",\"policy\":{\"allow\":[{\"operation\":\"messages.create\"}]}")
                .get("key").asText();
        String twilio = "Basic " + Base64.getEncoder().encodeToString((twilioKey + ":x").getBytes(StandardCharsets.UTF_8));
        String resend = "Bearer " + gw.admin().issue("resend", "leaky", "\"daily_usd_cap\":\"5.00\",\"policy\":{\"allow\":[{\"operation\":\"emails.send\"}]}")
                .get("key").asText();

        // Vendors that echo the secret they were sent: whole, in part, in bodies and in headers.
        String echo = "{\"error\":{\"message\":\"Invalid API Key provided: " + TestSecrets.STRIPE.substring(0, 14) + "****"
                + TestSecrets.STRIPE.substring(TestSecrets.STRIPE.length() - 9) + "\",\"debug\":\"" + TestSecrets.TWILIO_TOKEN
                + " / " + TestSecrets.RESEND.substring(5, 20) + " / " + TestSecrets.STRIPE + " / " + TestSecrets.RESEND + "\"}}";
        for (int status : new int[] {200, 401, 500}) {
            gw.vendor().server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(status)
                    .withHeader("Content-Type", "application/json")
                    .withHeader("X-Echo", "key=" + TestSecrets.STRIPE)
                    .withHeader("WWW-Authenticate", "Basic realm=\"" + TestSecrets.TWILIO_TOKEN.substring(3, 15) + "\"")
                    .withBody(echo.repeat(status == 200 ? 300 : 1))));
            send(post(stripe, "/stripe/v1/payment_intents", "application/x-www-form-urlencoded", "amount=100&currency=usd&description=s" + status));
            send(post(twilio, "/twilio/2010-04-01/Accounts/" + twilioKey + "/Messages.json", "application/x-www-form-urlencoded",
                    "To=%2B15551234567&Body=hi" + status));
            send(post(resend, "/resend/emails", "application/json", "{\"to\":[\"a@example.com\"],\"subject\":\"" + status + "\"}"));
        }

        // Every kind of refusal, some of them carrying a real secret in the request itself.
        send(get(null, "/stripe/v1/customers/cus_1"));
        send(get("Bearer " + TestSecrets.STRIPE, "/stripe/v1/customers/cus_1"));
        send(get("Basic " + Base64.getEncoder().encodeToString((TestSecrets.TWILIO_ACCOUNT + ":" + TestSecrets.TWILIO_TOKEN)
                .getBytes(StandardCharsets.UTF_8)), "/twilio/2010-04-01/Accounts/AC1/Messages.json"));
        send(get(stripe, "/resend/emails"));
        send(post(stripe, "/stripe/v1/payment_intents", "application/x-www-form-urlencoded", "amount=301&currency=usd"));
        send(post(stripe, "/stripe/v1/refunds", "application/x-www-form-urlencoded", "amount=1"));
        send(post(stripe, "/stripe/v1/payment_intents", "application/x-www-form-urlencoded", "amount=300&currency=usd&description="
                + TestSecrets.STRIPE + "&amount=1"));
        send(post(stripe, "/stripe/v1/payment_intents", "text/plain", TestSecrets.RESEND));
        send(get(stripe, "/stripe/v1/customers/%2e%2e/" + TestSecrets.STRIPE));
        send(post(stripe, "/stripe/v1/payment_intents", "application/x-www-form-urlencoded", "amount=1&description=" + "x".repeat(1024 * 1024)));
        String revoked = gw.admin().issue("stripe", "leaky", null).get("key").asText();
        gw.admin().post("/keys/" + revoked.substring(3, 19) + "/revoke", "{\"reason\":\"" + TestSecrets.STRIPE.substring(0, 6) + "\"}");
        send(get("Bearer " + revoked, "/stripe/v1/customers/cus_1"));
        send(post(stripe, "/stripe/v1/payment_intents", "application/x-www-form-urlencoded", "amount=290&currency=usd&description=a"));
        send(post(stripe, "/stripe/v1/payment_intents", "application/x-www-form-urlencoded", "amount=290&currency=usd&description=b"));
        gw.gateway().flushAudit();

        assertTrue(answers.size() >= 18);
        for (String answer : answers) {
            assertNoSecretRun("an answer", answer);
        }
        assertTrue(answers.stream().anyMatch(a -> a.contains("denied_spend_cap")), "the cap path was driven");
        for (String code : List.of("denied_unknown_key", "denied_vendor", "denied_parameter", "denied_operation", "denied_malformed",
                "denied_too_large", "denied_revoked")) {
            assertTrue(answers.stream().anyMatch(a -> a.contains(code)), code + " was driven");
        }
        assertTrue(answers.stream().anyMatch(a -> a.contains("********")), "echoed secrets were masked, not dropped");
        List<String> lines = logLines();
        assertFalse(lines.isEmpty(), "something was logged");
        for (String line : lines) {
            assertNoSecret("a log line", line);
        }
        String audit = gw.admin().get("/calls?limit=500").raw();
        assertNoSecret("the audit trail", audit);
        assertNoSecret("the admin API", gw.admin().get("/keys?limit=500").raw());
    }

    /**
     * A vault key is the agent's secret: wherever an agent puts one (Twilio's account segment, the
     * path, the query, a header, the body, a revoked or unknown or mistyped key), no audit column,
     * no log line and no admin listing holds it; the audit trail keeps its id.
     */
    @Test
    void vaultKeysNeverLandInTheAuditTrailOrALog() throws Exception {
        String key = gw.admin().issue("twilio", "keyholder", "\"daily_usd_cap\":\"5.00\",\"policy\":{\"allow\":[{\"operation\":\"messages.create\"}]}")
                .get("key").asText();
        String stripe = gw.admin().issue("stripe", "keyholder", "\"daily_usd_cap\":\"5.00\"").get("key").asText();
        String revoked = gw.admin().issue("stripe", "keyholder", null).get("key").asText();
        gw.admin().post("/keys/" + revoked.substring(3, 19) + "/revoke", "{\"reason\":\"done\"}");
        String mistyped = stripe.substring(0, stripe.length() - 1) + (stripe.endsWith("A") ? "B" : "A");
        String unknown = "kw_" + "0".repeat(16) + "_" + stripe.substring(20);
        String account = "/twilio/2010-04-01/Accounts/";
        send(post("Bearer " + key, account + key + "/Messages.json", "application/x-www-form-urlencoded", "To=%2B15551234567&Body=hi"));
        send(post("Bearer " + key, account + key + "/Queues.json", "application/x-www-form-urlencoded", "x=1"));
        send(post("Bearer " + key, account + key.replace("_", "%5F") + "/Queues.json", "application/x-www-form-urlencoded", "x=1"));
        send(get("Bearer " + stripe, "/stripe/v1/customers/" + stripe));
        send(get("Bearer " + stripe, "/stripe/v1/customers/cus_1?expand%5B0%5D=" + stripe));
        send(post("Bearer " + stripe, "/stripe/v1/customers", "application/x-www-form-urlencoded", "description=" + stripe));
        send(get("Bearer " + revoked, "/stripe/v1/customers/cus_1"));
        send(get("Bearer " + mistyped, "/stripe/v1/customers/cus_1"));
        send(get("Bearer " + unknown, "/stripe/v1/customers/cus_1"));
        send(get("Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8)), account + key + "/Messages.json"));
        gw.gateway().flushAudit();

        String audit = gw.admin().get("/calls?limit=500").raw();
        List<String> lines = logLines();
        for (String vaultKey : List.of(key, stripe, revoked, mistyped, unknown)) {
            String secretPart = vaultKey.substring(20);
            assertFalse(audit.contains(secretPart), "the audit trail holds a vault key");
            assertFalse(gw.admin().get("/keys?limit=500").raw().contains(secretPart), "an admin listing holds a vault key");
            for (String line : lines) {
                assertFalse(line.contains(secretPart), "a log line holds a vault key: " + line);
            }
            for (String answer : answers) {
                assertFalse(answer.contains(secretPart), "an answer echoes a vault key: " + answer);
            }
        }
        assertTrue(audit.contains("kw_" + key.substring(3, 19) + "_[redacted]"), "the audit trail keeps the key's id");
    }

    /**
     * The paths the first test does not take, on a gateway of their own: a vendor that times out,
     * resets, or echoes the secrets and then breaks off mid-body; money spent from escrow leases; a
     * secret rotated through the admin API and then echoed; and the audit spool files written to
     * disk while MariaDB is away. No answer holds a run of any secret (the rotated one included);
     * no log line and no spool file holds a piece of one, or any part of a vault key's secret.
     */
    @Test
    void faultsLeasesRotationAndTheSpoolOnDiskLeakNothing(@TempDir Path spool) throws Exception {
        String rotated = "sk_test_ROTATEDq7Wn3Zx9Lp2Vb6Hm4Kd";
        List<String> secrets = new ArrayList<>(TestSecrets.vendorSecrets());
        secrets.add(rotated);
        // The secrets Keyward holds; the rotated one is echoed only once Keyward has it.
        String echo = "{\"debug\":\"" + String.join(" / ", TestSecrets.vendorSecrets()) + "\"}";
        String db = TestDatabase.fresh();
        try (FakeVendor vendor = new FakeVendor(); CutVendor cut = CutVendor.open(); TcpRelay relay = TcpRelay.inFrontOf(db);
             TestGateway node = TestGateway.start(relay.relayed(db), vendor.baseUrl(), "", """
                     audit:
                       spool_dir: %s
                     spend:
                       lease_usd: "2.00"
                     forward:
                       response_timeouts:
                         stripe: {customers.retrieve: 1s}
                     secrets:
                       master_key_id: k1
                       master_keys:
                         k1: "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="
                     """.formatted(spool),
                     config -> config.replaceFirst("(  resend:\n    base_url: )\\S+", "$1" + cut.baseUrl()))) {
            AdminClient admin = new AdminClient(node.baseUrl(), TestSecrets.ADMIN_TOKEN);
            String stripe = "Bearer " + admin.issue("stripe", "leaky2", "\"daily_usd_cap\":\"20.00\",\"policy\":{\"allow\":["
                    + "{\"operation\":\"payment_intents.create\"},{\"operation\":\"customers.retrieve\"},{\"operation\":\"customers.create\"}]}")
                    .get("key").asText();
            String resendKey = admin.issue("resend", "leaky2", "\"daily_usd_cap\":\"5.00\",\"policy\":{\"allow\":[{\"operation\":\"emails.send\"}]}")
                    .get("key").asText();
            vendor.server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                    .withHeader("X-Echo", echo).withBody(echo)));
            vendor.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathMatching("/v1/customers/.*"))
                    .willReturn(aResponse().withStatus(200).withBody(echo).withFixedDelay(2_000)));
            vendor.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathMatching("/v1/customers"))
                    .willReturn(aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER)));
            List<RawHttp.Response> replies = new ArrayList<>();

            // Faults: a timeout (504), a reset (502), an echo broken off mid-body.
            replies.add(RawHttp.send(node.port(), get(stripe, "/stripe/v1/customers/cus_" + TestSecrets.STRIPE.substring(8)).getBytes(StandardCharsets.UTF_8)));
            replies.add(RawHttp.send(node.port(), post(stripe, "/stripe/v1/customers", "application/x-www-form-urlencoded", "email=a%40b.co")
                    .getBytes(StandardCharsets.UTF_8)));
            String resendEcho = echo.repeat(20);
            Future<?> cutAnswer = cut.answerOnce("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Echo: " + echo
                    + "\r\nContent-Length: " + (resendEcho.length() * 2) + "\r\n\r\n" + resendEcho);
            replies.add(RawHttp.send(node.port(), post("Bearer " + resendKey, "/resend/emails", "application/json",
                    "{\"from\":\"a@example.com\",\"to\":[\"b@example.com\"],\"subject\":\"s\"}").getBytes(StandardCharsets.UTF_8)));
            cutAnswer.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(List.of(504, 502, 200), replies.stream().map(RawHttp.Response::status).toList());
            assertFalse(replies.get(2).complete(), "the broken-off echo");
            assertTrue(replies.get(2).bodyText().contains("********"), "what arrived of it was masked, not cut out");

            // Money from escrow leases, the vendor echoing every secret.
            for (int i = 0; i < 3; i++) {
                RawHttp.Response paid = RawHttp.send(node.port(), post(stripe, "/stripe/v1/payment_intents",
                        "application/x-www-form-urlencoded", "amount=50&currency=usd&description=l" + i).getBytes(StandardCharsets.UTF_8));
                assertEquals(200, paid.status(), paid.bodyText());
                replies.add(paid);
            }

            // A rotated secret, used upstream and echoed back.
            var rotation = HttpClient.newHttpClient().send(HttpRequest.newBuilder(java.net.URI.create(node.baseUrl() + "/admin/vendors/stripe/secret"))
                    .header("Authorization", "Bearer " + TestSecrets.ADMIN_TOKEN).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"secret\":\"" + rotated + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, rotation.statusCode(), rotation.body());
            assertNoSecret("the rotation's answer", rotation.body(), secrets);
            String echoAll = "{\"debug\":\"" + String.join(" / ", secrets) + "\"}";
            vendor.server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                    .withHeader("X-Echo", echoAll).withBody(echoAll)));
            RawHttp.Response afterRotation = RawHttp.send(node.port(), post(stripe, "/stripe/v1/payment_intents",
                    "application/x-www-form-urlencoded", "amount=50&currency=usd&description=r").getBytes(StandardCharsets.UTF_8));
            assertEquals(200, afterRotation.status());
            assertTrue(afterRotation.bodyText().contains("********"), "the rotated secret's echo is masked");
            var received = vendor.received();
            assertEquals("Bearer " + rotated, received.get(received.size() - 1).getHeader("Authorization"), "the rotated secret went upstream");
            replies.add(afterRotation);
            node.flushAudit();

            // The database goes away: rows, some of calls carrying a secret, are spooled to disk.
            relay.cut();
            replies.add(RawHttp.send(node.port(), get("Bearer " + rotated, "/stripe/v1/customers/cus_1").getBytes(StandardCharsets.UTF_8)));
            replies.add(RawHttp.send(node.port(), post(stripe, "/stripe/v1/payment_intents", "application/x-www-form-urlencoded",
                    "amount=50&currency=usd&description=" + TestSecrets.RESEND).getBytes(StandardCharsets.UTF_8)));
            replies.add(RawHttp.send(node.port(), get(stripe, "/stripe/v1/customers/" + stripe.substring(7)).getBytes(StandardCharsets.UTF_8)));
            String spooled = awaitSpool(spool);
            assertTrue(spooled.contains("leaky2"), "the spool holds the calls' rows");
            assertNoSecret("a spool file", spooled, secrets);
            for (String vaultKey : List.of(stripe.substring(7), resendKey)) {
                assertFalse(spooled.contains(vaultKey.substring(20)), "a spool file holds a vault key");
            }
            relay.restore();
            node.flushAudit();

            for (RawHttp.Response reply : replies) {
                assertNoSecretRun("an answer", reply.everything(), secrets);
            }
            for (String line : logLines()) {
                assertNoSecret("a log line", line, secrets);
                assertFalse(line.contains(stripe.substring(27)) || line.contains(resendKey.substring(20)), "a log line holds a vault key: " + line);
            }
            String audit = admin.get("/calls?limit=500").raw();
            assertNoSecret("the audit trail", audit, secrets);
            assertTrue(audit.contains("broke off"), "the broken-off call is on record");
        }
    }

    /** The spool folder's files, once one holds rows (they are forced to disk as they are spooled). */
    private static String awaitSpool(Path spool) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        StringBuilder all = new StringBuilder();
        while (System.nanoTime() < deadline) {
            all.setLength(0);
            try (var files = Files.walk(spool)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).append('\n');
                }
            }
            if (all.toString().contains("leaky2")) {
                break;
            }
            Thread.sleep(50);
        }
        return all.toString();
    }

    @Test
    void aBadConfigNamesTheKeyButNeverTheSecret() {
        String yaml = TestGateway.yaml("http://127.0.0.1:1").replace("    secret: " + TestSecrets.RESEND,
                "    secret: " + TestSecrets.RESEND + "\n    secrett: " + TestSecrets.RESEND);
        ConfigException e = assertThrows(ConfigException.class,
                () -> new ConfigLoader(Map.of("TEST_JDBC_URL", "jdbc:mariadb://x/y")::get).parse(yaml));
        assertTrue(e.getMessage().startsWith("vendors.resend.secrett: unknown key"), e.getMessage());
        assertNoSecret("a config error", e.getMessage());
    }

    @Test
    void httpClientHeaderLoggingWouldPrintSecretsSoKeywardRefusesToStart() {
        Logger headers = (Logger) LoggerFactory.getLogger("org.apache.hc.client5.http.headers");
        Level before = headers.getLevel();
        headers.setLevel(Level.DEBUG);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> new io.keyward.forward.Forwarder(io.keyward.config.ForwardConfig.ofDefaults(),
                            new io.keyward.secret.SecretRedactor(List.of())));
            assertTrue(e.getMessage().contains("org.apache.hc.client5.http.headers"));
        } finally {
            headers.setLevel(before);
        }
        assertEquals(before, headers.getLevel());
    }

    /** What was logged so far; copied under the appender's lock, since other threads keep logging. */
    private static List<String> logLines() {
        List<ILoggingEvent> events;
        synchronized (LOGS) {
            events = new ArrayList<>(LOGS.list);
        }
        return events.stream().map(e -> e.getFormattedMessage() + " " + (e.getThrowableProxy() == null ? ""
                : e.getThrowableProxy().getMessage())).toList();
    }

    /** Neither a whole secret nor any run of a tile (24 characters) of one. */
    private static void assertNoSecretRun(String where, String text) {
        assertNoSecretRun(where, text, TestSecrets.vendorSecrets());
    }

    private static void assertNoSecretRun(String where, String text, List<String> secrets) {
        for (String secret : secrets) {
            for (int i = 0; i + 24 <= secret.length(); i++) {
                String run = secret.substring(i, i + 24);
                assertFalse(text.contains(run), where + " holds a run of a secret (" + run.substring(0, 2) + "...): " + shorten(text, run));
            }
        }
    }

    /** Neither a whole secret nor any 8-character piece of one. */
    private static void assertNoSecret(String where, String text) {
        assertNoSecret(where, text, TestSecrets.vendorSecrets());
    }

    private static void assertNoSecret(String where, String text, List<String> secrets) {
        for (String secret : secrets) {
            for (int i = 0; i + 8 <= secret.length(); i++) {
                String piece = secret.substring(i, i + 8);
                assertFalse(text.contains(piece), where + " holds a piece of a secret (" + piece.substring(0, 2) + "...): " + shorten(text, piece));
            }
        }
    }

    private static String shorten(String text, String piece) {
        int at = text.indexOf(piece);
        return text.substring(Math.max(0, at - 60), Math.min(text.length(), at + 60)).replace(piece, "[PIECE]");
    }
}
