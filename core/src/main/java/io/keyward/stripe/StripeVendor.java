package io.keyward.stripe;

import io.keyward.config.Secret;
import io.keyward.config.SpendConfig;
import io.keyward.config.ConfigException;
import io.keyward.config.VendorConfig;
import io.keyward.contract.BodyFormat;
import io.keyward.contract.Catalog;
import io.keyward.contract.CostModel;
import io.keyward.contract.HeaderContract;
import io.keyward.contract.HeaderRule;
import io.keyward.contract.ParamReading;
import io.keyward.contract.ConfiguredVendor;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Stripe. Its servers read forms Rack-style: bracketed names nest ({@code metadata[order_id]},
 * {@code line_items[0][quantity]}), and for a repeated name the last value wins; Keyward refuses any
 * name that repeats with another value, so first and last are the same. It deduplicates retries by
 * {@code Idempotency-Key} (at most 255 characters) for 24 hours, per account and API version.
 * {@code Stripe-Account} and {@code Stripe-Context} move a call to another connected account, so they
 * pass only when the key's policy names the account ({@code "stripe_account": {"in": ["acct_..."]}}).
 */
public final class StripeVendor extends ConfiguredVendor {
    private static final Pattern VERSION = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}(\\.[a-z_]+)?(; ?[a-z0-9_]+=v[0-9]+)*");
    public static final HeaderContract HEADERS = HeaderContract.of(
            new HeaderRule("Stripe-Version", 120, VERSION, null, true),
            new HeaderRule("Stripe-Account", 64, Pattern.compile("acct_[A-Za-z0-9]+"), "stripe_account", true),
            new HeaderRule("Stripe-Context", 255, Pattern.compile("[A-Za-z0-9_/]+"), "stripe_context", true),
            HeaderRule.plain("Idempotency-Key", 255),
            HeaderRule.plain("X-Stripe-Client-User-Agent", 2000),
            HeaderRule.plain("X-Stripe-Client-Telemetry", 2000));
    public static final Catalog CATALOG = buildCatalog();

    private final CostModel costs;

    public StripeVendor(VendorConfig config, SpendConfig prices) {
        super("stripe", config);
        Money money = new Money(prices.fxUsd());
        if (config.accountCurrency() != null && money.toUsd(BigDecimal.ONE, config.accountCurrency()).isEmpty()) {
            throw new ConfigException("vendors.stripe.account_currency", "no spend.fx_usd rate for " + config.accountCurrency());
        }
        this.costs = new StripeCosts(money, Optional.ofNullable(config.accountCurrency()));
    }

    @Override
    public Catalog catalog() {
        return CATALOG;
    }

    @Override
    public ParamReading reading() {
        return ParamReading.nested();
    }

    @Override
    public HeaderContract headers() {
        return HEADERS;
    }

    @Override
    public boolean deduplicatesIdempotentRetries() {
        return true;
    }

    @Override
    public String authorization(Secret secret) {
        return bearer(secret);
    }

    @Override
    public CostModel costs() {
        return costs;
    }

    @Override
    public String requestIdHeader() {
        return "Request-Id";
    }

    /** The operations agents call, named as stripe-java names them. */
    private static Catalog buildCatalog() {
        return Catalog.builder(BodyFormat.FORM, false)
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
                .money("customers.create", "POST", "/v1/customers")
                .read("customers.retrieve", "/v1/customers/{customer}")
                .money("customers.update", "POST", "/v1/customers/{customer}")
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
                .money("invoices.finalize_invoice", "POST", "/v1/invoices/{invoice}/finalize")
                .money("invoices.pay", "POST", "/v1/invoices/{invoice}/pay")
                .read("invoices.list", "/v1/invoices")
                .money("invoiceitems.create", "POST", "/v1/invoiceitems")
                .money("subscriptions.create", "POST", "/v1/subscriptions")
                .read("subscriptions.retrieve", "/v1/subscriptions/{subscription}")
                .money("subscriptions.cancel", "DELETE", "/v1/subscriptions/{subscription}")
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
}
