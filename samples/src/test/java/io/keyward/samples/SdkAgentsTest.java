package io.keyward.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
    static final AgentGateway gateway = new AgentGateway();

    @Test
    void billingAgentChargesAndItsRefundSurfacesAsStripePermissionException() throws Exception {
        AgentGateway.Issued key = gateway.issue("stripe", "billing-agent", "200.00");
        List<String> out = runAgent("stripe-agent", "io.keyward.agents.stripe.BillingAgent", Map.of("KEYWARD_VAULT_KEY", key.key()));
        assertEquals(3, out.size(), String.join("\n", out));
        assertTrue(out.get(0).startsWith("ok customers.retrieve cus_"), out.get(0));
        assertTrue(out.get(1).startsWith("ok payment_intents.create pi_"), out.get(1));
        assertEquals("refused refunds.create PermissionException status=403 code=denied_operation", out.get(2));
        assertEquals(List.of("allowed", "allowed", "denied_operation"), gateway.auditResults(key.runId(), 3));
    }

    @Test
    void refundAgentRefundsWithinItsLimitOnly() throws Exception {
        AgentGateway.Issued key = gateway.issue("stripe", "refund-agent", "100.00");
        List<String> out = runAgent("stripe-agent", "io.keyward.agents.stripe.RefundAgent", Map.of("KEYWARD_VAULT_KEY", key.key()));
        assertEquals(3, out.size(), String.join("\n", out));
        assertTrue(out.get(0).startsWith("ok refunds.create re_"), out.get(0));
        assertEquals("refused refunds.create PermissionException status=403 code=denied_parameter", out.get(1));
        assertEquals("refused payouts.create PermissionException status=403 code=denied_operation", out.get(2));
        assertEquals(List.of("allowed", "denied_parameter", "denied_operation"), gateway.auditResults(key.runId(), 3));
    }

    @Test
    void notificationAgentTextsAndMailsWithinItsPolicyThroughTwilioAndResendSdks() throws Exception {
        String run = AgentGateway.newRunId("notification-agent");
        AgentGateway.Issued twilioKey = gateway.issue("twilio", "notification-agent", "5.00", run);
        AgentGateway.Issued resendKey = gateway.issue("resend", "notification-agent", "2.00", run);
        List<String> out = runAgent("notification-agent", "io.keyward.agents.notification.NotificationAgent",
                Map.of("KEYWARD_TWILIO_KEY", twilioKey.key(), "KEYWARD_RESEND_KEY", resendKey.key()));
        assertEquals(4, out.size(), String.join("\n", out));
        assertTrue(out.get(0).startsWith("ok messages.create SM"), out.get(0));
        assertTrue(out.get(1).startsWith("refused messages.create abroad ApiException status=403 message=denied_parameter: "), out.get(1));
        assertTrue(out.get(2).startsWith("ok emails.send "), out.get(2));
        assertTrue(out.get(3).startsWith("refused emails.send elsewhere ResendException status=403 name=denied_parameter"
                + " message=denied_parameter: "), out.get(3));
        assertEquals(List.of("allowed", "denied_parameter", "allowed", "denied_parameter"), gateway.auditResults(run, 4));
    }

    /** Runs the agent's main class on its own module's class path (no Keyward jar on it). */
    private static List<String> runAgent(String module, String mainClass, Map<String, String> env) throws Exception {
        Path dir = Path.of(System.getProperty("keyward.agents.dir"), module, "target");
        String classpath = dir.resolve("classes") + File.pathSeparator + Files.readString(dir.resolve("agent.classpath")).strip();
        String java = ProcessHandle.current().info().command().orElse("java");
        return gateway.run(List.of(java, "-cp", classpath, mainClass), null, env);
    }
}
