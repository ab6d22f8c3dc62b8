package io.keyward.spend;

import io.keyward.request.CallRequest;
import java.math.BigDecimal;
import java.util.List;

/** Resend: one price per recipient (to + cc + bcc) of each email; a batch is the sum over its emails. */
final class ResendCosts implements CostModel {
    private final BigDecimal perEmail;

    ResendCosts(BigDecimal perEmail) {
        this.perEmail = perEmail;
    }

    @Override
    public Estimate estimate(CallRequest call) {
        return switch (call.operation().name()) {
            case "emails.send" -> Estimate.of(perEmail.multiply(BigDecimal.valueOf(Math.max(1, recipients(call, "")))));
            case "emails.batch" -> batch(call);
            default -> Estimate.unknown(call.operation().name() + " has no price");
        };
    }

    private Estimate batch(CallRequest call) {
        long emails = 0;
        for (int i = 0; ; i++) {
            String prefix = "[" + i + "]";
            if (call.values(prefix + "[*]").isEmpty() && call.values(prefix + "[*][*]").isEmpty()) {
                break;
            }
            emails += Math.max(1, recipients(call, prefix));
        }
        return Estimate.of(perEmail.multiply(BigDecimal.valueOf(emails)));
    }

    /** Addresses in to, cc and bcc, each given as a list or as one string (which may list several, comma-separated). */
    private static long recipients(CallRequest call, String prefix) {
        long n = 0;
        for (String field : List.of("to", "cc", "bcc")) {
            for (String value : call.values((prefix.isEmpty() ? "" : prefix + ".") + field + "[*]")) {
                n += value == null ? 0 : value.split(",").length;
            }
        }
        return n;
    }
}
