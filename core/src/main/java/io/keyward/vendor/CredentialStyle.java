package io.keyward.vendor;

/** How a vendor expects the real credential. */
public enum CredentialStyle {
    /** {@code Authorization: Bearer <secret>} (Stripe, Resend). */
    BEARER,
    /**
     * HTTP Basic {@code AccountSid:AuthToken} or {@code ApiKeySid:secret}, with the
     * {@code /Accounts/{Sid}/} path segment set to the real account (Twilio).
     */
    TWILIO_BASIC
}
