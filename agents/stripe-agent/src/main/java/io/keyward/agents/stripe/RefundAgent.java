package io.keyward.agents.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Refund;
import com.stripe.param.PayoutCreateParams;
import com.stripe.param.RefundCreateParams;

/**
 * The seed's refund agent: refunds part of a payment. Its policy (samples/policies/refund-agent.json)
 * caps a refund at $50.00, so a larger one comes back as stripe-java's PermissionException with
 * Keyward's {@code denied_parameter}, and a payout (not its job) with {@code denied_operation}. It
 * names the refund's currency: a refund's amount is in its payment's currency, which the request
 * would not otherwise say, and Keyward refuses a money-moving call it cannot price (Stripe in turn
 * refuses a refund whose currency is not the payment's).
 */
public final class RefundAgent {
    private RefundAgent() {
    }

    public static void main(String[] args) {
        StripeClient stripe = StripeThroughKeyward.client();
        String paymentIntent = args.length > 0 ? args[0] : "pi_3MtwBwLkdIwHu7ix28a3tqPa";
        try {
            Refund refund = stripe.v1().refunds().create(RefundCreateParams.builder()
                    .setPaymentIntent(paymentIntent).setAmount(1500L).setCurrency("usd").build());
            System.out.println("ok refunds.create " + refund.getId() + " " + refund.getStatus());
        } catch (StripeException e) {
            System.out.println("refused " + e.getClass().getSimpleName() + " status=" + e.getStatusCode() + " code=" + e.getCode());
            System.exit(1);
        }
        try {
            stripe.v1().refunds().create(RefundCreateParams.builder()
                    .setPaymentIntent(paymentIntent).setAmount(90000L).setCurrency("usd").build());
            System.out.println("ok refunds.create large");
        } catch (StripeException e) {
            System.out.println("refused refunds.create " + e.getClass().getSimpleName() + " status=" + e.getStatusCode()
                    + " code=" + e.getCode());
        }
        try {
            stripe.v1().payouts().create(PayoutCreateParams.builder().setAmount(5000L).setCurrency("usd").build());
            System.out.println("ok payouts.create");
        } catch (StripeException e) {
            System.out.println("refused payouts.create " + e.getClass().getSimpleName() + " status=" + e.getStatusCode()
                    + " code=" + e.getCode());
        }
    }
}
