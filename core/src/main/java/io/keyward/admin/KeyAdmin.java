package io.keyward.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyward.config.Durations;
import io.keyward.config.KeysConfig;
import io.keyward.json.Json;
import io.keyward.key.KeyHasher;
import io.keyward.key.KeyState;
import io.keyward.key.PresentedKey;
import io.keyward.key.VaultKey;
import io.keyward.key.VaultKeyFormat;
import io.keyward.money.Usd;
import io.keyward.policy.PolicyException;
import io.keyward.policy.PolicyParser;
import io.keyward.contract.Vendor;
import java.util.Map;
import io.keyward.store.KeyQuery;
import io.keyward.store.NewVaultKey;
import io.keyward.store.VaultKeyRepository;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Issuing, reading, listing and revoking vault keys: the admin API's key operations, validated. */
final class KeyAdmin {
    static final Set<String> ISSUE_FIELDS = Set.of("vendor", "agent_name", "agent_run_id", "expires_in", "expires_at",
            "daily_usd_cap", "run_usd_cap", "policy", "metadata");
    static final Set<String> REVOKE_FIELDS = Set.of("reason");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}");
    private static final int MAX_METADATA_BYTES = 4096;
    private static final int MAX_POLICY_BYTES = 32 * 1024;
    private static final int MAX_REASON = 500;

    private final VaultKeyRepository keys;
    private final KeyHasher hasher;
    private final VaultKeyFormat format = new VaultKeyFormat(new SecureRandom());
    private final KeysConfig lifetimes;
    private final Map<String, Vendor> vendors;

    KeyAdmin(VaultKeyRepository keys, KeyHasher hasher, KeysConfig lifetimes, Map<String, Vendor> vendors) {
        this.keys = keys;
        this.hasher = hasher;
        this.lifetimes = lifetimes;
        this.vendors = Map.copyOf(vendors);
    }

    /** A freshly issued key and the only copy of its text that will ever be shown. */
    record Issued(VaultKey key, String text) {
    }

    Issued issue(JsonInput in) {
        String vendor = required(in, "vendor");
        if (!vendors.containsKey(vendor)) {
            throw new AdminInputException("vendor", "unknown vendor; this gateway serves " + String.join(", ", vendors.keySet().stream().sorted().toList()));
        }
        String agentName = name(in, "agent_name", true);
        String agentRunId = name(in, "agent_run_id", false);
        Instant expiresAt = null;
        Long expiresInMicros = null;
        String expiresIn = in.text("expires_in");
        String expiresAtText = in.text("expires_at");
        if (expiresIn != null && expiresAtText != null) {
            throw new AdminInputException("expires_at", "give expires_in or expires_at, not both");
        }
        if (expiresAtText != null) {
            expiresAt = instant("expires_at", expiresAtText);
            Duration left = Duration.between(Instant.now(), expiresAt);
            if (left.isNegative() || left.isZero()) {
                throw new AdminInputException("expires_at", "must be in the future");
            }
            if (left.compareTo(lifetimes.maxExpiresIn()) > 0) {
                throw new AdminInputException("expires_at", "must be within " + lifetimes.maxExpiresIn() + " from now");
            }
        } else {
            Duration lifetime = expiresIn == null ? lifetimes.defaultExpiresIn() : duration("expires_in", expiresIn);
            if (lifetime.compareTo(lifetimes.maxExpiresIn()) > 0) {
                throw new AdminInputException("expires_in", "must not be longer than " + lifetimes.maxExpiresIn());
            }
            expiresInMicros = lifetime.toNanos() / 1_000;
        }
        BigDecimal dailyCap = usd(in, "daily_usd_cap");
        BigDecimal runCap = usd(in, "run_usd_cap");
        String policy = jsonObject(in, "policy", MAX_POLICY_BYTES);
        if (policy != null) {
            try {
                PolicyParser.parse(in.object("policy"), vendors.get(vendor).catalog());
            } catch (PolicyException e) {
                throw new AdminInputException(e.path(), e.getMessage().substring(e.path().length() + 2));
            }
        }
        String metadata = jsonObject(in, "metadata", MAX_METADATA_BYTES);

        PresentedKey generated = format.generate();
        keys.insert(new NewVaultKey(generated.id(), hasher.hash(generated.secret()), agentName, agentRunId, vendor,
                policy, dailyCap, runCap, expiresAt, expiresInMicros, metadata));
        VaultKey stored = keys.find(generated.id()).orElseThrow(() -> new IllegalStateException("issued key not readable"));
        return new Issued(stored, generated.text());
    }

    Optional<VaultKey> get(String id) {
        return VaultKeyFormat.isKeyId(id) ? keys.find(id) : Optional.empty();
    }

    /** @return the key after the revoke, or empty when it does not exist */
    Optional<VaultKey> revoke(String id, JsonInput in) {
        String reason = in.text("reason");
        if (reason != null && reason.length() > MAX_REASON) {
            throw new AdminInputException("reason", "must be at most " + MAX_REASON + " characters");
        }
        if (!VaultKeyFormat.isKeyId(id)) {
            return Optional.empty();
        }
        keys.revoke(id, reason == null || reason.isBlank() ? "revoked by admin" : reason.strip());
        return keys.find(id);
    }

    Page<VaultKey> list(QueryParams params) {
        String state = params.text("state");
        if (state != null) {
            try {
                KeyState.fromWire(state);
            } catch (IllegalArgumentException e) {
                throw new AdminInputException("state", e.getMessage());
            }
        }
        int limit = params.limit();
        Cursor.KeyPosition after = params.text("cursor") == null ? null : Cursor.decodeKey(params.text("cursor"));
        List<VaultKey> rows = keys.list(new KeyQuery(params.text("agent_name"), params.text("agent_run_id"),
                params.text("vendor"), state, after == null ? null : after.createdAt(), after == null ? null : after.id(),
                limit + 1));
        return Page.of(rows, limit, last -> Cursor.encodeKey(last.createdAt(), last.id()));
    }

    private static String required(JsonInput in, String field) {
        String value = in.text(field);
        if (value == null || value.isBlank()) {
            throw new AdminInputException(field, "is required");
        }
        return value;
    }

    private static String name(JsonInput in, String field, boolean required) {
        return checkedName(field, required ? required(in, field) : in.text(field));
    }

    /** An agent name or run id as given (null stays null), if it is one a key could have. */
    static String checkedName(String field, String value) {
        if (value != null && !NAME.matcher(value).matches()) {
            throw new AdminInputException(field, "must be 1-128 characters: letters, digits and . _ : @ / - (starting with a letter or digit)");
        }
        return value;
    }

    private static Duration duration(String field, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new AdminInputException(field, e.getMessage());
        }
    }

    static Instant instant(String field, String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new AdminInputException(field, "must be an ISO-8601 time with an offset, such as 2026-12-01T18:00:00Z");
        }
    }

    private static BigDecimal usd(JsonInput in, String field) {
        String text = in.text(field);
        if (text == null) {
            return null;
        }
        try {
            return Usd.parse(text);
        } catch (IllegalArgumentException e) {
            throw new AdminInputException(field, e.getMessage());
        }
    }

    private static String jsonObject(JsonInput in, String field, int maxBytes) {
        ObjectNode object = in.object(field);
        if (object == null) {
            return null;
        }
        String text = Json.text(object);
        if (text.length() > maxBytes) {
            throw new AdminInputException(field, "must be at most " + maxBytes + " bytes of JSON");
        }
        return text;
    }
}
