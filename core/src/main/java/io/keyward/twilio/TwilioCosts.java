package io.keyward.twilio;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyward.config.SpendConfig;
import io.keyward.contract.CostModel;
import io.keyward.contract.Estimate;
import io.keyward.contract.Operation;
import io.keyward.contract.ParamName;
import io.keyward.contract.Params;
import io.keyward.json.Json;
import io.keyward.money.Usd;
import io.keyward.phone.Phones;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Twilio: a message is its segment count times the per-segment price of the destination country
 * (an MMS when it carries {@code MediaUrl}); a call is the per-minute price times {@code TimeLimit}
 * (or the configured ceiling); a verification has one price. Names are read as Twilio reads them,
 * case ignored: {@code Body} and {@code body} are one parameter, and the call is refused before
 * pricing if they disagree.
 */
final class TwilioCosts implements CostModel {
    private static final Pattern SECONDS = Pattern.compile("[0-9]{1,6}");
    private static final ParamName MEDIA_URL = ParamName.of("MediaUrl");
    private final SpendConfig prices;

    TwilioCosts(SpendConfig prices) {
        this.prices = prices;
    }

    @Override
    public Estimate estimate(Operation operation, Params params) {
        return switch (operation.name()) {
            case "messages.create" -> message(params);
            case "calls.create" -> voice(params);
            case "verify.verifications.create" -> Estimate.of(prices.verificationUsd());
            default -> Estimate.unknown(operation.name() + " has no price");
        };
    }

    private Estimate message(Params params) {
        String country = Phones.country(params.scalar("To").orElse("")).orElse("default");
        if (!params.scalarOrList(MEDIA_URL).isEmpty()) {
            return Estimate.of(price(prices.mmsUsd(), country));
        }
        Optional<String> body = params.scalar("Body");
        if (body.isEmpty()) {
            return Estimate.unknown("a message without Body (a content template) has no length to price");
        }
        return Estimate.of(price(prices.smsSegmentUsd(), country).multiply(BigDecimal.valueOf(Segments.count(body.get()))));
    }

    private Estimate voice(Params params) {
        String country = Phones.country(params.scalar("To").orElse("")).orElse("default");
        Optional<String> limit = params.scalar("TimeLimit");
        long minutes = prices.callCeilingMinutes();
        if (limit.isPresent()) {
            if (!SECONDS.matcher(limit.get()).matches()) {
                return Estimate.unknown("TimeLimit is not a whole number of seconds");
            }
            minutes = Math.max(1, (Long.parseLong(limit.get()) + 59) / 60);
        }
        return Estimate.of(price(prices.callMinuteUsd(), country).multiply(BigDecimal.valueOf(minutes)));
    }

    private static BigDecimal price(Map<String, BigDecimal> table, String country) {
        return table.getOrDefault(country, table.get("default"));
    }

    /** Twilio states the price as a negative decimal in {@code price_unit}, once it knows it. */
    @Override
    public Optional<BigDecimal> actual(Operation operation, byte[] responseJson) {
        JsonNode body = Json.objectOrNull(responseJson);
        if (body == null || body.path("price").isNull() || !body.path("price").isTextual()
                || !"USD".equals(body.path("price_unit").asText())) {
            return Optional.empty();
        }
        try {
            return Optional.of(new BigDecimal(body.get("price").textValue()).abs().setScale(Usd.SCALE, RoundingMode.UP));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
