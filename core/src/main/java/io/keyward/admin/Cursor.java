package io.keyward.admin;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/** Opaque page cursors: base64url of the last row's sort position. */
final class Cursor {
    private Cursor() {
    }

    record KeyPosition(Instant createdAt, String id) {
    }

    static String encodeKey(Instant createdAt, String id) {
        return encode(createdAt.getEpochSecond() + "." + createdAt.getNano() + ":" + id);
    }

    static KeyPosition decodeKey(String cursor) {
        String text = decode(cursor);
        try {
            int colon = text.indexOf(':');
            String[] time = text.substring(0, colon).split("\\.");
            return new KeyPosition(Instant.ofEpochSecond(Long.parseLong(time[0]), Long.parseLong(time[1])),
                    text.substring(colon + 1));
        } catch (RuntimeException e) {
            throw invalid();
        }
    }

    static String encodeCall(long id) {
        return encode("c" + id);
    }

    static long decodeCall(String cursor) {
        String text = decode(cursor);
        try {
            if (!text.startsWith("c")) {
                throw invalid();
            }
            return Long.parseLong(text.substring(1));
        } catch (NumberFormatException e) {
            throw invalid();
        }
    }

    private static String encode(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
    }

    private static AdminInputException invalid() {
        return new AdminInputException("cursor", "is not a cursor this API returned");
    }
}
