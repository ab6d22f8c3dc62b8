package io.keyward.spend;

import io.keyward.config.SpendConfig;
import java.util.Map;

/** The cost model of each built-in vendor, priced from the config. */
final class CostModels {
    private CostModels() {
    }

    static Map<String, CostModel> of(SpendConfig config) {
        return Map.of("stripe", new StripeCosts(new Money(config.fxUsd())),
                "twilio", new TwilioCosts(config),
                "resend", new ResendCosts(config.emailUsd()));
    }
}
