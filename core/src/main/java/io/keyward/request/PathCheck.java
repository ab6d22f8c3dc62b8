package io.keyward.request;

import io.keyward.contract.Param;
import io.keyward.decision.Code;
import io.keyward.decision.Refusal;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Refuses request paths that different parsers read differently, and decodes the rest into
 * segments. Encoded slashes, backslashes, dots and percent signs, dot segments, empty segments,
 * {@code ;} path parameters, control characters and invalid UTF-8 are all refused: the policy and
 * the vendor must see the same path, and the path must not climb out of the vendor's API.
 */
final class PathCheck {
    private PathCheck() {
    }

    /**
     * The path's segments, decoded, and as sent.
     *
     * @param raw each segment as sent, still percent-encoded: a fixed segment of an operation must be
     *     sent plainly ({@code Account%73} is refused, not read as {@code Accounts})
     */
    record Segments(List<String> decoded, List<String> raw) {
        boolean encoded(int index) {
            return raw.get(index).indexOf('%') >= 0;
        }
    }

    /** @param rawPath the path as sent (percent-encoded), starting with {@code /} */
    static Segments segments(String rawPath) {
        if (rawPath.contains(";")) {
            throw refuse("path parameters (;) are not accepted");
        }
        if (rawPath.contains("\\")) {
            throw refuse("backslashes are not accepted in the path");
        }
        if (rawPath.contains("//")) {
            throw refuse("empty path segments (//) are not accepted");
        }
        List<String> decoded = new ArrayList<>();
        List<String> raw = new ArrayList<>();
        if (rawPath.equals("/")) {
            return new Segments(decoded, raw);
        }
        String[] parts = rawPath.substring(1).split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            String segment = decode(parts[i]);
            if (segment.equals(".") || segment.equals("..")) {
                throw refuse("dot segments are not accepted in the path");
            }
            if (segment.isEmpty() && i < parts.length - 1) {
                throw refuse("empty path segments are not accepted");
            }
            if (!segment.isEmpty() || i < parts.length - 1) {
                decoded.add(segment);
                raw.add(parts[i]);
            }
        }
        return new Segments(List.copyOf(decoded), List.copyOf(raw));
    }

    private static String decode(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 2 < raw.length() ? FormParser.hex(raw.charAt(i + 1)) : -1;
                int lo = hi >= 0 ? FormParser.hex(raw.charAt(i + 2)) : -1;
                if (lo < 0) {
                    throw refuse("the path has an invalid percent-encoding");
                }
                int b = hi * 16 + lo;
                if (b == '/' || b == '\\' || b == '.' || b == '%' || b == ';') {
                    throw refuse("encoded / \\ . % or ; is not accepted in the path");
                }
                if (b < 0x20 || b == 0x7f) {
                    throw refuse("control characters are not accepted in the path");
                }
                bytes.write(b);
                i += 2;
            } else if (c < 0x21 || c > 0x7e) {
                throw refuse("raw control, space or non-ASCII characters are not accepted in the path");
            } else {
                bytes.write(c);
            }
        }
        try {
            return FormParser.utf8(bytes.toByteArray(), Param.Source.PATH);
        } catch (Refusal e) {
            throw refuse("the path is not valid UTF-8");
        }
    }

    static Refusal refuse(String message) {
        return new Refusal(Code.DENIED_MALFORMED, 400, message, "request.path");
    }
}
