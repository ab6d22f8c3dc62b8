package io.keyward.samples.fakevendor;

import java.security.SecureRandom;
import java.util.UUID;

/** Fresh ids in each vendor's style: Stripe {@code pi_} + 24 characters, Twilio {@code SM} + 32 hex, Resend UUIDs. */
final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final String HEX = "0123456789abcdef";

    private Ids() {
    }

    static String stripe(String prefix) {
        return prefix + "_" + random(ALPHANUMERIC, 24);
    }

    static String twilio(String prefix) {
        return prefix + random(HEX, 32);
    }

    static String uuid() {
        return UUID.randomUUID().toString();
    }

    static String random(String alphabet, int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
