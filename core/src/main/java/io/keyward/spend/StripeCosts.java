package io.keyward.spend;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyward.json.Json;
import io.keyward.request.CallRequest;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Stripe: {@code amount} in the currency's minor units, converted to USD; a Checkout Session is the
 * sum of its {@code price_data} lines. Anything priced elsewhere (a {@code price} id, a capture or
 * confirm of an amount set earlier, a refund of "the rest") is unknown from the request.
 */
final class StripeCosts implements CostModel {
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,15}");
    /** Operations whose {@code amount} is what moves; an absent amount moves nothing more. */
    private static final Set<String> AMOUNT_OPTIONAL = Set.of("payment_intents.update");
    private final Money money;

    StripeCosts(Money money) {
        this.money = money;
    }

    @Override
    public Estimate estimate(CallRequest call) {
        String op = call.operation().name();
        return switch (op) {
            case "checkout.sessions.create" -> checkout(call);
            case "payment_intents.create", "payment_intents.update", "payment_intents.increment_authorization",
                 "charges.create", "refunds.create", "payouts.create", "transfers.create", "topups.create",
                 "customers.balance_transactions.create" -> amount(call, "amount", op);
            case "payment_intents.capture" -> amount(call, "amount_to_capture", op);
            case "charges.capture" -> amount(call, "amount", op);
            case "invoiceitems.create" -> invoiceItem(call);
            default -> Estimate.unknown(op + " is priced by objects the request only refers to");
        };
    }

    private Estimate amount(CallRequest call, String field, String op) {
        Optional<String> amount = call.value(field);
        if (amount.isEmpty()) {
            return AMOUNT_OPTIONAL.contains(op) ? Estimate.of(BigDecimal.ZERO) : Estimate.unknown(op + " without " + field);
        }
        return minor(amount.get(), call.value("currency"));
    }

    private Estimate invoiceItem(CallRequest call) {
        if (call.value("amount").isPresent()) {
            return minor(call.value("amount").get(), call.value("currency"));
        }
        Optional<String> unit = call.value("unit_amount");
        if (unit.isEmpty()) {
            return Estimate.unknown("invoice item priced by a price id");
        }
        return times(minor(unit.get(), call.value("currency")), call.value("quantity").orElse("1"));
    }

    private Estimate checkout(CallRequest call) {
        BigDecimal total = BigDecimal.ZERO;
        for (int i = 0; ; i++) {
            String line = "line_items[" + i + "]";
            if (call.values(line + "[*]").isEmpty() && call.values(line + "[*][*]").isEmpty()
                    && call.values(line + "[*][*][*]").isEmpty()) {
                return i == 0 ? Estimate.unknown("checkout session without line_items") : Estimate.of(total);
            }
            Optional<String> unit = call.value(line + "[price_data][unit_amount]");
            if (unit.isEmpty()) {
                return Estimate.unknown("checkout line " + i + " is priced by a price id");
            }
            Estimate lineCost = times(minor(unit.get(), call.value(line + "[price_data][currency]")),
                    call.value(line + "[quantity]").orElse("1"));
            if (!lineCost.known()) {
                return lineCost;
            }
            total = total.add(lineCost.usd());
        }
    }

    private Estimate minor(String amount, Optional<String> currency) {
        if (!INTEGER.matcher(amount).matches()) {
            return Estimate.unknown("amount is not a whole number of minor units");
        }
        if (currency.isEmpty()) {
            return Estimate.unknown("amount without currency");
        }
        return money.toUsd(new BigDecimal(amount), currency.get()).map(Estimate::of)
                .orElseGet(() -> Estimate.unknown("no exchange rate for that currency"));
    }

    private static Estimate times(Estimate unit, String quantity) {
        if (!unit.known() || !INTEGER.matcher(quantity).matches()) {
            return unit.known() ? Estimate.unknown("quantity is not a whole number") : unit;
        }
        return Estimate.of(unit.usd().multiply(new BigDecimal(quantity).abs()));
    }

    @Override
    public Optional<BigDecimal> actual(CallRequest call, byte[] responseJson) {
        JsonNode body = parse(responseJson);
        if (body == null) {
            return Optional.empty();
        }
        String field = call.operation().name().equals("checkout.sessions.create") ? "amount_total" : "amount";
        JsonNode amount = body.get(field);
        JsonNode currency = body.get("currency");
        if (amount == null || !amount.isIntegralNumber() || currency == null || !currency.isTextual()) {
            return Optional.empty();
        }
        return money.toUsd(amount.decimalValue(), currency.textValue());
    }

    static JsonNode parse(byte[] json) {
        if (json == null || json.length == 0) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(json);
            return node != null && node.isObject() ? node : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
