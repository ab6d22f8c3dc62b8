package io.keyward.admin;

import java.util.Arrays;
import java.util.Optional;

/** What an admin token may do; {@link #ADMIN} may do everything. */
public enum AdminScope {
    KEYS_WRITE("keys:write"),
    KEYS_READ("keys:read"),
    AUDIT_READ("audit:read"),
    KILL("kill"),
    SECRETS_WRITE("secrets:write"),
    TOKENS_ADMIN("tokens:admin"),
    /** Lists and decides approvals: the person who says yes to a large payment. */
    APPROVE("approve"),
    ADMIN("admin");

    private final String wire;

    AdminScope(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<AdminScope> of(String wire) {
        return Arrays.stream(values()).filter(s -> s.wire.equals(wire)).findFirst();
    }

    /**
     * The scope an admin route needs ({@code parts} are the path's segments below {@code /admin}).
     * Anything not listed needs {@link #ADMIN}, so a new route is closed until it is given a scope.
     */
    static AdminScope requiredFor(String method, String[] parts) {
        boolean read = method.equals("GET");
        return switch (parts[0]) {
            case "keys" -> read ? KEYS_READ : parts.length == 3 && parts[2].equals("revoke") ? KILL : KEYS_WRITE;
            case "spend" -> KEYS_READ;
            case "calls", "calls.ndjson", "metrics" -> read ? AUDIT_READ : ADMIN;
            case "revoke", "unfreeze", "runs" -> KILL;
            case "vendors" -> SECRETS_WRITE;
            case "tokens" -> TOKENS_ADMIN;
            case "approvals" -> APPROVE;
            default -> ADMIN;
        };
    }
}
