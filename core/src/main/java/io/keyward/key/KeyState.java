package io.keyward.key;

import java.util.Locale;

/** The lifecycle state shown by the admin API and used to filter key listings. */
public enum KeyState {
    ACTIVE, REVOKED, EXPIRED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException when the text names no state */
    public static KeyState fromWire(String text) {
        for (KeyState s : values()) {
            if (s.wire().equals(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("must be one of active, revoked, expired");
    }
}
