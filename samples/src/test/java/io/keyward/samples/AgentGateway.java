package io.keyward.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyward.samples.fakevendor.FakeVendorServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The quickstart gateway and its fake vendor as the SDK agent tests drive it: vault keys issued with
 * the policies of samples/policies/, each agent run as a process of its own, then its audit rows and
 * spend read back through the admin API. Each issued key gets a run id of its own, so the rows of one
 * agent run are told apart from another's in the same test class. A test class registers one as a
 * static extension: the gateway starts before its first test and stops after its last.
 */
final class AgentGateway implements BeforeAllCallback, AfterAllCallback {
    private final QuickstartExtension quickstart = new QuickstartExtension(data -> Map.of());

    /** An issued vault key: its text for the agent, its id and run for the admin API. */
    record Issued(String key, String id, String runId) {
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        quickstart.beforeAll(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        quickstart.afterAll(context);
    }

    String url() {
        return quickstart.gateway();
    }

    FakeVendorServer fakeVendor() {
        return quickstart.quickstart().fakeVendor().orElseThrow();
    }

    /** A key for {@code agent}'s policy, under the run {@code runId} (several keys may share one run). */
    Issued issue(String vendor, String agent, String dailyCap, String runId) throws Exception {
        String policy = Files.readString(Path.of(System.getProperty("keyward.policies.dir"), agent + ".json"));
        JsonNode issued = quickstart.admin().issue(vendor, agent, "\"agent_run_id\":\"" + runId + "\",\"expires_in\":\"8h\","
                + "\"daily_usd_cap\":\"" + dailyCap + "\",\"policy\":" + policy);
        return new Issued(issued.get("key").asText(), issued.get("id").asText(), runId);
    }

    Issued issue(String vendor, String agent, String dailyCap) throws Exception {
        return issue(vendor, agent, dailyCap, newRunId(agent));
    }

    static String newRunId(String agent) {
        return agent + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Runs an agent to its end with the gateway's address in {@code KEYWARD_GATEWAY} and returns what
     * it printed; it must exit 0 within two minutes, and is killed if it does not.
     */
    List<String> run(List<String> command, Path directory, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory == null ? null : directory.toFile());
        builder.environment().putAll(env);
        builder.environment().put("KEYWARD_GATEWAY", url());
        // Output goes to files, not pipes, so a hung agent cannot block the test past its timeout.
        Path out = Files.createTempFile(Path.of("target"), "agent-stdout", ".txt");
        Path errors = Files.createTempFile(Path.of("target"), "agent-stderr", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(errors.toFile());
        Process process = builder.start();
        try {
            process.getOutputStream().close();
            boolean finished = process.waitFor(2, TimeUnit.MINUTES);
            String stdout = Files.readString(out);
            assertTrue(finished, "the agent finishes; it printed: " + stdout);
            assertEquals(0, process.exitValue(), stdout + Files.readString(errors));
            return stdout.lines().toList();
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Files.deleteIfExists(out);
            Files.deleteIfExists(errors);
        }
    }

    /** The run's audit rows, oldest first, waiting (up to 10 s) for the writer to store {@code expected} of them. */
    List<JsonNode> auditRows(String runId, int expected) throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        for (int attempt = 0; attempt < 100 && rows.size() < expected; attempt++) {
            Thread.sleep(attempt == 0 ? 0 : 100);
            rows.clear();
            for (JsonNode row : quickstart.admin().get("/calls?agent_run_id=" + runId + "&limit=50").json().get("items")) {
                rows.add(0, row);
            }
        }
        return rows;
    }

    /** The run's {@code policy_check_result}s, oldest first. */
    List<String> auditResults(String runId, int expected) throws Exception {
        return auditRows(runId, expected).stream().map(row -> row.get("policy_check_result").asText()).toList();
    }

    /**
     * What the key has spent and still holds reserved today, once settling (off the request thread)
     * has had up to 5 s to turn reservations into spend: the money the key's calls cost its cap.
     */
    BigDecimal charged(Issued key) throws Exception {
        JsonNode spend = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            spend = quickstart.admin().get("/spend?key_id=" + key.id()).json();
            if (new BigDecimal(spend.get("reserved_usd").asText()).signum() == 0) {
                break;
            }
            Thread.sleep(100);
        }
        return new BigDecimal(spend.get("spent_usd").asText()).add(new BigDecimal(spend.get("reserved_usd").asText()));
    }

    /**
     * The billing agent's run (samples/policies/billing-agent.json) in any language: the customer and
     * the charge come back as the SDK's objects, the refund as {@code refusal}.
     */
    static void assertBillingRun(List<String> out, String refusal) {
        assertEquals(3, out.size(), String.join("\n", out));
        assertTrue(out.get(0).startsWith("ok customers.retrieve cus_"), out.get(0));
        assertTrue(out.get(1).matches("ok payment_intents\\.create pi_\\w+ 2000"), out.get(1));
        assertEquals(refusal, out.get(2));
    }

    /** Runs {@code agent} while the fake vendor answers the next Stripe POST with a 500. */
    List<String> whileNextStripePostFails(Callable<List<String>> agent) throws Exception {
        fakeVendor().failNextPosts("stripe", 1);
        try {
            return agent.call();
        } finally {
            fakeVendor().failNextPosts("stripe", 0);
        }
    }

    /**
     * After the billing agent met one 500 on its charge (see {@link #whileNextStripePostFails}):
     * its SDK sent the charge twice with one Idempotency-Key, the retry rode on the first call's
     * reservation, and the key's cap was charged the $20.00 once.
     */
    void assertChargeRetriedOnceAndChargedOnce(Issued key, String idempotencyKeyPattern) throws Exception {
        List<JsonNode> rows = auditRows(key.runId(), 4);
        assertEquals(List.of("allowed", "allowed", "allowed", "denied_operation"),
                rows.stream().map(row -> row.get("policy_check_result").asText()).toList(), rows.toString());
        JsonNode failed = rows.get(1);
        JsonNode retry = rows.get(2);
        assertEquals("payment_intents.create", failed.get("operation").asText());
        assertEquals(500, failed.get("upstream_status").asInt(), failed.toString());
        assertEquals("payment_intents.create", retry.get("operation").asText());
        assertEquals(200, retry.get("upstream_status").asInt(), retry.toString());
        assertTrue(retry.get("reason").asText().startsWith("idempotent retry"), retry.toString());
        assertTrue(failed.get("idempotency_key").asText().matches(idempotencyKeyPattern), failed.toString());
        assertEquals(failed.get("idempotency_key"), retry.get("idempotency_key"));
        assertEquals(new BigDecimal("20.00"), charged(key));
    }

}
