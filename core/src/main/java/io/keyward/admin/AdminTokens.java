package io.keyward.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyward.json.Json;
import io.keyward.store.AdminTokenRepository;
import io.keyward.store.AdminTokenRow;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Admin tokens with scopes: the bootstrap token of the config file (only its SHA-256 there), which
 * holds {@code admin}, and the tokens made with {@code POST /admin/tokens}, shown once and kept as
 * their SHA-256. A token may only make tokens with scopes it holds itself, so {@code tokens:admin}
 * cannot mint {@code admin}.
 */
final class AdminTokens {
    static final String BOOTSTRAP = "bootstrap";
    static final String PREFIX = "kwadm_";
    /** Base64url characters of a token's 32 random bytes, unpadded. */
    private static final int TOKEN_CHARS = 43;
    static final Set<String> CREATE_FIELDS = Set.of("name", "scopes");
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9._-]{0,31}");
    private final byte[] bootstrapSha256;
    private final AdminTokenRepository tokens;
    private final SecureRandom random = new SecureRandom();

    AdminTokens(byte[] bootstrapSha256, AdminTokenRepository tokens) {
        this.bootstrapSha256 = bootstrapSha256.clone();
        this.tokens = tokens;
    }

    /** The caller a bearer token stands for, if it is a live one. */
    Optional<AdminCaller> caller(String bearer) {
        byte[] hash = sha256(bearer);
        if (MessageDigest.isEqual(hash, bootstrapSha256)) {
            return Optional.of(new AdminCaller(BOOTSTRAP, Set.of(AdminScope.ADMIN)));
        }
        if (!wellFormed(bearer)) {
            return Optional.empty();
        }
        return tokens.live(hash).map(row -> new AdminCaller(row.name(), scopes(row.scopes())));
    }

    /**
     * Whether the text could be a token at all: the bootstrap one, or {@code kwadm_} and 43 base64url
     * characters. Only such text is looked up; anything else is junk, refused without a query.
     */
    boolean mayBeLive(String bearer) {
        return wellFormed(bearer) || MessageDigest.isEqual(sha256(bearer), bootstrapSha256);
    }

    private static boolean wellFormed(String bearer) {
        if (!bearer.startsWith(PREFIX) || bearer.length() != PREFIX.length() + TOKEN_CHARS) {
            return false;
        }
        for (int i = PREFIX.length(); i < bearer.length(); i++) {
            char c = bearer.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** Makes a token; its text is in the answer, and nowhere else ever. */
    ObjectNode create(JsonInput in, AdminCaller creator) {
        String name = in.text("name");
        if (name == null || !NAME.matcher(name).matches() || name.equals(BOOTSTRAP)) {
            throw new AdminInputException("name", "must be 1-32 lower-case letters, digits, '.', '_' or '-' (and not 'bootstrap')");
        }
        JsonNode list = in.raw("scopes");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new AdminInputException("scopes", "must be a non-empty list such as [\"keys:read\"]");
        }
        Set<AdminScope> scopes = EnumSet.noneOf(AdminScope.class);
        for (JsonNode s : list) {
            AdminScope scope = s.isTextual() ? AdminScope.of(s.textValue()).orElse(null) : null;
            if (scope == null) {
                throw new AdminInputException("scopes", "holds an unknown scope; known: "
                        + java.util.Arrays.stream(AdminScope.values()).map(AdminScope::wire).collect(Collectors.joining(", ")));
            }
            if (!creator.may(scope)) {
                throw new AdminScopeException("a token may only make tokens with scopes it holds itself: " + scope.wire());
            }
            scopes.add(scope);
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String wire = scopes.stream().map(AdminScope::wire).collect(Collectors.joining(" "));
        if (!tokens.create(new AdminTokenRow(name, sha256(token), wire, null, creator.name(), null))) {
            throw new AdminConflictException("a token named " + name + " exists; revoke it or choose another name");
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("name", name);
        body.put("token", token);
        ArrayNode out = body.putArray("scopes");
        scopes.forEach(s -> out.add(s.wire()));
        return body;
    }

    ObjectNode list() {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode items = body.putArray("items");
        for (AdminTokenRow row : tokens.all()) {
            ObjectNode item = items.addObject();
            item.put("name", row.name());
            ArrayNode scopes = item.putArray("scopes");
            List.of(row.scopes().split(" ")).forEach(scopes::add);
            item.put("created_at", row.createdAt().toString());
            item.put("created_by", row.createdBy());
            item.put("revoked_at", row.revokedAt() == null ? null : row.revokedAt().toString());
        }
        return body;
    }

    /**
     * Revokes the live token of that name; the revoker must hold every scope it has, as for making
     * one, so {@code tokens:admin} cannot take an {@code admin} token away from the operator.
     *
     * @return false when there is no live token of that name
     */
    boolean revoke(String name, AdminCaller revoker) {
        Optional<AdminTokenRow> row = tokens.all().stream().filter(r -> r.name().equals(name) && r.revokedAt() == null).findFirst();
        if (row.isEmpty()) {
            return false;
        }
        for (AdminScope scope : scopes(row.get().scopes())) {
            if (!revoker.may(scope)) {
                throw new AdminScopeException("a token may only revoke tokens whose scopes it holds itself: " + scope.wire());
            }
        }
        return tokens.revoke(name);
    }

    private static Set<AdminScope> scopes(String wire) {
        Set<AdminScope> out = EnumSet.noneOf(AdminScope.class);
        for (String s : wire.split(" ")) {
            AdminScope.of(s).ifPresent(out::add);
        }
        return out;
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
