package io.keyward.resend;

import io.keyward.contract.CostModel;
import io.keyward.contract.Estimate;
import io.keyward.contract.Operation;
import io.keyward.contract.ParamName;
import io.keyward.contract.Params;
import java.math.BigDecimal;
import java.util.List;

/**
 * Resend: one price per recipient (to + cc + bcc) of each email; a batch is the sum over its emails.
 * One pass over the recipients of each email: linear in the size of the call.
 */
final class ResendCosts implements CostModel {
    private static final List<String> RECIPIENT_FIELDS = List.of("to", "cc", "bcc");
    private static final ParamName ROOT = new ParamName(List.of());
    private final BigDecimal perEmail;

    ResendCosts(BigDecimal perEmail) {
        this.perEmail = perEmail;
    }

    @Override
    public Estimate estimate(Operation operation, Params params) {
        return switch (operation.name()) {
            case "emails.send" -> Estimate.of(perEmail.multiply(BigDecimal.valueOf(emailsFor(params, ROOT))));
            case "emails.batch" -> batch(params);
            default -> Estimate.unknown(operation.name() + " has no price");
        };
    }

    private Estimate batch(Params params) {
        long emails = 0;
        int items = params.listSize(ROOT);
        for (int i = 0; i < items; i++) {
            emails += emailsFor(params, ROOT.child(Integer.toString(i)));
        }
        return Estimate.of(perEmail.multiply(BigDecimal.valueOf(emails)));
    }

    /** Each address in to, cc and bcc, given as a list or as one string (which may list several, comma-separated); at least one. */
    private static long emailsFor(Params params, ParamName email) {
        long n = 0;
        for (String field : RECIPIENT_FIELDS) {
            for (String value : params.scalarOrList(email.child(field))) {
                n += value.split(",", -1).length;
            }
        }
        return Math.max(1, n);
    }
}
