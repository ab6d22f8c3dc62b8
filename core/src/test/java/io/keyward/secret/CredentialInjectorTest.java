package io.keyward.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.keyward.contract.UpstreamCredential;
import io.keyward.contract.Vendor;
import io.keyward.testing.Calls;
import io.keyward.testing.TestSecrets;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CredentialInjectorTest {
    private static final String SID = TestSecrets.TWILIO_ACCOUNT;
    private final CredentialInjector injector = new CredentialInjector();

    private UpstreamCredential credential(String method, String path, String query) throws Exception {
        Calls.Parsed parsed = Calls.parse(method, path, query, null, null);
        Vendor vendor = parsed.route().vendor();
        return injector.credentialFor(parsed.route(), parsed.call(), vendor.secret());
    }

    @ParameterizedTest
    @CsvSource({
            "/twilio/2010-04-01/Accounts/kw_abc_def/Messages.json, /2010-04-01/Accounts/" + SID + "/Messages.json",
            "/twilio/2010-04-01/Accounts/ACaaaa/Messages/SM1.json, /2010-04-01/Accounts/" + SID + "/Messages/SM1.json",
            "/twilio/2010-04-01/Accounts/kw_abc.json,            /2010-04-01/Accounts/" + SID + ".json",
            "/twilio/2010-04-01/Accounts/kw_abc,                 /2010-04-01/Accounts/" + SID,
            "/twilio/2010-04-01/Accounts/k%77_abc/Calls.json,    /2010-04-01/Accounts/" + SID + "/Calls.json",
            "/twilio/2010-04-01/Accounts,                        /2010-04-01/Accounts",
            "/twilio/verify/v2/Services/VA1/Verifications/VE1,   /v2/Services/VA1/Verifications/VE1",
    })
    void twilioAccountSegmentAlwaysBecomesTheRealAccount(String agentPath, String upstreamPath) throws Exception {
        UpstreamCredential credential = credential("GET", agentPath, null);
        assertEquals(upstreamPath, credential.path());
        assertEquals("Basic " + Base64.getEncoder().encodeToString((SID + ":" + TestSecrets.TWILIO_TOKEN).getBytes(StandardCharsets.UTF_8)),
                credential.authorization());
    }

    @Test
    void bearerVendorsGetTheirSecretAndTheCheckedPath() throws Exception {
        UpstreamCredential credential = credential("GET", "/stripe/v1/payment_intents/pi%5F1", "expand[0]=x");
        assertEquals("Bearer " + TestSecrets.STRIPE, credential.authorization());
        assertEquals("/v1/payment_intents/pi_1", credential.path(), "the path is rebuilt from what was read, not the agent's spelling");
        assertFalse(credential.toString().contains(TestSecrets.STRIPE));
    }

    @Test
    void segmentsAreEncodedPlainly() {
        assertEquals("/v1/customers/cus%20%C3%BC%3F", CredentialInjector.encode(List.of("v1", "customers", "cus ü?")));
        assertEquals("/", CredentialInjector.encode(List.of()));
    }
}
