package io.keyward.contract;

/** The body an operation takes, which decides the Content-Type Keyward accepts and how it parses it. */
public enum BodyFormat {
    /** {@code application/x-www-form-urlencoded}: Stripe v1 and Twilio. */
    FORM("application/x-www-form-urlencoded"),
    /** {@code application/json}: Resend and Stripe v2. */
    JSON("application/json");

    private final String mediaType;

    BodyFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }
}
