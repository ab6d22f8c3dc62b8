package io.keyward.key;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The vault key's text form: {@code kw_} + a 16-character public id + {@code _} + 32 base62
 * characters of secret (190 bits) + a 6-character checksum.
 *
 * <p>The checksum lets a typo or a truncated key be refused without a database round trip, and the
 * {@code kw_} prefix lets the gateway (and secret scanners) tell a vault key from a vendor key.
 */
public final class VaultKeyFormat {
    public static final String PREFIX = "kw_";
    static final int ID_CHARS = 16;
    static final int SECRET_CHARS = 32;
    static final int CHECKSUM_CHARS = 6;
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final String ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
    private static final Pattern SHAPE = Pattern.compile(
            "kw_([0-9a-z]{" + ID_CHARS + "})_([0-9A-Za-z]{" + SECRET_CHARS + "})([0-9A-Za-z]{" + CHECKSUM_CHARS + "})");
    private static final Pattern ID_SHAPE = Pattern.compile("[0-9a-z]{" + ID_CHARS + "}");

    private static final int SHORTEST_TO_SCRUB = PREFIX.length() + ID_CHARS;
    /** Percent-encoding nested deeper than this is not unwrapped further; such text is not kept. */
    private static final int MAX_ENCODING_LEVELS = 8;

    private final SecureRandom random;

    public VaultKeyFormat(SecureRandom random) {
        this.random = random;
    }

    /** A new key; its text is shown to the caller once and only its hash is kept. */
    public PresentedKey generate() {
        String id = randomText(ID_ALPHABET, ID_CHARS);
        String secret = randomText(BASE62, SECRET_CHARS);
        return new PresentedKey(id, secret, compose(id, secret));
    }

    /** The text of the key with this id and secret, checksum included. */
    public static String compose(String id, String secret) {
        return PREFIX + id + "_" + secret + checksum(id, secret);
    }

    /** The key's parts, or empty when the text is not a well-formed vault key with a valid checksum. */
    public static Optional<PresentedKey> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = SHAPE.matcher(text);
        if (!m.matches() || !checksum(m.group(1), m.group(2)).equals(m.group(3))) {
            return Optional.empty();
        }
        return Optional.of(new PresentedKey(m.group(1), m.group(2), text));
    }

    /**
     * Whether the text holds the start of a vault key ({@code kw_}, a public id, {@code _}), any
     * agent's: a vault key is never sent to a vendor, where it would sit in logs and echoes.
     */
    public static boolean holdsKey(CharSequence text) {
        return holdsKey(text.length(), text::charAt);
    }

    /** {@link #holdsKey(CharSequence)} over bytes (a body), each byte read as one character. */
    public static boolean holdsKey(byte[] bytes) {
        return holdsKey(bytes.length, i -> (char) (bytes[i] & 0xff));
    }

    /** The i-th character of a text or a body, unboxed: bodies run to a mebibyte. */
    private interface CharAt {
        char at(int i);
    }

    private static boolean holdsKey(int length, CharAt text) {
        int shape = PREFIX.length() + ID_CHARS + 1;
        outer:
        for (int i = 0; i + shape <= length; i++) {
            for (int j = 0; j < PREFIX.length(); j++) {
                if (text.at(i + j) != PREFIX.charAt(j)) {
                    continue outer;
                }
            }
            for (int j = PREFIX.length(); j < shape - 1; j++) {
                if (ID_ALPHABET.indexOf(text.at(i + j)) < 0) {
                    continue outer;
                }
            }
            if (text.at(i + shape - 1) == '_') {
                return true;
            }
        }
        return false;
    }

    /** Whether the text has the shape of a public key id (used to reject junk ids before any lookup). */
    public static boolean isKeyId(String text) {
        return text != null && ID_SHAPE.matcher(text).matches();
    }

    /**
     * The text with every vault key in it replaced by its public id: {@code kw_<id>_[redacted]}. For
     * whatever an agent chose that is written down (a path, a reason, an idempotency key): twilio-java,
     * for one, puts its username, the vault key, in the path. A key may be percent-encoded any number
     * of times ({@code %6Bw%5F...}); when one is found the text is kept decoded, with control
     * characters shown as {@code ?}. Linear in the text's length, without regular expressions.
     */
    public static String scrub(String text) {
        if (text == null) {
            return null;
        }
        String plain = text;
        for (int level = 0; plain.indexOf('%') >= 0; level++) {
            String decoded = percentDecoded(plain);
            if (decoded.equals(plain)) {
                break;
            }
            if (level == MAX_ENCODING_LEVELS) {
                return "[text encoded more than " + MAX_ENCODING_LEVELS + " times, not kept]";
            }
            plain = decoded;
        }
        String redacted = redactKeys(plain);
        return redacted == null ? text : printable(redacted);
    }

    /** {@code text} with each {@code kw_} run long enough to be a key redacted, or null when there is none. */
    private static String redactKeys(String text) {
        StringBuilder out = null;
        int last = 0;
        for (int at = text.indexOf(PREFIX); at >= 0; at = text.indexOf(PREFIX, at + 1)) {
            int end = at + PREFIX.length();
            while (end < text.length() && isKeyChar(text.charAt(end))) {
                end++;
            }
            if (end - at < SHORTEST_TO_SCRUB) {
                continue;
            }
            String id = text.substring(at + PREFIX.length(), at + SHORTEST_TO_SCRUB);
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, last, at).append(PREFIX).append(isKeyId(id) ? id + "_" : "").append("[redacted]");
            last = end;
            at = end - 1;
        }
        return out == null ? null : out.append(text, last, text.length()).toString();
    }

    private static boolean isKeyChar(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
    }

    /** One level of {@code %XX} decoding, each byte taken as one character; malformed escapes kept. */
    private static String percentDecoded(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int hi = c == '%' && i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
            int lo = hi >= 0 ? Character.digit(text.charAt(i + 2), 16) : -1;
            if (lo >= 0) {
                out.append((char) (hi * 16 + lo));
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return out.toString();
    }

    private String randomText(String alphabet, int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = alphabet.charAt(random.nextInt(alphabet.length()));
        }
        return new String(out);
    }

    static String checksum(String id, String secret) {
        CRC32 crc = new CRC32();
        crc.update((id + "_" + secret).getBytes(StandardCharsets.US_ASCII));
        long value = crc.getValue();
        char[] out = new char[CHECKSUM_CHARS];
        for (int i = CHECKSUM_CHARS - 1; i >= 0; i--) {
            out[i] = BASE62.charAt((int) (value % 62));
            value /= 62;
        }
        return new String(out);
    }
}
