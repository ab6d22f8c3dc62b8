package io.keyward.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.resend.ResendVendor;
import io.keyward.stripe.StripeVendor;
import io.keyward.twilio.TwilioVendor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogTest {

    @Test
    void thePoliciesPageListsEveryOperationAndMarksTheMoneyMovingOnes() throws Exception {
        String page = Files.readString(Path.of("../docs/policies.md"));
        for (Catalog catalog : List.of(StripeVendor.CATALOG, TwilioVendor.CATALOG, ResendVendor.CATALOG)) {
            for (Operation op : catalog.operations()) {
                String listed = "`" + op.name() + "`" + (op.moneyMoving() ? " $" : "");
                assertTrue(page.contains(listed + ",") || page.contains(listed + ".") || page.contains(listed + "\n"),
                        "the catalog in docs/policies.md must list " + listed);
            }
        }
    }

    @Test
    void literalPathsWinOverVariablesAndTwilioSuffixIsOptional() {
        assertEquals("payment_intents.search", StripeVendor.CATALOG.find("GET", List.of("v1", "payment_intents", "search")).orElseThrow().operation().name());
        assertEquals("payment_intents.retrieve", StripeVendor.CATALOG.find("GET", List.of("v1", "payment_intents", "pi_1")).orElseThrow().operation().name());
        assertEquals("emails.batch", ResendVendor.CATALOG.find("POST", List.of("emails", "batch")).orElseThrow().operation().name());
        Catalog.Match fetch = TwilioVendor.CATALOG.find("GET", List.of("2010-04-01", "Accounts", "AC1", "Messages", "SM1.json")).orElseThrow();
        assertEquals("messages.fetch", fetch.operation().name());
        assertEquals("SM1", fetch.pathVariables().get("Sid"));
        assertTrue(TwilioVendor.CATALOG.find("GET", List.of("2010-04-01", "Accounts", "AC1", "Messages", "SM1")).isPresent());
        assertTrue(StripeVendor.CATALOG.find("DELETE", List.of("v1", "payment_intents")).isEmpty());
    }
}
