package io.keyward.agents.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Customer;
import com.stripe.model.PaymentIntent;
import com.stripe.param.PaymentIntentCreateParams;
import com.stripe.param.RefundCreateParams;

/**
 * The seed's billing agent: looks a customer up and charges them, as any stripe-java program
 * would. Its vault key's policy (samples/policies/billing-agent.json) allows exactly that, so its
 * attempt at a refund comes back as stripe-java's own PermissionException carrying Keyward's code.
 *
 * <p>Run: {@code KEYWARD_GATEWAY=http://127.0.0.1:8080 KEYWARD_VAULT_KEY=kw_... java -cp ... io.keyward.agents.stripe.BillingAgent}
 */
public final class BillingAgent {
    private BillingAgent() {
    }

    public static void main(String[] args) {
        StripeClient stripe = StripeThroughKeyward.client();
        String customerId = args.length > 0 ? args[0] : "cus_NffrFeUfNV2Hib";
        try {
            Customer customer = stripe.v1().customers().retrieve(customerId);
            System.out.println("ok customers.retrieve " + customer.getId());
            PaymentIntent intent = stripe.v1().paymentIntents().create(PaymentIntentCreateParams.builder()
                    .setAmount(2000L).setCurrency("usd").setCustomer(customer.getId()).build());
            System.out.println("ok payment_intents.create " + intent.getId() + " " + intent.getAmount());
        } catch (StripeException e) {
            System.out.println("refused " + e.getClass().getSimpleName() + " status=" + e.getStatusCode() + " code=" + e.getCode());
            System.exit(1);
        }
        try {
            stripe.v1().refunds().create(RefundCreateParams.builder().setPaymentIntent("pi_3MtwBwLkdIwHu7ix28a3tqPa").build());
            System.out.println("ok refunds.create");
        } catch (StripeException e) {
            System.out.println("refused refunds.create " + e.getClass().getSimpleName() + " status=" + e.getStatusCode()
                    + " code=" + e.getCode());
        }
    }
}
