package io.keyward.forward;

import java.util.Locale;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;

/** Which content encodings of a vendor's answer Keyward can read, so it can check every byte for an echoed secret. */
final class ContentEncoding {
    private ContentEncoding() {
    }

    /**
     * The vendor's one {@code Content-Encoding}, lower-cased ({@code ""} for none), or null when it
     * sent the header more than once: an agent's HTTP client joins repeated headers into a list and
     * decodes every layer, so reading only the first would pass a layer Keyward never looked into.
     */
    static String of(HttpResponse response) {
        Header[] all = response.getHeaders("Content-Encoding");
        if (all.length > 1) {
            return null;
        }
        return all.length == 0 || all[0].getValue() == null ? "" : all[0].getValue().strip().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether Keyward can decode the vendor's answer to check it: none, identity, or one layer of
     * gzip or deflate. Stacked layers ({@code gzip, gzip}, or two headers) and anything else are not read.
     */
    static boolean readable(String encoding) {
        return encoding != null && (encoding.isEmpty() || encoding.equals("identity") || encoding.equals("gzip")
                || encoding.equals("x-gzip") || encoding.equals("deflate"));
    }

    /** Whether the body must be inflated before the agent (and the masker) see it. */
    static boolean compressed(String encoding) {
        return !encoding.isEmpty() && !encoding.equals("identity");
    }
}
