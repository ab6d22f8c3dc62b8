package io.keyward.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyward.decision.Refusal;
import io.keyward.key.VaultKey;
import io.keyward.testing.Calls;
import io.keyward.contract.Catalog;
import io.keyward.stripe.StripeVendor;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyCheckTest {
    private static final PolicyCheck CHECK = new PolicyCheck(Calls.VENDORS);
    /** The example policy from the restricted-scope issue, one document for all three vendors. */
    static final String EXAMPLE = """
            {"allow": [
              {"operation": "payment_intents.create",
               "params": {"amount": {"max": 5000}, "currency": {"in": ["usd"]}, "customer": {"in": ["cus_123", "cus_456"]},
                          "transfer_data[destination]": {"absent": true}}},
              {"method": "GET", "path": "/v1/customers/{id}", "params": {"id": {"in": ["cus_123"]}}},
              {"operation": "messages.create", "params": {"To": {"pattern": "^\\\\+1[0-9]{10}$"}, "MediaUrl": {"absent": true}}},
              {"operation": "emails.send", "params": {"from": {"in": ["billing@example.com"]}, "to[*]": {"domain_in": ["example.com"]}}}
            ]}""";
    private static final String FORM = "application/x-www-form-urlencoded";

    static VaultKey key(String vendor, String policy) {
        return new VaultKey("k000000000000001", new byte[32], "agent", "run", vendor, policy, null, null,
                Instant.now().plusSeconds(3600), null, null, null, Instant.now(), 1, false, false, null);
    }

    private static String decide(String vendor, String policy, String method, String path, String query, String type, String body) throws Exception {
        try {
            Calls.Parsed parsed = Calls.parse(method, path, query, type, body);
            io.keyward.decision.Decision decision = CHECK.check(key(vendor, policy), parsed.route(), parsed.call());
            return (decision.isShadowed() ? "shadow:" + decision.shadowed().wire() : "allowed") + ":" + decision.rule();
        } catch (Refusal r) {
            return r.code().wire() + ":" + r.rule();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "within every rule             | amount=5000&currency=usd&customer=cus_123                                | allowed:allow[0]",
        "amount over max               | amount=5001&currency=usd&customer=cus_123                                | denied_parameter:allow[0].params.amount.max",
        "amount not a plain number     | amount=5e3&currency=usd&customer=cus_123                                 | denied_parameter:allow[0].params.amount.max",
        "amount with a leading zero    | amount=05000&currency=usd&customer=cus_123                               | denied_parameter:allow[0].params.amount.max",
        "currency not listed           | amount=100&currency=eur&customer=cus_123                                 | denied_parameter:allow[0].params.currency.in",
        "currency in upper case        | amount=100&currency=USD&customer=cus_123                                 | denied_parameter:allow[0].params.currency.in",
        "other customer                | amount=100&currency=usd&customer=cus_999                                 | denied_parameter:allow[0].params.customer.in",
        "destination present           | amount=100&currency=usd&customer=cus_123&transfer_data[destination]=acct_1 | denied_parameter:allow[0].params.transfer_data[destination].absent",
        "destination percent-encoded   | amount=100&currency=usd&customer=cus_123&transfer_data%5Bdestination%5D=a | denied_parameter:allow[0].params.transfer_data[destination].absent",
        "amount twice, two values      | amount=100&amount=9999&currency=usd&customer=cus_123                     | denied_malformed:request.repeated.amount",
        "amount twice, same value      | amount=100&amount=100&currency=usd&customer=cus_123                      | allowed:allow[0]",
    })
    void stripeAmountsCurrenciesCustomersAndDestinations(String name, String body, String expected) throws Exception {
        assertEquals(expected, decide("stripe", EXAMPLE, "POST", "/stripe/v1/payment_intents", null, FORM, body));
    }

    /** The example policy in shadow mode: its own refusals are recorded, everything else still refuses. */
    private static final String SHADOW = EXAMPLE.replaceFirst("\\{\"allow\"", "{\"mode\": \"shadow\", \"allow\"");

    @Test
    void aShadowPolicyRecordsItsRefusalsInsteadOfAnsweringThem() throws Exception {
        assertTrue(SHADOW.contains("\"mode\": \"shadow\""), SHADOW);
        String pi = "/stripe/v1/payment_intents";
        assertEquals("allowed:allow[0]", decide("stripe", SHADOW, "POST", pi, null, FORM, "amount=100&currency=usd&customer=cus_123"));
        assertEquals("shadow:denied_parameter:allow[0].params.amount.max",
                decide("stripe", SHADOW, "POST", pi, null, FORM, "amount=5001&currency=usd&customer=cus_123"));
        assertEquals("shadow:denied_operation:default_deny", decide("stripe", SHADOW, "POST", "/stripe/v1/refunds", null, FORM, "amount=1"));
        assertEquals("denied_malformed:request.repeated.amount", decide("stripe", SHADOW, "POST", pi, null, FORM,
                "amount=100&amount=9999&currency=usd&customer=cus_123"), "a call read two ways is refused in every mode");
        assertEquals("denied_operation:default_deny", decide("stripe", SHADOW.replace("shadow", "enforce"), "POST", "/stripe/v1/refunds",
                null, FORM, "amount=1"), "enforce is the mode that refuses");
    }

    @Test
    void aShadowPolicyNeverShadowsTheKeysOwnState() throws Exception {
        Calls.Parsed refund = Calls.parse("POST", "/stripe/v1/refunds", null, FORM, "amount=1");
        VaultKey live = key("stripe", SHADOW);
        VaultKey revoked = new VaultKey(live.id(), new byte[32], "agent", "run", "stripe", SHADOW, null, null,
                Instant.now().plusSeconds(3600), Instant.now(), "stop", null, Instant.now(), 1, false, false, null);
        Refusal r = org.junit.jupiter.api.Assertions.assertThrows(Refusal.class, () -> CHECK.check(revoked, refund.route(), refund.call()));
        assertEquals("denied_revoked", r.code().wire());
        VaultKey expired = new VaultKey(live.id(), new byte[32], "agent", "run", "stripe", SHADOW, null, null,
                Instant.now().plusSeconds(3600), null, null, null, Instant.now(), 1, true, false, null);
        assertEquals("denied_expired", org.junit.jupiter.api.Assertions.assertThrows(Refusal.class,
                () -> CHECK.check(expired, refund.route(), refund.call())).code().wire());
        VaultKey frozen = new VaultKey(live.id(), new byte[32], "agent", "run", "stripe", SHADOW, null, null,
                Instant.now().plusSeconds(3600), null, null, null, Instant.now(), 1, false, true, null);
        Refusal killSwitch = org.junit.jupiter.api.Assertions.assertThrows(Refusal.class, () -> CHECK.check(frozen, refund.route(), refund.call()));
        assertEquals("kill_switch", killSwitch.rule(), "a kill switch stops a shadow key too");
        Refusal otherVendor = org.junit.jupiter.api.Assertions.assertThrows(Refusal.class,
                () -> CHECK.check(key("resend", SHADOW), refund.route(), refund.call()));
        assertEquals("denied_vendor", otherVendor.code().wire());
    }

    @Test
    void aParameterInBothQueryAndBodyIsPollution() throws Exception {
        assertEquals("denied_malformed:request.repeated.amount", decide("stripe", EXAMPLE, "POST", "/stripe/v1/payment_intents",
                "amount=100", FORM, "amount=100&currency=usd&customer=cus_123"));
    }

    @Test
    void pathTemplatesAndDefaultDeny() throws Exception {
        assertEquals("allowed:allow[1]", decide("stripe", EXAMPLE, "GET", "/stripe/v1/customers/cus_123", null, null, null));
        assertEquals("denied_parameter:allow[1].params.id.in", decide("stripe", EXAMPLE, "GET", "/stripe/v1/customers/cus_456", null, null, null));
        assertEquals("denied_malformed:pollution.id", decide("stripe", EXAMPLE, "GET", "/stripe/v1/customers/cus_123", "id=cus_999", null, null));
        assertEquals("denied_operation:default_deny", decide("stripe", EXAMPLE, "POST", "/stripe/v1/refunds", null, FORM, "amount=1"));
        assertEquals("denied_operation:default_deny", decide("stripe", EXAMPLE, "GET", "/stripe/v1/payment_intents/pi_1", null, null, null));
        assertEquals("denied_operation:default_deny", decide("stripe", EXAMPLE, "POST", "/stripe/v1/unknown", null, FORM, "a=1"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "US number, no media           | To=%2B15551234567&Body=hi                         | allowed:allow[2]",
        "UK number                     | To=%2B447700900123&Body=hi                        | denied_parameter:allow[2].params.To.pattern",
        "media attached                | To=%2B15551234567&MediaUrl=https%3A%2F%2Fx        | denied_parameter:allow[2].params.MediaUrl.absent",
        "lower-case to, other number   | To=%2B15551234567&to=%2B447700900123              | denied_malformed:request.repeated.to",
        "lower-case mediaurl           | To=%2B15551234567&mediaurl=https%3A%2F%2Fx        | denied_parameter:allow[2].params.MediaUrl.absent",
    })
    void twilioNumbersAndMedia(String name, String body, String expected) throws Exception {
        assertEquals(expected, decide("twilio", EXAMPLE, "POST", "/twilio/2010-04-01/Accounts/AC1/Messages.json", null, FORM, body));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "allowed sender and domain     | {\"from\":\"billing@example.com\",\"to\":[\"a@example.com\",\"B@EXAMPLE.COM\"]}  | allowed:allow[3]",
        "to as a single string         | {\"from\":\"billing@example.com\",\"to\":\"a@example.com\"}                     | allowed:allow[3]",
        "one recipient elsewhere       | {\"from\":\"billing@example.com\",\"to\":[\"a@example.com\",\"x@evil.com\"]}     | denied_parameter:allow[3].params.to[*].domain_in",
        "subdomain is another domain   | {\"from\":\"billing@example.com\",\"to\":[\"a@mail.example.com\"]}              | denied_parameter:allow[3].params.to[*].domain_in",
        "two addresses in one string   | {\"from\":\"billing@example.com\",\"to\":\"a@example.com, x@evil.com\"}          | denied_parameter:allow[3].params.to[*].domain_in",
        "display name trick            | {\"from\":\"billing@example.com\",\"to\":\"a@example.com <x@evil.com>\"}        | denied_parameter:allow[3].params.to[*].domain_in",
        "named address is fine         | {\"from\":\"billing@example.com\",\"to\":\"Ann <a@example.com>\"}               | allowed:allow[3]",
        "other sender                  | {\"from\":\"ceo@example.com\",\"to\":[\"a@example.com\"]}                       | denied_parameter:allow[3].params.from.in",
    })
    void resendSendersAndRecipientDomains(String name, String body, String expected) throws Exception {
        assertEquals(expected, decide("resend", EXAMPLE, "POST", "/resend/emails", null, "application/json", body));
    }

    @Test
    void everyRuleKind() throws Exception {
        String policy = """
                {"allow":[{"id":"refunds","operation":"refunds.create","params":{
                  "amount":{"min":100,"max":"2000"}, "reason":{"not_in":["fraudulent"]}, "payment_intent":{"required":true,"pattern":"pi_[A-Za-z0-9]+"},
                  "metadata[ticket]":{"eq":"T-1"}, "metadata[count]":{"eq":3}}}]}""";
        String ok = "amount=500&reason=duplicate&payment_intent=pi_1&metadata[ticket]=T-1&metadata[count]=3.0";
        assertEquals("allowed:refunds", decide("stripe", policy, "POST", "/stripe/v1/refunds", null, FORM, ok));
        assertEquals("denied_parameter:refunds.params.amount.min", decide("stripe", policy, "POST", "/stripe/v1/refunds", null, FORM, ok.replace("amount=500", "amount=99")));
        assertEquals("denied_parameter:refunds.params.reason.not_in", decide("stripe", policy, "POST", "/stripe/v1/refunds", null, FORM, ok.replace("duplicate", "Fraudulent")));
        assertEquals("denied_parameter:refunds.params.payment_intent.required", decide("stripe", policy, "POST", "/stripe/v1/refunds", null, FORM, ok.replace("payment_intent=pi_1&", "")));
        assertEquals("denied_parameter:refunds.params.payment_intent.pattern", decide("stripe", policy, "POST", "/stripe/v1/refunds", null, FORM, ok.replace("pi_1", "ch_1")));
        assertEquals("denied_parameter:refunds.params.metadata[ticket].eq", decide("stripe", policy, "POST", "/stripe/v1/refunds", null, FORM, ok.replace("T-1", "T-2")));
        assertEquals("denied_parameter:refunds.params.metadata[count].eq", decide("stripe", policy, "POST", "/stripe/v1/refunds", null, FORM, ok.replace("count]=3.0", "count]=4")));
    }

    @Test
    void absentAndRequiredLookBeneathTheName() throws Exception {
        String policy = "{\"allow\":[{\"operation\":\"emails.send\",\"params\":{\"bcc\":{\"absent\":true},\"tags\":{\"absent\":true},"
                + "\"to\":{\"required\":true}}}]}";
        assertEquals("allowed:allow[0]", decide("resend", policy, "POST", "/resend/emails", null, "application/json", "{\"to\":[\"a@x.com\"]}"));
        assertEquals("denied_parameter:allow[0].params.bcc.absent", decide("resend", policy, "POST", "/resend/emails", null,
                "application/json", "{\"to\":[\"a@x.com\"],\"bcc\":[\"spy@evil.com\"]}"), "an array under the name");
        assertEquals("denied_parameter:allow[0].params.tags.absent", decide("resend", policy, "POST", "/resend/emails", null,
                "application/json", "{\"to\":[\"a@x.com\"],\"tags\":[{\"name\":\"x\"}]}"), "a list of objects under the name");
        assertEquals("denied_parameter:allow[0].params.to.required", decide("resend", policy, "POST", "/resend/emails", null,
                "application/json", "{\"cc\":[\"a@x.com\"]}"));
        String stripe = "{\"allow\":[{\"operation\":\"payment_intents.create\",\"params\":{\"transfer_data\":{\"absent\":true}}}]}";
        assertEquals("denied_parameter:allow[0].params.transfer_data.absent", decide("stripe", stripe, "POST", "/stripe/v1/payment_intents", null,
                FORM, "amount=1&transfer_data[destination]=acct_1"));
    }

    @Test
    void countriesByCallingCodeAndNorthAmericanAreaCode() throws Exception {
        String policy = "{\"allow\":[{\"operation\":\"messages.create\",\"params\":{\"To\":{\"country_in\":[\"US\",\"GB\"]}}}]}";
        String path = "/twilio/2010-04-01/Accounts/AC1/Messages.json";
        assertEquals("allowed:allow[0]", decide("twilio", policy, "POST", path, null, FORM, "To=%2B15551234567"));
        assertEquals("allowed:allow[0]", decide("twilio", policy, "POST", path, null, FORM, "To=%2B447700900123"));
        assertEquals("denied_parameter:allow[0].params.To.country_in", decide("twilio", policy, "POST", path, null, FORM, "To=%2B14165551234"), "416 is Toronto");
        assertEquals("denied_parameter:allow[0].params.To.country_in", decide("twilio", policy, "POST", path, null, FORM, "To=%2B18765551234"), "876 is Jamaica");
        assertEquals("denied_parameter:allow[0].params.To.country_in", decide("twilio", policy, "POST", path, null, FORM, "To=whatsapp%3A%2B15551234567"));
        assertEquals("denied_parameter:allow[0].params.To.country_in", decide("twilio", policy, "POST", path, null, FORM, "To=%2B999123456789"));
    }

    @Test
    void keysWithoutAPolicyMayOnlyRead() throws Exception {
        assertEquals("allowed:default:customers.retrieve", decide("stripe", null, "GET", "/stripe/v1/customers/cus_1", null, null, null));
        assertEquals("denied_operation:default_deny", decide("stripe", null, "POST", "/stripe/v1/payment_intents", null, FORM, "amount=1"));
        assertEquals("allowed:default:emails.list", decide("resend", null, "GET", "/resend/emails", null, null, null));
        assertEquals("denied_operation:default_deny", decide("resend", null, "POST", "/resend/emails", null, "application/json", "{}"));
    }

    @Test
    void badPoliciesAreRefusedWithTheirPath() {
        Catalog stripe = StripeVendor.CATALOG;
        ObjectMapper json = new ObjectMapper();
        String[][] cases = {
            {"[]", "policy"},
            {"{\"allow\":{}}", "policy.allow"},
            {"{\"allow\":[],\"deny\":[]}", "policy.deny"},
            {"{\"allow\":[{\"operation\":\"payment_intents.destroy\"}]}", "policy.allow[0].operation"},
            {"{\"allow\":[{\"operation\":\"refunds.create\",\"method\":\"POST\"}]}", "policy.allow[0]"},
            {"{\"allow\":[{\"method\":\"TRACE\",\"path\":\"/v1/x\"}]}", "policy.allow[0].method"},
            {"{\"allow\":[{\"method\":\"GET\",\"path\":\"v1/x\"}]}", "policy.allow[0].path"},
            {"{\"allow\":[{\"method\":\"GET\",\"path\":\"/v1/x{id}\"}]}", "policy.allow[0].path"},
            {"{\"allow\":[{\"operation\":\"refunds.create\",\"params\":{\"amount\":{\"maximum\":5}}}]}", "policy.allow[0].params.amount.maximum"},
            {"{\"allow\":[{\"operation\":\"refunds.create\",\"params\":{\"amount\":{\"max\":\"lots\"}}}]}", "policy.allow[0].params.amount.max"},
            {"{\"allow\":[{\"operation\":\"refunds.create\",\"params\":{\"amount\":{\"in\":[]}}}]}", "policy.allow[0].params.amount.in"},
            {"{\"allow\":[{\"operation\":\"refunds.create\",\"params\":{\"amount\":{\"pattern\":\"(\"}}}]}", "policy.allow[0].params.amount.pattern"},
            {"{\"allow\":[{\"operation\":\"refunds.create\",\"params\":{\"amount\":{\"absent\":true,\"max\":1}}}]}", "policy.allow[0].params.amount.absent"},
            {"{\"allow\":[{\"operation\":\"refunds.create\",\"params\":{\"amount\":{\"absent\":false}}}]}", "policy.allow[0].params.amount.absent"},
            {"{\"allow\":[{\"operation\":\"refunds.create\",\"params\":{\"to\":{\"domain_in\":[\"not a domain\"]}}}]}", "policy.allow[0].params.to.domain_in[0]"},
            {"{\"allow\":[{\"operation\":\"refunds.create\",\"params\":{\"to\":{\"country_in\":[\"usa\"]}}}]}", "policy.allow[0].params.to.country_in[0]"},
            {"{\"allow\":[{\"operation\":\"refunds.create\",\"params\":{\"a[b\":{\"eq\":1}}}]}", "policy.allow[0].params.a[b"},
            {"{\"allow\":[{\"id\":\"x\",\"operation\":\"refunds.create\"},{\"id\":\"x\",\"operation\":\"refunds.list\"}]}", "policy.allow[1].id"},
            {"{\"allow\":[{\"operation\":\"refunds.create\",\"approval_above_usd\":30}]}", "policy.allow[0].approval_above_usd"},
            {"{\"allow\":[{\"operation\":\"refunds.create\",\"approval_above_usd\":\"-1.00\"}]}", "policy.allow[0].approval_above_usd"},
            {"{\"allow\":[{\"operation\":\"refunds.create\",\"approval_above_usd\":\"1e3\"}]}", "policy.allow[0].approval_above_usd"},
            {"{\"allow\":[{\"method\":\"POST\",\"path\":\"/v1/treasury/outbound_payments\",\"approval_above_usd\":\"30.00\"}]}", "policy.allow[0].approval_above_usd"},
        };
        for (String[] c : cases) {
            PolicyException e = assertThrows(PolicyException.class, () -> PolicyParser.parse(json.readTree(c[0]), stripe), c[0]);
            assertEquals(c[1], e.path(), c[0] + " -> " + e.getMessage());
            assertTrue(e.getMessage().startsWith(c[1] + ": "));
        }
    }

    /** A pattern that backtracks for ever in java.util.regex answers at once on RE2/J. */
    @Test
    void patternsRunInLinearTime() throws Exception {
        String policy = "{\"allow\":[{\"operation\":\"customers.create\",\"params\":{\"name\":{\"pattern\":\"(a+)+$\"}}}]}";
        long start = System.nanoTime();
        assertEquals("denied_parameter:allow[0].params.name.pattern", decide("stripe", policy, "POST", "/stripe/v1/customers", null, FORM,
                "name=" + "a".repeat(5_000) + "!"));
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "java.util.regex would not finish this in years");
        ObjectMapper json = new ObjectMapper();
        PolicyException lookaround = assertThrows(PolicyException.class, () -> PolicyParser.parse(json.readTree(
                "{\"allow\":[{\"operation\":\"customers.create\",\"params\":{\"name\":{\"pattern\":\"(?=a)a\"}}}]}"), StripeVendor.CATALOG));
        assertEquals("policy.allow[0].params.name.pattern", lookaround.path());
    }

    @Test
    void redirectingHeadersNeedATopLevelRule() throws Exception {
        ObjectMapper json = new ObjectMapper();
        PolicyException typo = assertThrows(PolicyException.class, () -> PolicyParser.parse(json.readTree(
                "{\"stripe_acount\":{\"in\":[\"acct_1\"]},\"allow\":[]}"), StripeVendor.CATALOG));
        assertEquals("policy.stripe_acount", typo.path());
        PolicyException badRule = assertThrows(PolicyException.class, () -> PolicyParser.parse(json.readTree(
                "{\"stripe_account\":{\"inn\":[\"acct_1\"]},\"allow\":[]}"), StripeVendor.CATALOG));
        assertEquals("policy.stripe_account.inn", badRule.path());
    }
}
