package io.keyward.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sample agents, written with stripe-java, twilio-java and resend-java, each run as its own
 * process on its own class path against the quickstart gateway and its fake vendor, with keys
 * issued from samples/policies/. Allowed calls come back as the SDK's objects; refused ones as the
 * SDK's own exception carrying Keyward's code; every call has its audit row.
 */
class SdkAgentsTest {
    @RegisterExtension
    static final QuickstartExtension QUICKSTART = new QuickstartExtension(data -> Map.of());

    @Test
    void billingAgentChargesAndItsRefundSurfacesAsStripePermissionException() throws Exception {
        String key = issue("stripe", "billing-agent", "200.00");
        List<String> out = runAgent("stripe-agent", "io.keyward.agents.stripe.BillingAgent", Map.of("KEYWARD_VAULT_KEY", key));
        assertEquals(3, out.size(), String.join("\n", out));
        assertTrue(out.get(0).startsWith("ok customers.retrieve cus_"), out.get(0));
        assertTrue(out.get(1).startsWith("ok payment_intents.create pi_"), out.get(1));
        assertEquals("refused refunds.create PermissionException status=403 code=denied_operation", out.get(2));
        assertEquals(List.of("allowed", "allowed", "denied_operation"), auditResults("billing-agent", 3));
    }

    @Test
    void refundAgentRefundsWithinItsLimitOnly() throws Exception {
        String key = issue("stripe", "refund-agent", "100.00");
        List<String> out = runAgent("stripe-agent", "io.keyward.agents.stripe.RefundAgent", Map.of("KEYWARD_VAULT_KEY", key));
        assertEquals(3, out.size(), String.join("\n", out));
        assertTrue(out.get(0).startsWith("ok refunds.create re_"), out.get(0));
        assertEquals("refused refunds.create PermissionException status=403 code=denied_parameter", out.get(1));
        assertEquals("refused payouts.create PermissionException status=403 code=denied_operation", out.get(2));
        assertEquals(List.of("allowed", "denied_parameter", "denied_operation"), auditResults("refund-agent", 3));
    }

    @Test
    void notificationAgentTextsAndMailsWithinItsPolicyThroughTwilioAndResendSdks() throws Exception {
        String twilioKey = issue("twilio", "notification-agent", "5.00");
        String resendKey = issue("resend", "notification-agent", "2.00");
        List<String> out = runAgent("notification-agent", "io.keyward.agents.notification.NotificationAgent",
                Map.of("KEYWARD_TWILIO_KEY", twilioKey, "KEYWARD_RESEND_KEY", resendKey));
        assertEquals(4, out.size(), String.join("\n", out));
        assertTrue(out.get(0).startsWith("ok messages.create SM"), out.get(0));
        assertTrue(out.get(1).startsWith("refused messages.create abroad ApiException status=403 message=denied_parameter: "), out.get(1));
        assertTrue(out.get(2).startsWith("ok emails.send "), out.get(2));
        assertTrue(out.get(3).startsWith("refused emails.send elsewhere ResendException status=403 name=denied_parameter"
                + " message=denied_parameter: "), out.get(3));
        assertEquals(List.of("allowed", "denied_parameter", "allowed", "denied_parameter"), auditResults("notification-agent", 4));
    }

    private static String issue(String vendor, String agent, String dailyCap) throws Exception {
        String policy = Files.readString(Path.of(System.getProperty("keyward.policies.dir"), agent + ".json"));
        return QUICKSTART.admin().issue(vendor, agent, "\"agent_run_id\":\"" + agent + "-run\",\"expires_in\":\"8h\","
                + "\"daily_usd_cap\":\"" + dailyCap + "\",\"policy\":" + policy).get("key").asText();
    }

    /** Runs the agent's main class on its own module's class path (no Keyward jar on it). */
    private static List<String> runAgent(String module, String mainClass, Map<String, String> env)
            throws IOException, InterruptedException {
        Path dir = Path.of(System.getProperty("keyward.agents.dir"), module, "target");
        String classpath = dir.resolve("classes") + File.pathSeparator + Files.readString(dir.resolve("agent.classpath")).strip();
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", classpath, mainClass).redirectErrorStream(false);
        builder.environment().putAll(env);
        builder.environment().put("KEYWARD_GATEWAY", gateway());
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process process = builder.start();
        process.getOutputStream().close();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), "the agent finishes");
        assertEquals(0, process.exitValue(), stdout);
        return stdout.lines().toList();
    }

    /** The agent's audit rows, oldest first, waiting (up to 10 s) for the writer to store {@code expected} of them. */
    private static List<String> auditResults(String agent, int expected) throws Exception {
        List<String> results = new ArrayList<>();
        for (int attempt = 0; attempt < 100 && results.size() < expected; attempt++) {
            Thread.sleep(attempt == 0 ? 0 : 100);
            results.clear();
            for (JsonNode row : QUICKSTART.admin().get("/calls?agent_name=" + agent + "&limit=50").json().get("items")) {
                results.add(0, row.get("policy_check_result").asText());
            }
        }
        return results;
    }

    private static String gateway() {
        return QUICKSTART.gateway();
    }
}
