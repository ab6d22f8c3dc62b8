package io.keyward.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyward.contract.CostModel;
import io.keyward.contract.Estimate;
import io.keyward.contract.Operation;
import io.keyward.contract.ParamName;
import io.keyward.contract.Params;
import io.keyward.json.Json;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Stripe: {@code amount} in the currency's minor units, converted to USD; a Checkout Session is the
 * most its customer can be charged: each {@code price_data} line at its largest quantity, plus the
 * dearest fixed shipping option. Anything priced elsewhere (a {@code price} id, a shipping rate id,
 * automatic tax, a capture or confirm of an amount set earlier, a refund of "the rest", a customer
 * balance in a currency the request does not name, an invoice finalized for automatic collection)
 * is unknown from the request. Every value is read from the call's one reading, where each name has
 * one value and each list runs 0..n-1, so a line cannot be skipped and an amount cannot be read twice.
 */
final class StripeCosts implements CostModel {
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,15}");
    /** Operations whose {@code amount} is what moves; an absent amount moves nothing more. */
    private static final Set<String> AMOUNT_OPTIONAL = Set.of("payment_intents.update");
    private static final ParamName LINE_ITEMS = ParamName.of("line_items");
    private static final ParamName SHIPPING_OPTIONS = ParamName.of("shipping_options");
    private static final ParamName BALANCE = ParamName.of("balance");
    private static final ParamName INVOICE_NOW = ParamName.of("invoice_now");
    private static final ParamName PRORATE = ParamName.of("prorate");
    /** Stripe's largest quantity a customer may choose when {@code adjustable_quantity[maximum]} is not given. */
    private static final String DEFAULT_ADJUSTABLE_MAXIMUM = "99";
    private final Money money;
    private final Optional<String> accountCurrency;

    /**
     * @param accountCurrency the currency of an amount sent without one (a refund carries none: it is
     *     in its charge's currency, which only Stripe knows); empty leaves such an amount unpriced
     */
    StripeCosts(Money money, Optional<String> accountCurrency) {
        this.money = money;
        this.accountCurrency = accountCurrency;
    }

    @Override
    public Estimate estimate(Operation operation, Params params) {
        String op = operation.name();
        return switch (op) {
            case "checkout.sessions.create" -> checkout(params);
            case "payment_intents.create", "payment_intents.update", "payment_intents.increment_authorization",
                 "charges.create", "refunds.create", "payouts.create", "transfers.create", "topups.create",
                 "customers.balance_transactions.create", "charges.capture" -> amount(params, "amount", op);
            case "payment_intents.capture" -> amount(params, "amount_to_capture", op);
            case "invoiceitems.create" -> invoiceItem(params);
            case "customers.create", "customers.update" -> params.has(BALANCE)
                    ? Estimate.unknown("a customer balance is in the customer's currency, which the request does not name")
                    : Estimate.of(BigDecimal.ZERO);
            case "subscriptions.cancel" -> params.has(INVOICE_NOW) || params.has(PRORATE)
                    ? Estimate.unknown("a final invoice is priced by the subscription's usage") : Estimate.of(BigDecimal.ZERO);
            default -> Estimate.unknown(op + " is priced by objects the request only refers to");
        };
    }

    private Estimate amount(Params params, String field, String op) {
        Optional<String> amount = params.scalar(field);
        if (amount.isEmpty() && AMOUNT_OPTIONAL.contains(op) && params.scalar("currency").isPresent()) {
            return Estimate.unknown(op + " changes the currency of an amount set earlier");
        }
        if (amount.isEmpty() && op.equals("refunds.create")) {
            return Estimate.unknown("a refund without amount refunds the rest of its charge, which the request does not state;"
                    + " send the amount to refund");
        }
        if (amount.isEmpty()) {
            return AMOUNT_OPTIONAL.contains(op) ? Estimate.of(BigDecimal.ZERO) : Estimate.unknown(op + " without " + field);
        }
        if (op.equals("refunds.create") && !params.scalar("origin").filter("customer_balance"::equals).isPresent()) {
            return refundOfACharge(amount.get(), params.scalar("currency"));
        }
        return minor(amount.get(), params.scalar("currency"));
    }

    /**
     * A refund of a charge or payment intent is in the charge's currency, whatever its {@code currency}
     * says (Stripe reads that only for a customer-balance refund): a stated currency priced as given
     * let {@code currency=vnd} price a $50,000 refund of a USD charge at $2.25. So it is priced in the
     * account currency, or in the stated one when that is dearer, and is unknown without an account currency.
     */
    private Estimate refundOfACharge(String amount, Optional<String> stated) {
        Estimate inAccount = minor(amount, Optional.empty());
        if (!inAccount.known() || stated.isEmpty()) {
            return inAccount;
        }
        Estimate asStated = minor(amount, stated);
        return asStated.known() && asStated.usd().compareTo(inAccount.usd()) > 0 ? asStated : inAccount;
    }

    private Estimate invoiceItem(Params params) {
        Optional<String> amount = params.scalar("amount");
        if (amount.isPresent()) {
            return minor(amount.get(), params.scalar("currency"));
        }
        Optional<String> unit = params.scalar("unit_amount");
        if (unit.isEmpty()) {
            return Estimate.unknown("invoice item priced by a price id");
        }
        return times(minor(unit.get(), params.scalar("currency")), params.scalar("quantity").orElse("1"));
    }

    private Estimate checkout(Params params) {
        int lines = params.listSize(LINE_ITEMS);
        if (lines == 0) {
            return Estimate.unknown("checkout session without line_items");
        }
        if (params.scalar(ParamName.of("automatic_tax", "enabled")).filter(v -> !v.equals("false")).isPresent()) {
            return Estimate.unknown("automatic tax is added by Stripe");
        }
        BigDecimal total = BigDecimal.ZERO;
        for (int i = 0; i < lines; i++) {
            ParamName line = LINE_ITEMS.child(Integer.toString(i));
            ParamName priceData = line.child("price_data");
            Optional<String> unit = params.scalar(priceData.child("unit_amount"));
            if (unit.isEmpty()) {
                return Estimate.unknown("checkout line " + i + " is priced by a price id");
            }
            Estimate lineCost = times(minor(unit.get(), params.scalar(priceData.child("currency"))), largestQuantity(params, line));
            if (!lineCost.known()) {
                return lineCost;
            }
            total = total.add(lineCost.usd());
        }
        Estimate shipping = dearestShipping(params);
        return shipping.known() ? Estimate.of(total.add(shipping.usd())) : shipping;
    }

    /** The quantity, or the most a customer may choose when the line's quantity is adjustable. */
    private static String largestQuantity(Params params, ParamName line) {
        ParamName adjustable = line.child("adjustable_quantity");
        if (params.scalar(adjustable.child("enabled")).filter(v -> !v.equals("false")).isPresent()) {
            return params.scalar(adjustable.child("maximum")).orElse(DEFAULT_ADJUSTABLE_MAXIMUM);
        }
        return params.scalar(line.child("quantity")).orElse("1");
    }

    /** The customer picks one shipping option: the dearest is what may be charged. */
    private Estimate dearestShipping(Params params) {
        BigDecimal dearest = BigDecimal.ZERO;
        int options = params.listSize(SHIPPING_OPTIONS);
        for (int i = 0; i < options; i++) {
            ParamName rate = SHIPPING_OPTIONS.child(Integer.toString(i)).child("shipping_rate_data");
            Optional<String> amount = params.scalar(rate.child("fixed_amount").child("amount"));
            if (amount.isEmpty()) {
                return Estimate.unknown("shipping option " + i + " is priced by a shipping rate id");
            }
            Estimate cost = minor(amount.get(), params.scalar(rate.child("fixed_amount").child("currency")));
            if (!cost.known()) {
                return cost;
            }
            dearest = dearest.max(cost.usd());
        }
        return Estimate.of(dearest);
    }

    private Estimate minor(String amount, Optional<String> currency) {
        if (!INTEGER.matcher(amount).matches()) {
            return Estimate.unknown("amount is not a whole number of minor units");
        }
        Optional<String> priced = currency.or(() -> accountCurrency);
        if (priced.isEmpty()) {
            return Estimate.unknown("amount without currency (set vendors.stripe.account_currency to price it in the account's currency)");
        }
        return money.toUsd(new BigDecimal(amount), priced.get()).map(Estimate::of)
                .orElseGet(() -> Estimate.unknown("no exchange rate for that currency"));
    }

    private static Estimate times(Estimate unit, String quantity) {
        if (!unit.known() || !INTEGER.matcher(quantity).matches()) {
            return unit.known() ? Estimate.unknown("quantity is not a whole number") : unit;
        }
        return Estimate.of(unit.usd().multiply(new BigDecimal(quantity).abs()));
    }

    @Override
    public Optional<BigDecimal> actual(Operation operation, byte[] responseJson) {
        JsonNode body = Json.objectOrNull(responseJson);
        if (body == null) {
            return Optional.empty();
        }
        String field = operation.name().equals("checkout.sessions.create") ? "amount_total" : "amount";
        JsonNode amount = body.get(field);
        JsonNode currency = body.get("currency");
        if (amount == null || !amount.isIntegralNumber() || currency == null || !currency.isTextual()) {
            return Optional.empty();
        }
        return money.toUsd(amount.decimalValue(), currency.textValue());
    }
}
