package io.keyward.request;

import io.keyward.contract.Param;
import io.keyward.contract.ParamName;
import io.keyward.contract.ParamReading;
import io.keyward.decision.Code;
import io.keyward.decision.Refusal;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Strict {@code application/x-www-form-urlencoded} decoding, for bodies and query strings alike:
 * {@code +} is a space, every {@code %XX} must be valid, the bytes must be valid UTF-8, and only
 * {@code &} separates pairs: a raw {@code ;} or space is refused, since older Rack servers split
 * on {@code ;} and skip spaces after a separator, and would see a parameter Keyward did not. Names
 * are read as the vendor reads them: nested in brackets for Stripe, every bracket well formed and
 * none empty ({@code a[]} pushes onto a list, in an order a policy cannot pin down), or one flat
 * name without brackets for Twilio. Whatever a lenient parser might read differently is refused
 * instead of guessed.
 */
final class FormParser {
    private FormParser() {
    }

    /** As deep as a JSON body may nest: no vendor API nests further. */
    static final int MAX_DEPTH = 32;

    static List<Param> parse(String text, Param.Source source, ParamReading reading) {
        List<Param> params = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return params;
        }
        for (String pair : text.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), source);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), source);
            if (name.isEmpty()) {
                throw malformed(source, "a parameter without a name");
            }
            params.add(new Param(source, reading.nestedNames() ? nested(name, source) : flat(name, source), value));
        }
        return params;
    }

    /** Twilio's kind of name: one flat name, no brackets. */
    private static ParamName flat(String name, Param.Source source) {
        if (!plain(name)) {
            throw malformed(source, "a parameter name with characters this vendor does not use in names (brackets, spaces...)");
        }
        return ParamName.of(name);
    }

    /** Stripe's (Rack's) kind of name: {@code first[a][b]}, every bracket closed, none empty, at most 32 deep. */
    private static ParamName nested(String name, Param.Source source) {
        ParamName parsed;
        try {
            parsed = ParamName.ofForm(name);
        } catch (IllegalArgumentException e) {
            throw malformed(source, "a parameter name with unbalanced brackets");
        }
        if (!plain(parsed.segments().get(0))) {
            throw malformed(source, "a parameter name with characters this vendor does not use in names (spaces, quotes...)");
        }
        if (parsed.segments().size() > MAX_DEPTH) {
            throw malformed(source, "a parameter name nested deeper than " + MAX_DEPTH + " levels");
        }
        for (String segment : parsed.segments()) {
            if (segment.isEmpty()) {
                throw malformed(source, "an empty bracket pair ([]) in a parameter name: send list items with their index ([0], [1] ...)");
            }
        }
        return parsed;
    }

    /** {@code [A-Za-z0-9_.<>-]+}: the characters vendors use in top-level names. */
    private static boolean plain(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '_' || c == '.' || c == '-' || c == '<' || c == '>';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static String decode(String text, Param.Source source) {
        if (plainText(text, source)) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                if (i + 2 >= text.length() || hex(text.charAt(i + 1)) < 0 || hex(text.charAt(i + 2)) < 0) {
                    throw malformed(source, "an invalid percent-encoding");
                }
                bytes.write(hex(text.charAt(i + 1)) * 16 + hex(text.charAt(i + 2)));
                i += 2;
            } else if (c <= 0x20 || c == 0x7f || c > 0x7e) {
                throw malformed(source, "a raw space, control or non-ASCII character");
            } else if (c == ';') {
                throw malformed(source, "a raw ';' (some servers split parameters on it): send it as %3B");
            } else {
                bytes.write(c);
            }
        }
        return utf8(bytes.toByteArray(), source);
    }

    /** Whether the text decodes to itself (no {@code %}, no {@code +}); refuses what no form may hold raw. */
    private static boolean plainText(String text, Param.Source source) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' || c == '+') {
                return false;
            }
            if (c <= 0x20 || c == 0x7f || c > 0x7e) {
                throw malformed(source, "a raw space, control or non-ASCII character");
            }
            if (c == ';') {
                throw malformed(source, "a raw ';' (some servers split parameters on it): send it as %3B");
            }
        }
        return true;
    }

    static String utf8(byte[] bytes, Param.Source source) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw malformed(source, "bytes that are not valid UTF-8");
        }
    }

    static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static Refusal malformed(Param.Source source, String what) {
        return new Refusal(Code.DENIED_MALFORMED, 400, "the " + source.name().toLowerCase(java.util.Locale.ROOT)
                + " has " + what, "request." + source.name().toLowerCase(java.util.Locale.ROOT));
    }
}
