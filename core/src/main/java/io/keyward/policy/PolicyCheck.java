package io.keyward.policy;

import io.keyward.decision.Code;
import io.keyward.decision.Refusal;
import io.keyward.key.VaultKey;
import io.keyward.route.Route;

/**
 * Decides whether a key may make this call. Today: the key must be live (not revoked, not expired
 * by the database clock) and issued for the vendor the call goes to. Operation and parameter rules
 * from the key's {@code policy} are the restricted-scope step's to add.
 */
public final class PolicyCheck {

    /** @throws Refusal when the call is not allowed */
    public void check(VaultKey key, Route route) {
        if (key.revoked()) {
            throw new Refusal(Code.DENIED_REVOKED, "vault key " + key.id() + " was revoked");
        }
        if (key.expired()) {
            throw new Refusal(Code.DENIED_EXPIRED, "vault key " + key.id() + " has expired");
        }
        if (!key.vendor().equals(route.vendor().name())) {
            throw new Refusal(Code.DENIED_VENDOR, 403,
                    "vault key " + key.id() + " is for " + key.vendor() + ", not " + route.vendor().name(), "vendor");
        }
    }
}
