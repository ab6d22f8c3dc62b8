package io.keyward.vendor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A vendor's operations: looked up by SDK name (policies) or by method and path (requests). */
public final class Catalog {
    private final List<Operation> operations;
    private final Map<String, Operation> byName;
    private final boolean optionalJsonSuffix;

    private Catalog(List<Operation> operations, boolean optionalJsonSuffix) {
        // Most literal first, so /v1/payment_intents/search wins over /v1/payment_intents/{intent}.
        List<Operation> sorted = new ArrayList<>(operations);
        sorted.sort(Comparator.comparingInt((Operation o) -> -o.path().literalSegments()));
        this.operations = List.copyOf(sorted);
        Map<String, Operation> names = new LinkedHashMap<>();
        operations.forEach(o -> names.put(o.name(), o));
        this.byName = Map.copyOf(names);
        this.optionalJsonSuffix = optionalJsonSuffix;
    }

    /** An operation and the path variables of the call that matched it. */
    public record Match(Operation operation, Map<String, String> pathVariables) {
    }

    public Optional<Match> find(String method, List<String> pathSegments) {
        for (Operation op : operations) {
            if (op.method().equals(method)) {
                Optional<Map<String, String>> vars = op.path().match(pathSegments);
                if (vars.isPresent()) {
                    return Optional.of(new Match(op, vars.get()));
                }
            }
        }
        return Optional.empty();
    }

    public Optional<Operation> named(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public List<Operation> operations() {
        return operations;
    }

    /** Whether Twilio's optional {@code .json} suffix applies to this vendor's paths. */
    public boolean optionalJsonSuffix() {
        return optionalJsonSuffix;
    }

    /** Whether any built-in vendor has an operation of this name. */
    public static boolean builtInOperation(String name) {
        return BuiltIn.NAMES.contains(name);
    }

    private static final class BuiltIn {
        static final java.util.Set<String> NAMES;

        static {
            java.util.Set<String> names = new java.util.HashSet<>();
            for (Catalog c : List.of(stripe(), twilio(), resend())) {
                names.addAll(c.byName.keySet());
            }
            NAMES = java.util.Set.copyOf(names);
        }
    }

    public static Catalog stripe() {
        return new Builder(BodyFormat.FORM, false)
                .money("payment_intents.create", "POST", "/v1/payment_intents")
                .read("payment_intents.retrieve", "/v1/payment_intents/{intent}")
                .money("payment_intents.update", "POST", "/v1/payment_intents/{intent}")
                .money("payment_intents.confirm", "POST", "/v1/payment_intents/{intent}/confirm")
                .money("payment_intents.capture", "POST", "/v1/payment_intents/{intent}/capture")
                .money("payment_intents.increment_authorization", "POST", "/v1/payment_intents/{intent}/increment_authorization")
                .op("payment_intents.cancel", "POST", "/v1/payment_intents/{intent}/cancel")
                .read("payment_intents.list", "/v1/payment_intents")
                .read("payment_intents.search", "/v1/payment_intents/search")
                .money("charges.create", "POST", "/v1/charges")
                .read("charges.retrieve", "/v1/charges/{charge}")
                .op("charges.update", "POST", "/v1/charges/{charge}")
                .money("charges.capture", "POST", "/v1/charges/{charge}/capture")
                .read("charges.list", "/v1/charges")
                .money("refunds.create", "POST", "/v1/refunds")
                .read("refunds.retrieve", "/v1/refunds/{refund}")
                .op("refunds.update", "POST", "/v1/refunds/{refund}")
                .op("refunds.cancel", "POST", "/v1/refunds/{refund}/cancel")
                .read("refunds.list", "/v1/refunds")
                .money("payouts.create", "POST", "/v1/payouts")
                .read("payouts.retrieve", "/v1/payouts/{payout}")
                .op("payouts.cancel", "POST", "/v1/payouts/{payout}/cancel")
                .read("payouts.list", "/v1/payouts")
                .money("transfers.create", "POST", "/v1/transfers")
                .read("transfers.retrieve", "/v1/transfers/{transfer}")
                .read("transfers.list", "/v1/transfers")
                .op("transfers.reversals.create", "POST", "/v1/transfers/{transfer}/reversals")
                .money("topups.create", "POST", "/v1/topups")
                .op("customers.create", "POST", "/v1/customers")
                .read("customers.retrieve", "/v1/customers/{customer}")
                .op("customers.update", "POST", "/v1/customers/{customer}")
                .op("customers.delete", "DELETE", "/v1/customers/{customer}")
                .read("customers.list", "/v1/customers")
                .money("customers.balance_transactions.create", "POST", "/v1/customers/{customer}/balance_transactions")
                .money("checkout.sessions.create", "POST", "/v1/checkout/sessions")
                .read("checkout.sessions.retrieve", "/v1/checkout/sessions/{session}")
                .op("checkout.sessions.expire", "POST", "/v1/checkout/sessions/{session}/expire")
                .read("checkout.sessions.list", "/v1/checkout/sessions")
                .money("payment_links.create", "POST", "/v1/payment_links")
                .money("invoices.create", "POST", "/v1/invoices")
                .read("invoices.retrieve", "/v1/invoices/{invoice}")
                .op("invoices.finalize_invoice", "POST", "/v1/invoices/{invoice}/finalize")
                .money("invoices.pay", "POST", "/v1/invoices/{invoice}/pay")
                .read("invoices.list", "/v1/invoices")
                .money("invoiceitems.create", "POST", "/v1/invoiceitems")
                .money("subscriptions.create", "POST", "/v1/subscriptions")
                .read("subscriptions.retrieve", "/v1/subscriptions/{subscription}")
                .op("subscriptions.cancel", "DELETE", "/v1/subscriptions/{subscription}")
                .read("subscriptions.list", "/v1/subscriptions")
                .op("setup_intents.create", "POST", "/v1/setup_intents")
                .read("payment_methods.retrieve", "/v1/payment_methods/{payment_method}")
                .read("balance.retrieve", "/v1/balance")
                .read("balance_transactions.list", "/v1/balance_transactions")
                .body(BodyFormat.JSON)
                .op("v2.billing.meter_event_session.create", "POST", "/v2/billing/meter_event_session")
                .op("v2.billing.meter_events.create", "POST", "/v2/billing/meter_events")
                .build();
    }

    public static Catalog twilio() {
        String account = "/2010-04-01/Accounts/{AccountSid}";
        return new Builder(BodyFormat.FORM, true)
                .read("accounts.fetch", account + ".json")
                .money("messages.create", "POST", account + "/Messages.json")
                .read("messages.list", account + "/Messages.json")
                .read("messages.fetch", account + "/Messages/{Sid}.json")
                .op("messages.update", "POST", account + "/Messages/{Sid}.json")
                .op("messages.delete", "DELETE", account + "/Messages/{Sid}.json")
                .read("messages.media.list", account + "/Messages/{MessageSid}/Media.json")
                .money("calls.create", "POST", account + "/Calls.json")
                .read("calls.list", account + "/Calls.json")
                .read("calls.fetch", account + "/Calls/{Sid}.json")
                .op("calls.update", "POST", account + "/Calls/{Sid}.json")
                .money("verify.verifications.create", "POST", "/verify/v2/Services/{ServiceSid}/Verifications")
                .read("verify.verifications.fetch", "/verify/v2/Services/{ServiceSid}/Verifications/{Sid}")
                .op("verify.verifications.update", "POST", "/verify/v2/Services/{ServiceSid}/Verifications/{Sid}")
                .op("verify.verification_checks.create", "POST", "/verify/v2/Services/{ServiceSid}/VerificationCheck")
                .build();
    }

    public static Catalog resend() {
        return new Builder(BodyFormat.JSON, false)
                .money("emails.send", "POST", "/emails")
                .money("emails.batch", "POST", "/emails/batch")
                .read("emails.get", "/emails/{id}")
                .read("emails.list", "/emails")
                .op("emails.update", "PATCH", "/emails/{id}")
                .op("emails.cancel", "POST", "/emails/{id}/cancel")
                .read("domains.list", "/domains")
                .read("domains.get", "/domains/{id}")
                .build();
    }

    private static final class Builder {
        private final List<Operation> operations = new ArrayList<>();
        private final boolean optionalJsonSuffix;
        private BodyFormat body;

        Builder(BodyFormat body, boolean optionalJsonSuffix) {
            this.body = body;
            this.optionalJsonSuffix = optionalJsonSuffix;
        }

        Builder body(BodyFormat format) {
            this.body = format;
            return this;
        }

        Builder money(String name, String method, String path) {
            return add(name, method, path, true);
        }

        Builder op(String name, String method, String path) {
            return add(name, method, path, false);
        }

        Builder read(String name, String path) {
            return add(name, "GET", path, false);
        }

        private Builder add(String name, String method, String path, boolean moneyMoving) {
            operations.add(new Operation(name, method, PathTemplate.of(path, optionalJsonSuffix), body, moneyMoving));
            return this;
        }

        Catalog build() {
            return new Catalog(operations, optionalJsonSuffix);
        }
    }
}
