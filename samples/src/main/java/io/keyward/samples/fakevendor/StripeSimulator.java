package io.keyward.samples.fakevendor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyward.contract.Catalog;
import io.keyward.json.Json;
import io.keyward.stripe.StripeVendor;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Stripe, for every operation in Keyward's Stripe catalog: objects are made from what the call
 * asked for (a $0.60 payment intent is {@code amount 60}, so Keyward settles $0.60), kept so that a
 * retrieve, update or capture finds them, and a missing one is Stripe's own 404. State changes
 * follow Stripe's (confirm charges, a manual capture method waits for capture), with the error
 * Stripe gives for a step out of order. Search ignores its query and returns every payment intent.
 */
final class StripeSimulator implements Simulator {
    private record Kind(String object, String prefix) {
    }

    /** By catalog resource (the operation name up to its verb): the object and its id prefix. */
    private static final Map<String, Kind> KINDS = Map.ofEntries(
            Map.entry("payment_intents", new Kind("payment_intent", "pi")),
            Map.entry("charges", new Kind("charge", "ch")),
            Map.entry("refunds", new Kind("refund", "re")),
            Map.entry("payouts", new Kind("payout", "po")),
            Map.entry("transfers", new Kind("transfer", "tr")),
            Map.entry("transfers.reversals", new Kind("transfer_reversal", "trr")),
            Map.entry("topups", new Kind("topup", "tu")),
            Map.entry("customers", new Kind("customer", "cus")),
            Map.entry("customers.balance_transactions", new Kind("customer_balance_transaction", "cbtxn")),
            Map.entry("checkout.sessions", new Kind("checkout.session", "cs_test")),
            Map.entry("payment_links", new Kind("payment_link", "plink")),
            Map.entry("invoices", new Kind("invoice", "in")),
            Map.entry("invoiceitems", new Kind("invoiceitem", "ii")),
            Map.entry("subscriptions", new Kind("subscription", "sub")),
            Map.entry("setup_intents", new Kind("setup_intent", "seti")),
            Map.entry("payment_methods", new Kind("payment_method", "pm")));
    private static final Map<String, List<String>> REQUIRED = Map.of(
            "payment_intents", List.of("amount", "currency"), "charges", List.of("amount", "currency"),
            "payouts", List.of("amount", "currency"), "transfers", List.of("amount", "currency", "destination"),
            "topups", List.of("amount", "currency"), "customers.balance_transactions", List.of("amount", "currency"),
            "invoiceitems", List.of("customer"), "subscriptions", List.of("customer", "items"));
    /** Fields Stripe sets itself, or builds from a request field of the same name ({@code items}); never copied as sent. */
    private static final Set<String> READ_ONLY = Set.of("id", "object", "created", "livemode", "status", "client_secret",
            "amount_received", "amount_capturable", "amount_captured", "amount_refunded", "amount_reversed", "url", "reversals",
            "ending_balance", "items");
    /** List filters stripe-java offers on the lists in the catalog. */
    private static final List<String> FILTERS = List.of("customer", "payment_intent", "charge", "status", "destination");
    /** The sample agents' objects (agents/), so their calls work out of the box. */
    static final String DEMO_CUSTOMER = "cus_NffrFeUfNV2Hib";
    static final String DEMO_PAYMENT_INTENT = "pi_3MtwBwLkdIwHu7ix28a3tqPa";

    private final ObjectStore store = new ObjectStore();
    private final Templates templates = new Templates("stripe");

    StripeSimulator() {
        ObjectNode customer = newObject("customers", DEMO_CUSTOMER);
        customer.put("email", "jenny.rosen@example.com").put("name", "Jenny Rosen");
        newObject("payment_methods", "pm_card_visa");
        ObjectNode intent = newObject("payment_intents", DEMO_PAYMENT_INTENT);
        intent.put("amount", 2000).put("currency", "usd").put("customer", DEMO_CUSTOMER).put("payment_method", "pm_card_visa");
        confirm(intent);
    }

    @Override
    public Reply answer(VendorCall call) {
        Optional<Catalog.Match> match = StripeVendor.CATALOG.find(call.method(), call.segments());
        if (match.isEmpty()) {
            return error(404, null, "Unrecognized request URL (" + call.method() + ": " + call.path()
                    + "). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.", null);
        }
        String op = match.get().operation().name();
        String id = match.get().pathVariables().values().stream().findFirst().orElse(null);
        ObjectNode params = op.startsWith("v2.") ? jsonBody(call) : NestedForm.read(call.fields());
        int verb = op.lastIndexOf('.');
        String resource = op.substring(0, verb);
        Optional<String> missing = REQUIRED.getOrDefault(resource, List.of()).stream().filter(p -> !params.has(p)).findFirst();
        if (op.endsWith(".create") && missing.isPresent()) {
            return error(400, "parameter_missing", "Missing required param: " + missing.get() + ".", missing.get());
        }
        return switch (op) {
            case "payment_intents.confirm" -> withObject("payment_intents", id, pi -> confirm(fill(pi, params)));
            case "payment_intents.capture" -> withObject("payment_intents", id, pi -> capture(pi, params));
            case "payment_intents.increment_authorization" -> withObject("payment_intents", id, pi -> increment(pi, params));
            case "payment_intents.cancel" -> withObject("payment_intents", id, pi -> cancel(pi, params));
            case "payment_intents.search" -> ok(list("payment_intents", call, params).put("object", "search_result").putNull("next_page"));
            case "charges.capture" -> withObject("charges", id, charge -> captureCharge(charge, params));
            case "refunds.create" -> ok(refund(params));
            case "refunds.cancel" -> withObject("refunds", id, refund -> ok(refund.put("status", "canceled")));
            case "payouts.cancel" -> withObject("payouts", id, payout -> ok(payout.put("status", "canceled")));
            case "transfers.reversals.create" -> withObject("transfers", id, transfer -> ok(reverse(transfer, params)));
            case "customers.delete" -> withObject("customers", id, customer -> deleted(customer));
            case "customers.balance_transactions.create" -> withObject("customers", id, customer -> ok(balanceTransaction(customer, params)));
            case "checkout.sessions.expire" -> withObject("checkout.sessions", id, session -> ok(session.put("status", "expired").putNull("url")));
            case "invoices.finalize_invoice" -> withObject("invoices", id, invoice -> finalizeInvoice(invoice));
            case "invoices.pay" -> withObject("invoices", id, invoice -> pay(invoice));
            case "subscriptions.cancel" -> withObject("subscriptions", id, sub -> ok(sub.put("status", "canceled")
                    .put("canceled_at", now()).put("ended_at", now())));
            case "balance.retrieve" -> ok(templates.fresh("balance"));
            case "balance_transactions.list" -> ok(listOf(call.path(), params, List.of()));
            case "v2.billing.meter_event_session.create" -> ok(meterEventSession());
            case "v2.billing.meter_events.create" -> ok(meterEvent(params));
            default -> switch (op.substring(verb + 1)) {
                case "create" -> ok(create(resource, params));
                case "retrieve" -> withObject(resource, id, StripeSimulator::ok);
                case "update" -> withObject(resource, id, object -> ok(fill(object, params)));
                case "list" -> ok(list(resource, call, params));
                default -> throw new IllegalStateException("no simulation of " + op);
            };
        };
    }

    @Override
    public Reply unauthorized() {
        return error(401, null, "Invalid API Key provided.", null);
    }

    @Override
    public Reply serverError() {
        return error(500, null, "An unknown error occurred", null);
    }

    private ObjectNode create(String resource, ObjectNode params) {
        ObjectNode object = fill(newObject(resource, Ids.stripe(KINDS.get(resource).prefix())), params);
        switch (resource) {
            case "payment_intents" -> {
                if (params.path("confirm").asBoolean()) {
                    confirm(object);
                }
            }
            case "charges" -> {
                boolean captured = params.path("capture").asBoolean(true);
                object.put("captured", captured).put("amount_captured", captured ? object.path("amount").asLong() : 0);
            }
            case "payouts" -> object.put("arrival_date", now() + 86_400);
            case "transfers" -> object.with("reversals").put("url", "/v1/transfers/" + object.get("id").asText() + "/reversals");
            case "checkout.sessions" -> checkoutTotals(object, params);
            case "payment_links" -> object.put("url", "https://buy.stripe.com/test_" + Ids.random("abcdefghijklmnopqrstuvwxyz0123456789", 14));
            case "invoiceitems" -> invoiceItem(object, params);
            case "invoices" -> store.where(item -> item.path("object").asText().equals("invoiceitem") && item.path("invoice").isNull()
                    && item.path("customer").equals(object.path("customer"))).forEach(item -> addToInvoice(object, item));
            case "subscriptions" -> subscriptionItems(object, params);
            default -> {
            }
        }
        return object;
    }

    /** A stored object of that kind with its template's defaults; the request fills it in after. */
    private ObjectNode newObject(String resource, String id) {
        Kind kind = KINDS.get(resource);
        ObjectNode object = templates.fresh(kind.object()).put("id", id);
        if (object.has("created")) {
            object.put("created", now());
        }
        if (object.has("client_secret")) {
            object.put("client_secret", id + "_secret_" + Ids.random("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 25));
        }
        return store.put(id, object);
    }

    /** Copies the request's fields the object has, as Stripe echoes them; metadata merges. */
    private static ObjectNode fill(ObjectNode object, ObjectNode params) {
        params.fields().forEachRemaining(field -> {
            String name = field.getKey();
            if (!object.has(name) || READ_ONLY.contains(name)) {
                return;
            }
            if (name.equals("metadata") && field.getValue().isObject()) {
                object.with("metadata").setAll((ObjectNode) field.getValue());
            } else {
                object.set(name, field.getValue());
            }
        });
        return object;
    }

    private Reply confirm(ObjectNode intent) {
        String status = intent.path("status").asText();
        if (!status.startsWith("requires_") || status.equals("requires_capture")) {
            return unexpectedState(intent, "confirm");
        }
        boolean manual = intent.path("capture_method").asText().startsWith("manual");
        long amount = intent.path("amount").asLong();
        ObjectNode charge = newObject("charges", Ids.stripe("ch"));
        charge.put("amount", amount).put("currency", intent.path("currency").asText()).put("payment_intent", intent.get("id").asText())
                .put("captured", !manual).put("amount_captured", manual ? 0 : amount)
                .set("customer", intent.get("customer"));
        charge.set("payment_method", intent.get("payment_method"));
        intent.put("latest_charge", charge.get("id").asText()).put("status", manual ? "requires_capture" : "succeeded")
                .put("amount_capturable", manual ? amount : 0).put("amount_received", manual ? 0 : amount);
        return ok(intent);
    }

    private Reply capture(ObjectNode intent, ObjectNode params) {
        if (!intent.path("status").asText().equals("requires_capture")) {
            return unexpectedState(intent, "capture");
        }
        long captured = params.path("amount_to_capture").asLong(intent.path("amount_capturable").asLong());
        intent.put("status", "succeeded").put("amount_capturable", 0).put("amount_received", captured);
        store.get(intent.path("latest_charge").asText()).ifPresent(charge -> charge.put("captured", true).put("amount_captured", captured));
        return ok(fill(intent, params));
    }

    private Reply increment(ObjectNode intent, ObjectNode params) {
        if (!intent.path("status").asText().equals("requires_capture")) {
            return unexpectedState(intent, "increment_authorization");
        }
        long amount = params.path("amount").asLong(intent.path("amount").asLong());
        return ok(fill(intent, params).put("amount", amount).put("amount_capturable", amount));
    }

    private Reply cancel(ObjectNode intent, ObjectNode params) {
        String status = intent.path("status").asText();
        if (status.equals("succeeded") || status.equals("canceled")) {
            return unexpectedState(intent, "cancel");
        }
        intent.put("status", "canceled").put("canceled_at", now()).set("cancellation_reason", params.get("cancellation_reason"));
        return ok(intent);
    }

    private Reply captureCharge(ObjectNode charge, ObjectNode params) {
        if (charge.path("captured").asBoolean()) {
            return error(400, "charge_already_captured", "Charge " + charge.get("id").asText() + " has already been captured.", null);
        }
        return ok(charge.put("captured", true).put("amount_captured", params.path("amount").asLong(charge.path("amount").asLong())));
    }

    /** Without {@code amount} a refund is of the whole charge or payment intent; one this simulator never made refunds 0. */
    private ObjectNode refund(ObjectNode params) {
        Optional<ObjectNode> refunded = store.get(params.path("charge").asText(null))
                .or(() -> store.get(params.path("payment_intent").asText(null)));
        ObjectNode refund = create("refunds", params);
        refund.put("amount", params.path("amount").asLong(refunded.map(o -> o.path("amount").asLong()).orElse(0L)));
        if (refund.path("currency").isNull()) {
            refund.put("currency", refunded.map(o -> o.path("currency").asText()).orElse("usd"));
        }
        refunded.filter(o -> o.path("object").asText().equals("charge"))
                .ifPresent(charge -> refund.set("payment_intent", charge.get("payment_intent")));
        refunded.filter(o -> o.path("object").asText().equals("payment_intent"))
                .ifPresent(intent -> refund.set("charge", intent.get("latest_charge")));
        return refund;
    }

    private ObjectNode reverse(ObjectNode transfer, ObjectNode params) {
        long amount = params.path("amount").asLong(transfer.path("amount").asLong() - transfer.path("amount_reversed").asLong());
        ObjectNode reversal = fill(newObject("transfers.reversals", Ids.stripe("trr")), params)
                .put("amount", amount).put("currency", transfer.path("currency").asText()).put("transfer", transfer.get("id").asText());
        long reversed = transfer.path("amount_reversed").asLong() + amount;
        transfer.put("amount_reversed", reversed).put("reversed", reversed >= transfer.path("amount").asLong());
        ObjectNode reversals = transfer.with("reversals");
        reversals.withArray("data").insert(0, reversal);
        reversals.put("total_count", reversals.get("data").size());
        return reversal;
    }

    private Reply deleted(ObjectNode customer) {
        store.remove(customer.get("id").asText());
        return ok(Json.MAPPER.createObjectNode().put("id", customer.get("id").asText()).put("object", "customer").put("deleted", true));
    }

    private ObjectNode balanceTransaction(ObjectNode customer, ObjectNode params) {
        long balance = customer.path("balance").asLong() + params.path("amount").asLong();
        customer.put("balance", balance);
        if (customer.path("currency").isNull()) {
            customer.set("currency", params.get("currency"));
        }
        return create("customers.balance_transactions", params).put("customer", customer.get("id").asText()).put("ending_balance", balance);
    }

    /** What the customer pays for the lines at their quantities; shipping is added when the customer picks it. */
    private static void checkoutTotals(ObjectNode session, ObjectNode params) {
        long total = 0;
        for (JsonNode line : params.path("line_items")) {
            JsonNode price = line.path("price_data");
            total += price.path("unit_amount").asLong() * line.path("quantity").asLong(1);
            if (session.path("currency").isNull() && price.has("currency")) {
                session.set("currency", price.get("currency"));
            }
        }
        String id = session.get("id").asText();
        session.put("amount_subtotal", total).put("amount_total", total).put("expires_at", now() + 86_400)
                .put("url", "https://checkout.stripe.com/c/pay/" + id);
    }

    private void invoiceItem(ObjectNode item, ObjectNode params) {
        if (!params.has("amount") && params.has("unit_amount")) {
            item.put("amount", params.get("unit_amount").asLong() * params.path("quantity").asLong(1));
        }
        item.put("date", now());
        store.get(params.path("invoice").asText(null)).ifPresent(invoice -> addToInvoice(invoice, item));
    }

    private static void addToInvoice(ObjectNode invoice, ObjectNode item) {
        long total = invoice.path("total").asLong() + item.path("amount").asLong();
        item.put("invoice", invoice.get("id").asText());
        invoice.put("subtotal", total).put("total", total).put("amount_due", total).put("amount_remaining", total)
                .set("currency", item.get("currency"));
    }

    private Reply finalizeInvoice(ObjectNode invoice) {
        if (!invoice.path("status").asText().equals("draft")) {
            return error(400, "invoice_not_editable", "This invoice is already finalized.", null);
        }
        return ok(invoice.put("status", "open").put("number", invoice.get("id").asText().substring(3, 11).toUpperCase() + "-0001")
                .put("hosted_invoice_url", "https://invoice.stripe.com/i/" + invoice.get("id").asText()));
    }

    private Reply pay(ObjectNode invoice) {
        String status = invoice.path("status").asText();
        if (!status.equals("draft") && !status.equals("open")) {
            return error(400, "invoice_unexpected_state", "Invoice is already " + status + ".", null);
        }
        return ok(invoice.put("status", "paid").put("paid", true).put("attempted", true).put("attempt_count", 1)
                .put("amount_paid", invoice.path("amount_due").asLong()).put("amount_remaining", 0));
    }

    private static void subscriptionItems(ObjectNode subscription, ObjectNode params) {
        long now = now();
        String id = subscription.get("id").asText();
        subscription.put("start_date", now).put("current_period_start", now).put("current_period_end", now + 30 * 86_400L);
        ObjectNode items = subscription.with("items").put("url", "/v1/subscription_items?subscription=" + id);
        ArrayNode data = items.withArray("data");
        for (JsonNode requested : params.path("items")) {
            ObjectNode item = data.addObject().put("id", Ids.stripe("si")).put("object", "subscription_item").put("created", now)
                    .put("quantity", requested.path("quantity").asLong(1)).put("subscription", id);
            item.putObject("price").put("id", requested.path("price").asText()).put("object", "price");
        }
        items.put("total_count", data.size());
    }

    private ObjectNode list(String resource, VendorCall call, ObjectNode params) {
        String object = KINDS.get(resource).object();
        return listOf(call.path(), params, store.where(o -> o.path("object").asText().equals(object)
                && FILTERS.stream().allMatch(f -> !params.has(f) || params.get(f).equals(o.get(f)))));
    }

    private static ObjectNode listOf(String path, ObjectNode params, List<ObjectNode> objects) {
        ObjectNode list = Json.MAPPER.createObjectNode().put("object", "list").put("url", path);
        int limit = (int) Math.max(1, Math.min(100, params.path("limit").asLong(10)));
        list.put("has_more", objects.size() > limit).putArray("data").addAll(objects.subList(0, Math.min(limit, objects.size())));
        return list;
    }

    private static ObjectNode meterEventSession() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return Json.MAPPER.createObjectNode().put("id", Ids.stripe("mes")).put("object", "v2.billing.meter_event_session")
                .put("authentication_token", Ids.stripe("tok")).put("created", now.toString())
                .put("expires_at", now.plus(15, ChronoUnit.MINUTES).toString()).put("livemode", false);
    }

    private static ObjectNode meterEvent(ObjectNode params) {
        String now = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        ObjectNode event = Json.MAPPER.createObjectNode().put("object", "v2.billing.meter_event").put("created", now)
                .put("event_name", params.path("event_name").asText()).put("identifier", params.path("identifier").asText(Ids.uuid()))
                .put("livemode", false).put("timestamp", params.path("timestamp").asText(now));
        event.set("payload", params.path("payload").isObject() ? params.get("payload") : Json.MAPPER.createObjectNode());
        return event;
    }

    private static ObjectNode jsonBody(VendorCall call) {
        JsonNode body = Json.objectOrNull(call.body());
        return body instanceof ObjectNode object ? object : Json.MAPPER.createObjectNode();
    }

    private Reply withObject(String resource, String id, Function<ObjectNode, Reply> action) {
        Kind kind = KINDS.get(resource);
        return store.get(id).filter(o -> o.path("object").asText().equals(kind.object())).map(action)
                .orElseGet(() -> error(404, "resource_missing", "No such " + kind.object() + ": '" + id + "'", "id"));
    }

    private static Reply unexpectedState(ObjectNode intent, String action) {
        return error(400, "payment_intent_unexpected_state", "This PaymentIntent's " + action + " could not be performed because it has a status of "
                + intent.path("status").asText() + ".", null);
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }

    private static Reply ok(ObjectNode body) {
        return reply(200, body);
    }

    private static Reply error(int status, String code, String message, String param) {
        ObjectNode error = Json.MAPPER.createObjectNode();
        ObjectNode inner = error.putObject("error");
        if (code != null) {
            inner.put("code", code).put("doc_url", "https://stripe.com/docs/error-codes/" + code.replace('_', '-'));
        }
        inner.put("message", message);
        if (param != null) {
            inner.put("param", param);
        }
        inner.put("type", status >= 500 ? "api_error" : "invalid_request_error");
        return reply(status, error);
    }

    private static Reply reply(int status, ObjectNode body) {
        return Reply.json(status, body, Map.of("Request-Id", "req_" + Ids.random("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 14)));
    }
}
