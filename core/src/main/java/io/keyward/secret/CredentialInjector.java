package io.keyward.secret;

import io.keyward.route.Route;
import io.keyward.vendor.VendorProfile;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts the real vendor credential on a call. The agent's own {@code Authorization} never travels
 * on (the forward step drops it); this is the only place that reads a vendor secret.
 */
public final class CredentialInjector {
    // twilio-java puts its username in the path; with a vault key as username the agent's path
    // carries the vault key, so the segment is always replaced with the real account SID.
    private static final Pattern TWILIO_ACCOUNT = Pattern.compile("^(/2010-04-01/Accounts/)([^/]+?)(\\.json|\\.xml)?(/.*)?$");

    /** @param secret the vendor's secret in force now ({@link VendorSecrets#current}) */
    public UpstreamCredential credentialFor(Route route, io.keyward.config.Secret secret) {
        VendorProfile vendor = route.vendor();
        return switch (vendor.credentialStyle()) {
            case BEARER -> new UpstreamCredential("Bearer " + secret.reveal(), route.upstreamPath());
            case TWILIO_BASIC -> new UpstreamCredential(basic(vendor.basicUsername(), secret.reveal()), twilioPath(route));
        };
    }

    private static String twilioPath(Route route) {
        if (!route.upstreamBase().equals(route.vendor().baseUrl())) {
            return route.upstreamPath();
        }
        Matcher m = TWILIO_ACCOUNT.matcher(route.upstreamPath());
        if (!m.matches()) {
            return route.upstreamPath();
        }
        return m.group(1) + route.vendor().accountSid() + (m.group(3) == null ? "" : m.group(3))
                + (m.group(4) == null ? "" : m.group(4));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
