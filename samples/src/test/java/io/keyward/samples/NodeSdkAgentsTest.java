package io.keyward.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sample agents of agents/node on stripe-node 23.1.0, twilio-node 6.3.1 and resend-node 6.38.0,
 * installed from agents/node/package-lock.json into target/sdk-node by the {@code sdk} profile
 * ({@code mvn -B verify -Psdk -pl samples -am}), each run with node against the quickstart gateway
 * and its fake vendor, pointed at Keyward as docs/sdk-agents.md tells their users.
 */
@Tag("sdk")
class NodeSdkAgentsTest {
    @RegisterExtension
    static final AgentGateway gateway = new AgentGateway();

    @Test
    void stripeNodeChargesThroughHostAndPortAloneAndItsRefundIsAStripePermissionError() throws Exception {
        AgentGateway.Issued key = gateway.issue("stripe", "billing-agent", "200.00");
        List<String> out = node("billing-agent.mjs", Map.of("KEYWARD_VAULT_KEY", key.key()));
        AgentGateway.assertBillingRun(out, "refused refunds.create StripePermissionError status=403 code=denied_operation");
        assertEquals(List.of("allowed", "allowed", "denied_operation"), gateway.auditResults(key.runId(), 3));
    }

    @Test
    void stripeNodeRetriesAVendor500WithItsIdempotencyKeyAndIsChargedOnce() throws Exception {
        AgentGateway.Issued key = gateway.issue("stripe", "billing-agent", "200.00");
        List<String> out = gateway.whileNextStripePostFails(() -> node("billing-agent.mjs", Map.of("KEYWARD_VAULT_KEY", key.key())));
        AgentGateway.assertBillingRun(out, "refused refunds.create StripePermissionError status=403 code=denied_operation");
        gateway.assertChargeRetriedOnceAndChargedOnce(key, "stripe-node-retry-[0-9a-f-]{36}");
    }

    /** The README's example: stripe-node with host and port only, a $0.60 charge and one over the policy. */
    @Test
    void stripeNodeWithHostAndPortOnlyIsChargedWhatItAskedAndGetsDeniedParameter() throws Exception {
        AgentGateway.Issued key = gateway.issue("stripe", "billing-agent", "1.00");
        List<String> out = node("quickstart-charge.mjs", Map.of("KEYWARD_VAULT_KEY", key.key()));
        assertEquals(2, out.size(), String.join("\n", out));
        assertTrue(out.get(0).matches("ok payment_intents\\.create pi_\\w+ 60 usd"), out.get(0));
        assertEquals("refused payment_intents.create StripePermissionError status=403 code=denied_parameter", out.get(1));
        assertEquals(List.of("allowed", "denied_parameter"), gateway.auditResults(key.runId(), 2));
        assertEquals(0, new BigDecimal("0.60").compareTo(gateway.charged(key)), "the $0.60 call is recorded as $0.60");
    }

    @Test
    void twilioNodeRefusalIsARestExceptionAndResendNodeReturnsKeywardsError() throws Exception {
        String run = AgentGateway.newRunId("notification-agent");
        AgentGateway.Issued twilioKey = gateway.issue("twilio", "notification-agent", "5.00", run);
        AgentGateway.Issued resendKey = gateway.issue("resend", "notification-agent", "2.00", run);
        List<String> out = node("notification-agent.mjs",
                Map.of("KEYWARD_TWILIO_KEY", twilioKey.key(), "KEYWARD_RESEND_KEY", resendKey.key()));
        assertEquals(4, out.size(), String.join("\n", out));
        assertTrue(out.get(0).matches("ok messages\\.create SM\\w{32} queued"), out.get(0));
        // more_info names docs/errors.md's entry for the code (relative or absolute alike).
        assertTrue(out.get(1).matches("refused messages\\.create abroad RestException status=403 code=40303"
                + " moreInfo=\\S*docs/errors\\.md#denied_parameter"), out.get(1));
        assertTrue(out.get(2).startsWith("ok emails.send "), out.get(2));
        assertTrue(out.get(3).startsWith("refused emails.send elsewhere error statusCode=403 name=denied_parameter"
                + " message=denied_parameter: parameter to[*] "), out.get(3));
        assertEquals(List.of("allowed", "denied_parameter", "allowed", "denied_parameter"), gateway.auditResults(run, 4));
    }

    /** Runs agents/node/{script} from the build folder that holds its node_modules. */
    private static List<String> node(String script, Map<String, String> env) throws Exception {
        Path dir = Path.of(System.getProperty("keyward.sdk.node.dir"));
        return gateway.run(List.of("node", script), dir, env);
    }
}
