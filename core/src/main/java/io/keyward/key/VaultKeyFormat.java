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

    /** A run that may spell a vault key, raw or percent-encoded ({@code kw_...}, {@code kw%5F...}). */
    private static final Pattern CANDIDATE = Pattern.compile("kw(?:_|%5[Ff])(?:[0-9A-Za-z_]|%[0-9A-Fa-f]{2})+");
    private static final int SHORTEST_TO_SCRUB = PREFIX.length() + ID_CHARS;

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

    /** Whether the text has the shape of a public key id (used to reject junk ids before any lookup). */
    public static boolean isKeyId(String text) {
        return text != null && ID_SHAPE.matcher(text).matches();
    }

    /**
     * The text with every vault key in it (raw or percent-encoded) replaced by its public id:
     * {@code kw_<id>_[redacted]}. For whatever an agent chose that is written down (a path, a
     * reason, an idempotency key): twilio-java, for one, puts its username, the vault key, in the path.
     */
    public static String scrub(String text) {
        if (text == null || !text.contains("kw")) {
            return text;
        }
        Matcher m = CANDIDATE.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int last = 0;
        while (m.find()) {
            String decoded = percentDecoded(m.group());
            if (decoded.length() < SHORTEST_TO_SCRUB) {
                continue;
            }
            String id = decoded.substring(PREFIX.length(), PREFIX.length() + ID_CHARS);
            out.append(text, last, m.start()).append(PREFIX).append(isKeyId(id) ? id + "_" : "").append("[redacted]");
            last = m.end();
        }
        return last == 0 ? text : out.append(text, last, text.length()).toString();
    }

    private static String percentDecoded(String run) {
        StringBuilder out = new StringBuilder(run.length());
        for (int i = 0; i < run.length(); i++) {
            char c = run.charAt(i);
            if (c == '%' && i + 2 < run.length()) {
                out.append((char) Integer.parseInt(run.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.append(c);
            }
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
