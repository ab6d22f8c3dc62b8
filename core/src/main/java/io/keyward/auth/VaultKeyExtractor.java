package io.keyward.auth;

import io.keyward.decision.Code;
import io.keyward.decision.Refusal;
import io.keyward.key.PresentedKey;
import io.keyward.key.VaultKeyFormat;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds the vault key in the {@code Authorization} header: {@code Bearer kw_...}, or HTTP Basic
 * where either the username (Stripe's style; twilio-java's account SID) or the password carries the
 * {@code kw_} prefix. Messages never quote what was presented: it may be a real vendor key sent by
 * mistake.
 */
public final class VaultKeyExtractor {
    private static final String HOW = "send Authorization: Bearer kw_... (or the vault key as a Basic username or password)";

    private VaultKeyExtractor() {
    }

    public static PresentedKey extract(List<String> authorizationHeaders) {
        if (authorizationHeaders.isEmpty()) {
            throw unknown("no vault key: " + HOW);
        }
        if (authorizationHeaders.size() > 1) {
            throw new Refusal(Code.DENIED_MALFORMED, "more than one Authorization header");
        }
        String candidate = candidate(authorizationHeaders.get(0));
        if (!candidate.startsWith(VaultKeyFormat.PREFIX)) {
            throw unknown("the credential is not a Keyward vault key (kw_...): " + HOW);
        }
        return VaultKeyFormat.parse(candidate)
                .orElseThrow(() -> unknown("malformed vault key (wrong length, characters or checksum)"));
    }

    /**
     * Whether the headers present something meant as a vault key ({@code kw_...}, well-formed or
     * not), so that a path without a vendor prefix is a call for the key's vendor rather than a
     * path Keyward does not serve.
     */
    public static boolean presentsVaultKey(List<String> authorizationHeaders) {
        return authorizationHeaders.stream().anyMatch(header -> {
            try {
                return candidate(header).startsWith(VaultKeyFormat.PREFIX);
            } catch (Refusal notAKey) {
                return false;
            }
        });
    }

    private static String candidate(String authorization) {
        String header = authorization.strip();
        int space = header.indexOf(' ');
        String scheme = (space < 0 ? header : header.substring(0, space)).toLowerCase(Locale.ROOT);
        String credentials = space < 0 ? "" : header.substring(space + 1).strip();
        return switch (scheme) {
            case "bearer" -> credentials;
            case "basic" -> fromBasic(credentials);
            default -> throw unknown("unsupported Authorization scheme: " + HOW);
        };
    }

    private static String fromBasic(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw unknown("Basic credentials are not valid base64");
        }
        int colon = decoded.indexOf(':');
        String user = colon < 0 ? decoded : decoded.substring(0, colon);
        String password = colon < 0 ? "" : decoded.substring(colon + 1);
        return Optional.of(user).filter(u -> u.startsWith(VaultKeyFormat.PREFIX))
                .or(() -> Optional.of(password).filter(p -> p.startsWith(VaultKeyFormat.PREFIX)))
                .orElseThrow(() -> unknown("no vault key in the Basic credentials: " + HOW));
    }

    private static Refusal unknown(String message) {
        return new Refusal(Code.DENIED_UNKNOWN_KEY, message);
    }
}
