package io.keyward.decision;

import java.security.SecureRandom;

/** Keyward's own request ids ({@code kwr_} + 22 base62 characters), sent as X-Keyward-Request-Id and audited. */
public final class RequestIds {
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private RequestIds() {
    }

    public static String next() {
        char[] out = new char[22];
        for (int i = 0; i < out.length; i++) {
            out[i] = BASE62.charAt(RANDOM.nextInt(62));
        }
        return "kwr_" + new String(out);
    }
}
