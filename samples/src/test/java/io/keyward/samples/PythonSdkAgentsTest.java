package io.keyward.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sample agents of agents/python on Debian's python3-stripe 5.0.0 and python3-twilio 7.7.1,
 * run with /usr/bin/python3 (the interpreter those packages install into) against the quickstart
 * gateway and its fake vendor, pointed at Keyward as docs/sdk-agents.md tells their users. In the
 * {@code sdk} profile only ({@code mvn -B verify -Psdk -pl samples -am}).
 */
@Tag("sdk")
class PythonSdkAgentsTest {
    private static final String REFUSED_REFUND = "refused refunds.create PermissionError status=403 code=denied_operation";

    @RegisterExtension
    static final AgentGateway gateway = new AgentGateway();

    @Test
    void stripePythonChargesThroughTheStripePrefixAndItsRefundIsAPermissionError() throws Exception {
        AgentGateway.Issued key = gateway.issue("stripe", "billing-agent", "200.00");
        List<String> out = python("billing_agent.py", Map.of("KEYWARD_VAULT_KEY", key.key()));
        AgentGateway.assertBillingRun(out, REFUSED_REFUND);
        assertEquals(List.of("allowed", "allowed", "denied_operation"), gateway.auditResults(key.runId(), 3));
    }

    @Test
    void stripePythonReachesStripeThroughTheGatewayAloneByItsVaultKey() throws Exception {
        AgentGateway.Issued key = gateway.issue("stripe", "billing-agent", "200.00");
        List<String> out = python("billing_agent.py", Map.of("KEYWARD_VAULT_KEY", key.key(), "KEYWARD_STRIPE_API_BASE", gateway.url()));
        AgentGateway.assertBillingRun(out, REFUSED_REFUND);
        assertEquals(List.of("allowed", "allowed", "denied_operation"), gateway.auditResults(key.runId(), 3));
    }

    @Test
    void stripePythonRetriesAVendor500WithItsIdempotencyKeyAndIsChargedOnce() throws Exception {
        AgentGateway.Issued key = gateway.issue("stripe", "billing-agent", "200.00");
        List<String> out = gateway.whileNextStripePostFails(() -> python("billing_agent.py", Map.of("KEYWARD_VAULT_KEY", key.key())));
        AgentGateway.assertBillingRun(out, REFUSED_REFUND);
        // stripe-python 5.0.0's Idempotency-Key is a bare UUID.
        gateway.assertChargeRetriedOnceAndChargedOnce(key, "[0-9a-f-]{36}");
    }

    @Test
    void twilioPythonRefusalIsATwilioRestExceptionWithKeywardsCode() throws Exception {
        AgentGateway.Issued key = gateway.issue("twilio", "notification-agent", "5.00");
        List<String> out = python("notification_agent.py", Map.of("KEYWARD_TWILIO_KEY", key.key()));
        assertEquals(2, out.size(), String.join("\n", out));
        assertTrue(out.get(0).matches("ok messages\\.create SM\\w{32} queued"), out.get(0));
        assertTrue(out.get(1).startsWith("refused messages.create abroad TwilioRestException status=403 code=40303"
                + " msg=Unable to create record: denied_parameter: parameter To "), out.get(1));
        assertEquals(List.of("allowed", "denied_parameter"), gateway.auditResults(key.runId(), 2));
    }

    /** Runs agents/python/{script} with Debian's python3; -B keeps bytecode out of the source folder. */
    private static List<String> python(String script, Map<String, String> env) throws Exception {
        Path dir = Path.of(System.getProperty("keyward.agents.dir"), "python");
        Map<String, String> all = new HashMap<>(env);
        all.put("PYTHONNOUSERSITE", "1"); // only Debian's packages, never a user's own stripe or twilio
        return gateway.run(List.of("/usr/bin/python3", "-B", script), dir, all);
    }
}
