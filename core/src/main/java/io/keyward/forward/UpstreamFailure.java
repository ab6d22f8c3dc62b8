package io.keyward.forward;

import io.keyward.decision.Refusal;

/**
 * The call to the vendor failed before any answer reached the agent. {@link #vendorMayHaveActed()}
 * tells whether the request could have been processed (a timeout) or certainly was not (the
 * connection was refused), which decides whether reserved money is kept or released.
 */
public final class UpstreamFailure extends RuntimeException {
    private final transient Refusal refusal;
    private final boolean vendorMayHaveActed;

    UpstreamFailure(Refusal refusal, boolean vendorMayHaveActed) {
        super(refusal.getMessage(), null, false, false);
        this.refusal = refusal;
        this.vendorMayHaveActed = vendorMayHaveActed;
    }

    public Refusal refusal() {
        return refusal;
    }

    public boolean vendorMayHaveActed() {
        return vendorMayHaveActed;
    }
}
