package io.keyward.resend;

import io.keyward.contract.CostModel;
import io.keyward.contract.Estimate;
import io.keyward.contract.Operation;
import io.keyward.contract.Param;
import io.keyward.contract.ParamName;
import io.keyward.contract.Params;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

/**
 * Resend: one price per recipient (to + cc + bcc) of each email, at least one per email; a batch is
 * the sum over its emails. One pass over the call's parameters, whatever its size: the request step
 * has already checked that each address field is a string or a list of strings
 * ({@link ResendVendor#checkJsonShape}) and that a batch's items run 0..n-1.
 */
final class ResendCosts implements CostModel {
    private static final Set<String> RECIPIENT_FIELDS = Set.of("to", "cc", "bcc");
    private static final ParamName ROOT = new ParamName(List.of());
    private final BigDecimal perEmail;

    ResendCosts(BigDecimal perEmail) {
        this.perEmail = perEmail;
    }

    @Override
    public Estimate estimate(Operation operation, Params params) {
        return switch (operation.name()) {
            case "emails.send" -> Estimate.of(perEmail.multiply(BigDecimal.valueOf(Math.max(1, recipients(params.all(), 0)))));
            case "emails.batch" -> batch(params);
            default -> Estimate.unknown(operation.name() + " has no price");
        };
    }

    private Estimate batch(Params params) {
        long[] perItem = new long[params.listSize(ROOT)];
        for (Param p : params.all()) {
            List<String> name = p.name().segments();
            if (name.size() >= 2 && RECIPIENT_FIELDS.contains(name.get(1)) && p.value() != null) {
                perItem[Integer.parseInt(name.get(0))] += addresses(p.value());
            }
        }
        long emails = 0;
        for (long recipients : perItem) {
            emails += Math.max(1, recipients);
        }
        return Estimate.of(perEmail.multiply(BigDecimal.valueOf(emails)));
    }

    /** Addresses in to, cc and bcc of one email whose fields start at segment {@code depth}. */
    private static long recipients(List<Param> params, int depth) {
        long n = 0;
        for (Param p : params) {
            List<String> name = p.name().segments();
            if (name.size() > depth && RECIPIENT_FIELDS.contains(name.get(depth)) && p.value() != null) {
                n += addresses(p.value());
            }
        }
        return n;
    }

    /** One string may list several addresses, comma-separated; each is a recipient. */
    private static long addresses(String value) {
        long n = 1;
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) == ',') {
                n++;
            }
        }
        return n;
    }
}
