package io.keyward.contract;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * How one vendor's calls are priced: before the call from the request's one reading, after it from
 * the vendor's answer. Estimates read {@link Params} only, so they price exactly what the policy
 * checked and what the vendor will read, and they are linear in the size of the call.
 */
public interface CostModel {

    /**
     * The cost of a money-moving call, from the request alone.
     *
     * @throws io.keyward.decision.Refusal {@code denied_malformed} when a priced parameter is not a single value
     */
    Estimate estimate(Operation operation, Params params);

    /** The cost the vendor's answer states, when it states one (a Stripe object's amount, Twilio's price). */
    default Optional<BigDecimal> actual(Operation operation, byte[] responseJson) {
        return Optional.empty();
    }
}
