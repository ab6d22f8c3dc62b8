package io.keyward.twilio;

/**
 * SMS segments of a message body, as carriers count them: GSM-7 fits 160 characters in one
 * segment and 153 per segment of a longer message (the extension characters take two); anything
 * outside GSM-7 makes the whole body UCS-2, 70 characters in one segment and 67 per part. A
 * character pair is never split across segments, so the count is never low. Public for the
 * quickstart's fake Twilio, whose {@code num_segments} must be the count Keyward priced.
 */
public final class Segments {
    private static final String GSM_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private static final String GSM_EXTENSION = "^{}\\[~]|€\f";

    private Segments() {
    }

    static boolean isGsm7(String body) {
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (GSM_BASIC.indexOf(c) < 0 && GSM_EXTENSION.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    public static int count(String body) {
        if (body.isEmpty()) {
            return 1;
        }
        boolean gsm = isGsm7(body);
        int single = gsm ? 160 : 70;
        int part = gsm ? 153 : 67;
        int total = 0;
        int[] units = new int[body.length()];
        int n = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (gsm) {
                units[n++] = GSM_EXTENSION.indexOf(c) >= 0 ? 2 : 1;
            } else if (Character.isHighSurrogate(c) && i + 1 < body.length()) {
                units[n++] = 2;
                i++;
            } else {
                units[n++] = 1;
            }
        }
        for (int i = 0; i < n; i++) {
            total += units[i];
        }
        if (total <= single) {
            return 1;
        }
        int segments = 1;
        int used = 0;
        for (int i = 0; i < n; i++) {
            if (used + units[i] > part) {
                segments++;
                used = 0;
            }
            used += units[i];
        }
        return segments;
    }
}
