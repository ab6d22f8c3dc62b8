package io.keyward.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/** The fake "real" vendor secrets and admin token the test gateways are configured with. */
public final class TestSecrets {
    public static final String STRIPE = "sk_test_51QxR7vKp2LmZ9wTbN4hYcJ8dFsEa3Ug";
    public static final String TWILIO_ACCOUNT = "AC11111111111111111111111111111111";
    public static final String TWILIO_TOKEN = "f3a9c2e71b8d4f60a5e2c9b7d1f48e3a";
    public static final String RESEND = "re_Hq8Zt2VbWm5Nk7Xc4Ry9Pj3Ls6Df1Ga";
    public static final String PEPPER = "test-pepper-0123456789-abcdefghijklmnopqrstuvwxyz";
    public static final String ADMIN_TOKEN = "kwadmin_test_token_0123456789abcdefghijklmnop";

    private TestSecrets() {
    }

    public static List<String> vendorSecrets() {
        return List.of(STRIPE, TWILIO_TOKEN, RESEND);
    }

    public static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
