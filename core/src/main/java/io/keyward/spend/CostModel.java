package io.keyward.spend;

import io.keyward.request.CallRequest;
import java.math.BigDecimal;
import java.util.Optional;

/** How one vendor's calls are priced: before the call from the request, after it from the vendor's answer. */
public interface CostModel {

    /** The cost of a money-moving call, from the request alone. */
    Estimate estimate(CallRequest call);

    /** The cost the vendor's answer states, when it states one (a Stripe object's amount, Twilio's price). */
    default Optional<BigDecimal> actual(CallRequest call, byte[] responseJson) {
        return Optional.empty();
    }
}
