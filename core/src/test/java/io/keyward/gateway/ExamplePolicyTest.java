package io.keyward.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keyward.policy.PolicyCheckTestAccess;
import io.keyward.testing.AdminClient;
import io.keyward.testing.RawHttp;
import io.keyward.testing.GatewayExtension;
import io.keyward.testing.TestSecrets;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The restricted-scope issue's example policy, issued unchanged to a Stripe, a Twilio and a Resend
 * key: exactly the calls it allows reach the vendor, each near miss is refused with its rule.
 */
class ExamplePolicyTest {
    @RegisterExtension
    static final GatewayExtension gw = new GatewayExtension();
    private static Map<String, String> keys;

    @BeforeAll
    static void start() throws Exception {
        AdminClient admin = new AdminClient(gw.gateway().baseUrl(), TestSecrets.ADMIN_TOKEN);
        String policy = "\"daily_usd_cap\":\"1000.00\",\"policy\":" + PolicyCheckTestAccess.EXAMPLE;
        keys = Map.of("stripe", gw.admin().issue("stripe", "example", policy).get("key").asText(),
                "twilio", gw.admin().issue("twilio", "example", policy).get("key").asText(),
                "resend", gw.admin().issue("resend", "example", policy).get("key").asText());
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {5}")
    @CsvSource(delimiter = '|', value = {
        "stripe | POST | /v1/payment_intents          | application/x-www-form-urlencoded | amount=5000&currency=usd&customer=cus_456                              | 200",
        "stripe | POST | /v1/payment_intents          | application/x-www-form-urlencoded | amount=5001&currency=usd&customer=cus_456                              | 403",
        "stripe | POST | /v1/payment_intents          | application/x-www-form-urlencoded | amount=50&currency=gbp&customer=cus_456                                | 403",
        "stripe | POST | /v1/payment_intents          | application/x-www-form-urlencoded | amount=50&currency=usd&customer=cus_789                                | 403",
        "stripe | POST | /v1/payment_intents          | application/x-www-form-urlencoded | amount=50&currency=usd&customer=cus_123&transfer_data[destination]=acct_9 | 403",
        "stripe | GET  | /v1/customers/cus_123        |                                   |                                                                        | 200",
        "stripe | GET  | /v1/customers/cus_456        |                                   |                                                                        | 403",
        "stripe | POST | /v1/refunds                  | application/x-www-form-urlencoded | amount=50                                                              | 403",
        "stripe | POST | /v1/payouts                  | application/x-www-form-urlencoded | amount=50&currency=usd                                                 | 403",
        "twilio | POST | /2010-04-01/Accounts/{KEY}/Messages.json | application/x-www-form-urlencoded | To=%2B15551234567&From=%2B15550000000&Body=hi       | 200",
        "twilio | POST | /2010-04-01/Accounts/{KEY}/Messages.json | application/x-www-form-urlencoded | To=%2B447700900123&From=%2B15550000000&Body=hi      | 403",
        "twilio | POST | /2010-04-01/Accounts/{KEY}/Messages.json | application/x-www-form-urlencoded | To=%2B15551234567&MediaUrl=https%3A%2F%2Fa.test%2Fx | 403",
        "twilio | POST | /2010-04-01/Accounts/{KEY}/Calls.json    | application/x-www-form-urlencoded | To=%2B15551234567&From=%2B15550000000                | 403",
        "resend | POST | /emails                      | application/json | {\"from\":\"billing@example.com\",\"to\":[\"ann@example.com\"],\"subject\":\"s\",\"html\":\"h\"} | 200",
        "resend | POST | /emails                      | application/json | {\"from\":\"billing@example.com\",\"to\":[\"ann@example.org\"],\"subject\":\"s\",\"html\":\"h\"} | 403",
        "resend | POST | /emails                      | application/json | {\"from\":\"sales@example.com\",\"to\":[\"ann@example.com\"],\"subject\":\"s\",\"html\":\"h\"}   | 403",
        "resend | POST | /emails/batch                | application/json | [{\"from\":\"billing@example.com\",\"to\":[\"ann@example.com\"]}]                           | 403",
    })
    void exactlyTheAllowedCallsReachTheVendor(String vendorName, String method, String path, String type, String body, int status) throws Exception {
        String key = keys.get(vendorName);
        StringBuilder head = new StringBuilder(method + " /" + vendorName + path.replace("{KEY}", key) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
        head.append("Authorization: ").append(vendorName.equals("twilio")
                ? "Basic " + Base64.getEncoder().encodeToString((key + ":x").getBytes(StandardCharsets.UTF_8))
                : "Bearer " + key).append("\r\n");
        byte[] bodyBytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (type != null) {
            head.append("Content-Type: ").append(type).append("\r\nContent-Length: ").append(bodyBytes.length).append("\r\n");
        }
        byte[] headBytes = (head + "\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] request = new byte[headBytes.length + bodyBytes.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(bodyBytes, 0, request, headBytes.length, bodyBytes.length);

        RawHttp.Response reply = RawHttp.send(gw.port(), request);

        assertEquals(status, reply.status(), reply.bodyText());
        assertEquals(status == 200 ? 1 : 0, gw.vendor().received().size());
    }
}
