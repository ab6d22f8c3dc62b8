package io.keyward.request;

import io.keyward.decision.Code;
import io.keyward.decision.Refusal;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * Decodes a compressed request body when the config allows it, never past the body limit: a zip
 * bomb stops at the limit as a 413 and is never inflated in full.
 */
final class BodyDecoder {
    private BodyDecoder() {
    }

    static byte[] decode(byte[] body, String contentEncoding, int maxBytes) {
        String encoding = contentEncoding.strip().toLowerCase(Locale.ROOT);
        try (InputStream in = switch (encoding) {
            case "gzip", "x-gzip" -> new GZIPInputStream(new ByteArrayInputStream(body));
            case "deflate" -> new InflaterInputStream(new ByteArrayInputStream(body));
            default -> throw new Refusal(Code.DENIED_MALFORMED, 415,
                    "request bodies encoded as '" + (encoding.matches("[a-z0-9-]{1,20}") ? encoding : "?") + "' are not accepted", "request.content_encoding");
        }) {
            byte[] decoded = in.readNBytes(maxBytes);
            if (decoded.length == maxBytes && in.read() != -1) {
                throw new Refusal(Code.DENIED_TOO_LARGE, 413, "the decoded request body is larger than " + maxBytes + " bytes", "request.body");
            }
            return decoded;
        } catch (IOException e) {
            throw new Refusal(Code.DENIED_MALFORMED, 400, "the compressed request body does not decode", "request.content_encoding");
        }
    }
}
