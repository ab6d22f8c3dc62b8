package io.keyward.secret;

import io.keyward.config.Secret;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks real vendor secrets in what a vendor sends back, before it reaches the agent, without ever
 * teaching the agent anything about a secret.
 *
 * <p>Masking that reacts to short pieces of a secret is an oracle: an agent plants candidates in a
 * field the vendor echoes and sees which one comes back masked. So the part of a secret after its
 * public prefix ({@code sk_live_}, {@code re_}) is covered by <em>tiles</em> of {@value #TILE}
 * characters, one every {@value #TILE}/4 from its end and one at its start: to make a tile match, an
 * agent would have to guess {@value #TILE} unknown characters at once (62<sup>24</sup> tries for a
 * base62 key, 16<sup>24</sup> for a hex token). An agent that somehow already knew 18 characters of
 * the secret would still have to guess the next 6 at once (62<sup>6</sup> or 16<sup>6</sup> tries,
 * each a rate-limited call): the dense tiles are what make a long partial echo be masked.
 * When a tile appears, the whole span where that spelling of the secret would lie is masked,
 * whatever those bytes are, so what is masked never depends on bytes the agent chose. A vendor
 * echoing a whole secret, or any 29 consecutive characters of its random part, has it masked; a
 * shorter fragment (such as Stripe's own {@code sk_live_...abcd}) passes.
 *
 * <p>Every spelling Keyward sends a secret in is covered: the raw secret, URL-encoded and
 * JSON-escaped ({@code \}{@code uXXXX}, hex in either case), upper- and lower-cased, base64 (both
 * alphabets) of the secret and of {@code secret:}, and an HTTP Basic {@code Authorization} value,
 * base64 of {@code user:secret} (also with JSON's {@code \/}). Spellings Keyward never sends and a
 * vendor does not write (HTML entities, a line break inside a key, escaping of only some
 * characters) are not covered. Masks are as long as what
 * they cover, so {@code Content-Length} stays true and bodies stream: only a bounded tail is held back.
 */
public final class SecretRedactor {
    /** Unknown characters an agent would have to guess at once to make anything be masked. */
    static final int TILE = 24;
    /** Base64 characters of 24 bytes: a tile of a Basic credential. */
    private static final int BASE64_TILE = 32;
    /** Bytes hashed to find where a tile may start; every tile is at least this long. */
    private static final int ANCHOR = 12;
    private static final Pattern PUBLIC_PREFIX = Pattern.compile("^(?:[a-z]{2,8}_){1,2}");
    private static final String BASIC = "Basic ";

    /** One spelling of one secret. */
    private record Form(byte[] bytes) {
    }

    /** A tile of a form: {@code length} bytes from {@code offset}. */
    private record Tile(Form form, int offset, int length) {
        boolean matches(byte[] text, int at, int textLength) {
            if (at + length > textLength) {
                return false;
            }
            for (int i = 0; i < length; i++) {
                if (text[at + i] != form.bytes()[offset + i]) {
                    return false;
                }
            }
            return true;
        }
    }

    private final Map<Long, List<Tile>> byAnchor = new ConcurrentHashMap<>();
    /** How far back of a tile, and forward of it, its form can reach: what a stream must hold back. */
    private volatile int longestForm;
    private volatile int longestTile = ANCHOR;

    public SecretRedactor(Collection<Secret> secrets) {
        secrets.forEach(this::add);
    }

    /** Masks this secret from now on (a rotated-in one; the old one stays masked), in its plain spellings. */
    public void add(Secret secret) {
        add(secret, null);
    }

    /**
     * Masks this secret from now on, in its plain spellings and in the {@code Authorization} value
     * Keyward sends it in.
     *
     * @param authorization that value when it is HTTP Basic ({@code Bearer <secret>} is covered by
     *     the raw spelling), or null
     */
    public synchronized void add(Secret secret, String authorization) {
        String raw = secret.reveal();
        int publicChars = publicPrefixLength(raw);
        List<int[]> tiles = tiles(publicChars, raw.length(), TILE);
        register(raw, tiles, i -> String.valueOf(raw.charAt(i)));
        register(raw, tiles, i -> urlEncoded(raw.charAt(i), true));
        register(raw, tiles, i -> urlEncoded(raw.charAt(i), false));
        register(raw, tiles, i -> String.format("\\u%04X", (int) raw.charAt(i)));
        register(raw, tiles, i -> String.format("\\u%04x", (int) raw.charAt(i)));
        // Hex tokens read the same in either case, and a vendor may print any key upper-cased.
        register(raw, tiles, i -> raw.substring(i, i + 1).toUpperCase(Locale.ROOT));
        register(raw, tiles, i -> raw.substring(i, i + 1).toLowerCase(Locale.ROOT));
        // Base64 of the secret alone, and of "secret:" (Stripe's documented Basic form), both alphabets.
        byte[] rawBytes = raw.getBytes(StandardCharsets.UTF_8);
        for (String suffix : List.of("", ":")) {
            byte[] plain = (raw + suffix).getBytes(StandardCharsets.UTF_8);
            for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
                registerBase64(encoder.encodeToString(plain), 0, publicChars, rawBytes.length);
            }
        }
        if (authorization != null && authorization.startsWith(BASIC)) {
            byte[] credentials = Base64.getDecoder().decode(authorization.substring(BASIC.length()));
            // The account or key SID and ':' come before the secret: public, like its own prefix.
            int before = credentials.length - rawBytes.length;
            registerBase64(authorization, BASIC.length(), before + publicChars, credentials.length);
        }
    }

    /**
     * Registers {@code encoded} (whose base64 text starts at {@code from}) and its JSON spelling
     * ({@code \/}), tiled after the characters fixed by the first {@code publicBytes} of what it
     * encodes: those are public, so a tile holding them would teach nothing and could be planted.
     */
    private void registerBase64(String encoded, int from, int publicBytes, int encodedBytes) {
        if (encodedBytes - publicBytes < ANCHOR) {
            return; // as for the raw spelling: a part this short is no secret worth a tile
        }
        int fixed = from + publicBytes / 3 * 4 + publicBytes % 3;
        List<int[]> base64Tiles = tiles(fixed, encoded.length(), BASE64_TILE);
        register(encoded, base64Tiles, i -> String.valueOf(encoded.charAt(i)));
        register(encoded, base64Tiles, i -> encoded.charAt(i) == '/' ? "\\/" : String.valueOf(encoded.charAt(i)));
    }

    private static int publicPrefixLength(String raw) {
        Matcher m = PUBLIC_PREFIX.matcher(raw);
        return m.find() ? m.end() : 0;
    }

    /** A header value, a header name, or any text, with every secret form that has a tile in it masked. */
    public String redact(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        boolean[] mask = new boolean[bytes.length];
        if (!mark(bytes, bytes.length, 0, mask)) {
            return text;
        }
        apply(bytes, mask, bytes.length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Wraps the stream to the agent so every byte written through it is checked first. */
    public OutputStream redacting(OutputStream out) {
        return new Redacting(out);
    }

    /**
     * Tiles of {@code size} characters, one every {@code size / 4} counted back from {@code end},
     * plus one at {@code start}, none reaching before {@code start}: any run of
     * {@code size + size / 4 - 1} characters of the part holds a whole tile. To learn anything an
     * agent must guess a whole tile; one who already knows a stretch must still guess the
     * {@code size / 4} characters past it at once. When the part is shorter
     * than a tile (a weak secret), all of it is the one tile.
     */
    private static List<int[]> tiles(int start, int end, int size) {
        List<int[]> tiles = new ArrayList<>();
        for (int to = end; to - size >= start; to -= size / 4) {
            tiles.add(new int[] {to - size, to});
        }
        if (end - start >= size && tiles.stream().noneMatch(t -> t[0] == start)) {
            tiles.add(new int[] {start, start + size});
        }
        if (tiles.isEmpty() && end - start >= ANCHOR) {
            tiles.add(new int[] {start, end});
        }
        return tiles;
    }

    private static String urlEncoded(char c, boolean upperHex) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
            return String.valueOf(c);
        }
        StringBuilder out = new StringBuilder();
        for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
            String hex = String.format("%02X", b & 0xff);
            out.append('%').append(upperHex ? hex : hex.toLowerCase(java.util.Locale.ROOT));
        }
        return out.toString();
    }

    /**
     * Registers the spelling of {@code text} that writes character {@code i} as {@code spell(i)},
     * with its tiles where the character tiles fall in it.
     */
    private void register(String text, List<int[]> charTiles, IntFunction<String> spell) {
        StringBuilder spelt = new StringBuilder();
        int[] at = new int[text.length() + 1];
        for (int i = 0; i < text.length(); i++) {
            at[i] = spelt.length();
            spelt.append(spell.apply(i));
        }
        at[text.length()] = spelt.length();
        Form form = new Form(spelt.toString().getBytes(StandardCharsets.UTF_8));
        for (int[] t : charTiles) {
            Tile tile = new Tile(form, at[t[0]], at[t[1]] - at[t[0]]);
            List<Tile> same = byAnchor.computeIfAbsent(hash(form.bytes(), tile.offset()), h -> new CopyOnWriteArrayList<>());
            if (same.stream().noneMatch(other -> Arrays.equals(other.form().bytes(), form.bytes()) && other.offset() == tile.offset())) {
                same.add(tile);
            }
            longestTile = Math.max(longestTile, tile.length());
        }
        longestForm = Math.max(longestForm, form.bytes().length);
    }

    /**
     * Marks, in {@code mask}, the span of the form of every tile that starts at {@code from} or later
     * and lies wholly in the first {@code length} bytes; parts of a span past the mask are dropped
     * here (the stream carries them). @return whether any tile was found
     */
    private boolean mark(byte[] text, int length, int from, boolean[] mask) {
        boolean found = false;
        for (int p = Math.max(0, from); p + ANCHOR <= length; p++) {
            List<Tile> candidates = byAnchor.get(hash(text, p));
            if (candidates == null) {
                continue;
            }
            for (Tile tile : candidates) {
                if (tile.matches(text, p, length)) {
                    int start = p - tile.offset();
                    Arrays.fill(mask, Math.max(0, start), Math.min(mask.length, start + tile.form().bytes().length), true);
                    found = true;
                }
            }
        }
        return found;
    }

    private static long hash(byte[] bytes, int from) {
        long h = 1_469_598_103_934_665_603L;
        for (int i = 0; i < ANCHOR; i++) {
            h = (h ^ (bytes[from + i] & 0xff)) * 1_099_511_628_211L;
        }
        return h;
    }

    private static void apply(byte[] bytes, boolean[] mask, int length) {
        for (int i = 0; i < length; i++) {
            if (mask[i]) {
                bytes[i] = '*';
            }
        }
    }

    /**
     * Holds back the last {@code longestForm + longestTile} bytes: no tile can still start before
     * them, and no form found later can reach back past them.
     */
    private final class Redacting extends FilterOutputStream {
        private byte[] pending = new byte[0];
        /** Which pending bytes (and, past their end, which bytes to come) lie in a found form. */
        private boolean[] pendingMask = new boolean[0];
        /** Tile starts before this index of {@code pending} were already searched with a full tile behind them. */
        private int searched;

        Redacting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            byte[] all = Arrays.copyOf(pending, pending.length + len);
            System.arraycopy(b, off, all, pending.length, len);
            int hold = Math.min(all.length, longestForm + longestTile);
            // Room for a form found at the end to reach into bytes still to come.
            boolean[] mask = Arrays.copyOf(pendingMask, Math.max(pendingMask.length, all.length + longestForm));
            mark(all, all.length, searched, mask);
            searched = Math.max(searched, all.length - longestTile + 1);
            int send = all.length - hold;
            apply(all, mask, send);
            out.write(all, 0, send);
            pending = Arrays.copyOfRange(all, send, all.length);
            pendingMask = Arrays.copyOfRange(mask, send, mask.length);
            searched = Math.max(0, searched - send);
        }

        @Override
        public void flush() throws IOException {
            apply(pending, pendingMask, pending.length);
            out.write(pending);
            pendingMask = Arrays.copyOfRange(pendingMask, pending.length, pendingMask.length);
            pending = new byte[0];
            searched = 0;
            out.flush();
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
