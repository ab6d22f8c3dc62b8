package io.keyward.request;

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
 * {@code +} is a space, every {@code %XX} must be valid, the bytes must be valid UTF-8 and names
 * must have well-formed brackets. Whatever a lenient vendor parser might read differently is
 * refused instead of guessed.
 */
final class FormParser {
    private FormParser() {
    }

    static List<Param> parse(String text, Param.Source source) {
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
            try {
                params.add(new Param(source, ParamName.ofForm(name), value));
            } catch (IllegalArgumentException e) {
                throw malformed(source, "a parameter name with unbalanced brackets");
            }
        }
        return params;
    }

    static String decode(String text, Param.Source source) {
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
            } else if (c < 0x20 || c == 0x7f || c > 0x7e) {
                throw malformed(source, "a raw control or non-ASCII character");
            } else {
                bytes.write(c);
            }
        }
        return utf8(bytes.toByteArray(), source);
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
