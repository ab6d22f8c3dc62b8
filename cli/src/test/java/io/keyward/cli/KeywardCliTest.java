package io.keyward.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyward.testing.GatewayExtension;
import io.keyward.testing.RawHttp;
import io.keyward.testing.TestSecrets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The CLI against a real gateway (embedded Jetty, MariaDB, a WireMock vendor): what it changes, prints and exits with. */
class KeywardCliTest {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension("guards:\n  loop_max_repeats: 100000\n");
    private static final String POLICY = "{\"allow\":[{\"operation\":\"payment_intents.create\"}]}";

    @BeforeAll
    static void vendorAnswers() {
        gw.vendor().server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"object\":\"payment_intent\"}")));
    }

    /** One run of the CLI: exit code and what it printed. */
    private record Run(int exit, String out, String err) {
        List<JsonNode> lines() {
            return out.lines().map(Run::tree).toList();
        }

        JsonNode json() {
            List<JsonNode> lines = lines();
            assertEquals(1, lines.size(), out);
            return lines.get(0);
        }

        private static JsonNode tree(String line) {
            try {
                return AdminApi.JSON.readTree(line);
            } catch (Exception e) {
                throw new AssertionError("not one JSON object per line: " + line, e);
            }
        }
    }

    private static Map<String, String> env() {
        return Map.of("KEYWARD_URL", gw.gateway().baseUrl(), "KEYWARD_ADMIN_TOKEN", TestSecrets.ADMIN_TOKEN);
    }

    private static Run cli(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = KeywardCli.run(env, new PrintWriter(out, true), new PrintWriter(err, true), args);
        Run run = new Run(exit, out.toString(), err.toString());
        assertFalse(run.out().contains(TestSecrets.ADMIN_TOKEN) || run.err().contains(TestSecrets.ADMIN_TOKEN),
                "the admin token was printed: " + run);
        return run;
    }

    private static Run cli(String... args) {
        return cli(env(), args);
    }

    private static RawHttp.Response charge(String key, int cents) throws Exception {
        String body = "amount=" + cents + "&currency=usd";
        return RawHttp.send(gw.port(), ("POST /stripe/v1/payment_intents HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Authorization: Bearer " + key + "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anOperatorIssuesWatchesAndRevokesAKey() throws Exception {
        Run issued = cli("keys", "issue", "--vendor", "stripe", "--agent", "cli-billing", "--run", "run-7",
                "--daily-cap", "5.00", "--policy", POLICY, "--metadata", "{\"ticket\":\"OPS-1\"}", "--json");
        assertEquals(0, issued.exit(), issued.toString());
        String key = issued.json().path("key").asText();
        String id = issued.json().path("id").asText();
        assertTrue(key.startsWith("kw_"), issued.out());

        RawHttp.Response paid = charge(key, 150);
        assertEquals(200, paid.status(), paid.bodyText());
        gw.gateway().keyward().spend().flush(Duration.ofSeconds(10));
        gw.gateway().flushAudit();

        Run spend = cli("spend", "--key", id, "--json");
        assertEquals(0, spend.exit(), spend.toString());
        assertEquals("1.50", spend.json().path("spent_usd").asText());
        assertEquals("5.00", spend.json().path("cap_usd").asText());

        Run listed = cli("keys", "list", "--agent", "cli-billing", "--json");
        assertEquals(List.of(id), listed.lines().stream().map(k -> k.path("id").asText()).toList());
        assertFalse(listed.out().contains(key), "a listed key never shows its text");

        Run calls = cli("calls", "list", "--key", id, "--json");
        assertEquals(0, calls.exit(), calls.toString());
        JsonNode row = calls.json();
        assertAll(
                () -> assertEquals("allowed", row.path("policy_check_result").asText()),
                () -> assertEquals(paid.header("X-Keyward-Request-Id"), row.path("request_id").asText()),
                () -> assertEquals("1.50", row.path("amount_usd").asText()));

        Run text = cli("keys", "show", id);
        assertEquals(0, text.exit(), text.toString());
        assertTrue(text.out().contains("id=" + id) && text.out().contains("state=active") && text.out().contains("agent_run_id=run-7"), text.out());

        Run revoked = cli("keys", "revoke", id, "--reason", "loop at 2am");
        assertEquals(0, revoked.exit(), revoked.toString());
        assertTrue(revoked.out().contains("state=revoked") && revoked.out().contains("revoked_reason=loop at 2am"), revoked.out());
        assertEquals(401, charge(key, 150).status(), "the next call with the revoked key is refused");
    }

    @Test
    void theKillSwitchStopsAnAgentAndAVendorUntilUnfrozen() throws Exception {
        String first = gw.admin().issue("stripe", "cli-looping", "\"daily_usd_cap\":\"5.00\",\"policy\":" + POLICY).get("key").asText();
        String second = gw.admin().issue("stripe", "cli-looping", "\"daily_usd_cap\":\"5.00\",\"policy\":" + POLICY).get("key").asText();
        Run killed = cli("kill", "--agent", "cli-looping", "--reason", "stuck loop", "--json");
        assertEquals(0, killed.exit(), killed.toString());
        assertEquals(2, killed.json().path("revoked").asInt());
        assertEquals(401, charge(first, 100).status());
        assertEquals(401, charge(second, 100).status());

        Run frozen = cli("kill", "--vendor", "stripe", "--reason", "incident 12");
        try {
            assertEquals(0, frozen.exit(), frozen.toString());
            assertTrue(frozen.out().contains("kill_switch=vendor:stripe"), frozen.out());
            Run later = cli("keys", "issue", "--vendor", "stripe", "--agent", "cli-after-switch", "--daily-cap", "5.00", "--policy", POLICY, "--json");
            assertEquals(0, later.exit(), later.toString());
            assertEquals(401, charge(later.json().path("key").asText(), 100).status(), "no stripe key may call while the switch is on");
            Run unfrozen = cli("unfreeze", "--vendor", "stripe", "--reason", "resolved");
            assertEquals(0, unfrozen.exit(), unfrozen.toString());
            assertTrue(unfrozen.out().contains("unfrozen=1"), unfrozen.out());
            assertEquals(200, charge(later.json().path("key").asText(), 100).status(), "the key issued meanwhile calls once it is lifted");
        } finally {
            gw.admin().post("/unfreeze", "{\"vendor\":\"stripe\",\"reason\":\"test cleanup\"}");
        }
    }

    @Test
    void tailPrintsNewRowsOnceEachAsTheyLand() throws Exception {
        String key = gw.admin().issue("stripe", "cli-tailed", "\"daily_usd_cap\":\"50.00\",\"policy\":" + POLICY).get("key").asText();
        List<String> printed = new CopyOnWriteArrayList<>();
        PrintWriter out = new PrintWriter(new java.io.Writer() {
            private final StringBuilder line = new StringBuilder();

            @Override
            public void write(char[] buf, int off, int len) {
                for (int i = off; i < off + len; i++) {
                    if (buf[i] == '\n') {
                        printed.add(line.toString());
                        line.setLength(0);
                    } else {
                        line.append(buf[i]);
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        }, true);
        int[] exit = {-1};
        Thread tail = new Thread(() -> exit[0] = KeywardCli.run(env(), out, new PrintWriter(new StringWriter()),
                "calls", "tail", "--agent", "cli-tailed", "--backlog", "0", "--interval", "200ms", "--json"));
        tail.start();
        try {
            Thread.sleep(500);
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                sent.add(charge(key, 100 + i).header("X-Keyward-Request-Id"));
            }
            sent.add(charge(key, 99_999).header("X-Keyward-Request-Id")); // over the cap: refused, and audited too
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (printed.size() < sent.size() && System.nanoTime() < deadline) {
                gw.gateway().flushAudit();
                Thread.sleep(100);
            }
            Thread.sleep(1_000); // a few more polls: nothing is printed twice
            // Each once; in the order they landed (a row may land after a newer one: the write-ahead of a money call).
            List<String> ids = printed.stream().map(l -> Run.tree(l).path("request_id").asText()).toList();
            assertEquals(sent.size(), ids.size(), "each call once: " + printed);
            assertEquals(Set.copyOf(sent), Set.copyOf(ids), "each call once: " + printed);
            assertEquals(Set.of("allowed", "denied_spend_cap"),
                    printed.stream().map(l -> Run.tree(l).path("policy_check_result").asText()).collect(Collectors.toSet()));
        } finally {
            tail.interrupt();
            tail.join(10_000);
        }
        assertFalse(tail.isAlive(), "tail stops when interrupted");
        assertEquals(0, exit[0]);
    }

    @Test
    void anOperatorApprovesALargePaymentFromTheCommandLine() throws Exception {
        String key = gw.admin().issue("stripe", "cli-approvals", "\"daily_usd_cap\":\"500.00\",\"policy\":{\"allow\":"
                + "[{\"operation\":\"payment_intents.create\",\"approval_above_usd\":\"30.00\"}]}").get("key").asText();
        RawHttp.Response asked = charge(key, 4_500);
        assertEquals(403, asked.status(), asked.bodyText());
        String id = AdminApi.JSON.readTree(asked.bodyText()).path("error").path("approval_id").asText();

        Run pending = cli("approvals", "list", "--json");
        assertEquals(0, pending.exit(), pending.toString());
        JsonNode listed = pending.lines().stream().filter(a -> a.path("id").asText().equals(id)).findFirst().orElseThrow();
        assertEquals("45.00", listed.path("estimated_usd").asText());
        Run approved = cli("approvals", "approve", id, "--reason", "invoice checked");
        assertEquals(0, approved.exit(), approved.toString());
        assertTrue(approved.out().contains("state=approved") && approved.out().contains("reason=invoice checked"), approved.out());
        assertEquals(ExitCode.REFUSED, cli("approvals", "deny", id).exit(), "decided once: 409");
        assertEquals(200, charge(key, 4_500).status(), "the approved call passes");
        assertEquals(403, charge(key, 4_500).status(), "once");
        Run used = cli("approvals", "list", "--state", "used", "--json");
        assertTrue(used.lines().stream().anyMatch(a -> a.path("id").asText().equals(id)), used.out());
    }

    @Test
    void scriptsCanTellFailuresApartByExitCode(@TempDir Path dir) throws Exception {
        Run noToken = cli(Map.of("KEYWARD_URL", gw.gateway().baseUrl()), "keys", "list");
        assertEquals(ExitCode.USAGE, noToken.exit(), noToken.toString());
        assertTrue(noToken.err().contains("KEYWARD_ADMIN_TOKEN"), noToken.err());

        Run wrongToken = cli(Map.of("KEYWARD_URL", gw.gateway().baseUrl(), "KEYWARD_ADMIN_TOKEN", "kwadm_not-a-token"), "keys", "list");
        assertEquals(ExitCode.DENIED, wrongToken.exit(), wrongToken.toString());

        Run missing = cli("keys", "show", "aaaaaaaaaaaaaaaa", "--json");
        assertEquals(ExitCode.NOT_FOUND, missing.exit(), missing.toString());
        assertEquals("not_found", missing.json().path("error").path("code").asText(), "--json prints the gateway's error: " + missing);

        Run badCap = cli("keys", "issue", "--vendor", "stripe", "--agent", "cli-bad", "--daily-cap", "lots");
        assertEquals(ExitCode.REFUSED, badCap.exit(), badCap.toString());
        assertTrue(badCap.err().contains("daily_usd_cap"), "the gateway's message names the field: " + badCap.err());

        Run badPolicy = cli("keys", "issue", "--vendor", "stripe", "--agent", "cli-bad", "--policy", "{allow:");
        assertEquals(ExitCode.USAGE, badPolicy.exit(), badPolicy.toString());
        Path policyFile = dir.resolve("policy.json");
        Files.writeString(policyFile, POLICY);
        Run fromFile = cli("keys", "issue", "--vendor", "stripe", "--agent", "cli-file", "--policy", "@" + policyFile, "--json");
        assertEquals(0, fromFile.exit(), fromFile.toString());
        assertEquals("payment_intents.create", fromFile.json().path("policy").path("allow").path(0).path("operation").asText());

        Run noVendor = cli("keys", "issue", "--agent", "cli-bad");
        assertEquals(ExitCode.USAGE, noVendor.exit(), "picocli's usage error: " + noVendor);
        Run escape = cli("keys", "show", "../tokens");
        assertEquals(ExitCode.USAGE, escape.exit(), "an id cannot walk to another admin route: " + escape);

        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Run down = cli(Map.of("KEYWARD_URL", "http://127.0.0.1:" + closed, "KEYWARD_ADMIN_TOKEN", TestSecrets.ADMIN_TOKEN), "keys", "list");
        assertEquals(ExitCode.UNAVAILABLE, down.exit(), down.toString());

        Run flagToken = cli(Map.of(), "--help");
        assertEquals(0, flagToken.exit());
        Set<String> commands = Set.of("keys", "kill", "unfreeze", "calls", "spend", "approvals");
        assertTrue(commands.stream().allMatch(flagToken.out()::contains), flagToken.out());
        Run flags = cli(Map.of(), "keys", "list", "--url", gw.gateway().baseUrl(), "--token", TestSecrets.ADMIN_TOKEN, "--limit", "1", "--json");
        assertEquals(0, flags.exit(), "the URL and token from flags: " + flags);
        assertEquals(1, flags.lines().size());
    }

    @Test
    void agentChosenTextCannotRewriteTheOperatorsTerminal() {
        assertEquals("cli\\u001b[2J\\u000d ok\\u202e", Printer.safe("cli\u001b[2J\r ok\u202e"));
        StringWriter out = new StringWriter();
        new Printer(new PrintWriter(out, true), false).fields(AdminApi.JSON.createObjectNode().put("agent_name", "a\u001b]0;owned\u0007"), "agent_name");
        assertEquals("agent_name=a\\u001b]0;owned\\u0007", out.toString().strip());
        assertEquals(Set.of(), out.toString().chars().filter(c -> c < 0x20 && c != '\n').boxed().collect(Collectors.toSet()));
    }
}
