package io.keyward.secret;

import io.keyward.config.Secret;
import io.keyward.secret.TileIndex.Tile;
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
    private static final Pattern PUBLIC_PREFIX = Pattern.compile("^(?:[a-z]{2,8}_){1,2}");
    private static final String BASIC = "Basic ";

    private static final TileIndex.Found NOTHING = (tile, start) -> { };

    /** Replaced whole when a secret is added: a scan reads one consistent index without a lock. */
    private volatile TileIndex index = TileIndex.EMPTY;

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
        List<Tile> added = new ArrayList<>();
        register(added, raw, tiles, i -> String.valueOf(raw.charAt(i)));
        register(added, raw, tiles, i -> urlEncoded(raw.charAt(i), true));
        register(added, raw, tiles, i -> urlEncoded(raw.charAt(i), false));
        register(added, raw, tiles, i -> String.format("\\u%04X", (int) raw.charAt(i)));
        register(added, raw, tiles, i -> String.format("\\u%04x", (int) raw.charAt(i)));
        // Hex tokens read the same in either case, and a vendor may print any key upper-cased.
        register(added, raw, tiles, i -> raw.substring(i, i + 1).toUpperCase(Locale.ROOT));
        register(added, raw, tiles, i -> raw.substring(i, i + 1).toLowerCase(Locale.ROOT));
        // Base64 of the secret alone, and of "secret:" (Stripe's documented Basic form), both alphabets.
        byte[] rawBytes = raw.getBytes(StandardCharsets.UTF_8);
        for (String suffix : List.of("", ":")) {
            byte[] plain = (raw + suffix).getBytes(StandardCharsets.UTF_8);
            for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
                registerBase64(added, encoder.encodeToString(plain), 0, publicChars, rawBytes.length);
            }
        }
        if (authorization != null && authorization.startsWith(BASIC)) {
            byte[] credentials = Base64.getDecoder().decode(authorization.substring(BASIC.length()));
            // The account or key SID and ':' come before the secret: public, like its own prefix.
            int before = credentials.length - rawBytes.length;
            registerBase64(added, authorization, BASIC.length(), before + publicChars, credentials.length);
        }
        index = index.with(added);
    }

    /**
     * Adds the tiles of {@code encoded} (whose base64 text starts at {@code from}) and of its JSON spelling
     * ({@code \/}), tiled after the characters fixed by the first {@code publicBytes} of what it
     * encodes: those are public, so a tile holding them would teach nothing and could be planted.
     */
    private static void registerBase64(List<Tile> added, String encoded, int from, int publicBytes, int encodedBytes) {
        if (encodedBytes - publicBytes < TileIndex.ANCHOR) {
            return; // as for the raw spelling: a part this short is no secret worth a tile
        }
        int fixed = from + publicBytes / 3 * 4 + publicBytes % 3;
        List<int[]> base64Tiles = tiles(fixed, encoded.length(), BASE64_TILE);
        register(added, encoded, base64Tiles, i -> String.valueOf(encoded.charAt(i)));
        register(added, encoded, base64Tiles, i -> encoded.charAt(i) == '/' ? "\\/" : String.valueOf(encoded.charAt(i)));
    }

    private static int publicPrefixLength(String raw) {
        Matcher m = PUBLIC_PREFIX.matcher(raw);
        return m.find() ? m.end() : 0;
    }

    /** A header value, a header name, or any text, with every secret form that has a tile in it masked. */
    public String redact(String text) {
        if (text.length() < TileIndex.ANCHOR && isAscii(text)) {
            return text; // fewer bytes than any tile: most header values, without encoding them
        }
        TileIndex tiles = index;
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (!tiles.scan(bytes, bytes.length, 0, NOTHING)) {
            return text;
        }
        boolean[] mask = new boolean[bytes.length];
        mark(tiles, bytes, bytes.length, 0, mask);
        apply(bytes, mask, bytes.length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
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
        if (tiles.isEmpty() && end - start >= TileIndex.ANCHOR) {
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
     * Adds to {@code added} the tiles of the spelling of {@code text} that writes character
     * {@code i} as {@code spell(i)}: where the character tiles fall in that spelling.
     */
    private static void register(List<Tile> added, String text, List<int[]> charTiles, IntFunction<String> spell) {
        StringBuilder spelt = new StringBuilder();
        int[] at = new int[text.length() + 1];
        for (int i = 0; i < text.length(); i++) {
            at[i] = spelt.length();
            spelt.append(spell.apply(i));
        }
        at[text.length()] = spelt.length();
        byte[] form = spelt.toString().getBytes(StandardCharsets.UTF_8);
        for (int[] t : charTiles) {
            added.add(new Tile(form, at[t[0]], at[t[1]] - at[t[0]]));
        }
    }

    /**
     * Marks, in {@code mask}, the span of the form of every tile that starts at {@code from} or later
     * and lies wholly in the first {@code length} bytes; parts of a span past the mask are dropped
     * here (the stream carries them).
     */
    private static void mark(TileIndex tiles, byte[] text, int length, int from, boolean[] mask) {
        tiles.scan(text, length, from, (tile, start) ->
                Arrays.fill(mask, Math.max(0, start), Math.min(mask.length, start + tile.form().length), true));
    }

    /** Masks the first {@code length} bytes where {@code mask} (which may be shorter, or null) says. */
    private static void apply(byte[] bytes, boolean[] mask, int length) {
        for (int i = 0, n = mask == null ? 0 : Math.min(length, mask.length); i < n; i++) {
            if (mask[i]) {
                bytes[i] = '*';
            }
        }
    }

    /** What of {@code mask} lies past its first {@code sent} bytes, or null when none of it is set. */
    private static boolean[] rest(boolean[] mask, int sent) {
        if (mask == null) {
            return null;
        }
        for (int i = sent; i < mask.length; i++) {
            if (mask[i]) {
                return Arrays.copyOfRange(mask, sent, mask.length);
            }
        }
        return null;
    }

    /**
     * Holds back the last {@code longestForm + longestTile} bytes: no tile can still start before
     * them, and no form found later can reach back past them.
     */
    private final class Redacting extends FilterOutputStream {
        private byte[] pending = new byte[0];
        /**
         * Which pending bytes (and, past their end, which bytes to come) lie in a found form; null
         * while none does, so a body with no secret in it never allocates a mask.
         */
        private boolean[] pendingMask;
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
            TileIndex tiles = index;
            boolean[] mask = pendingMask;
            if (tiles.scan(all, all.length, searched, NOTHING)) {
                // Room for a form found at the end to reach into bytes still to come.
                int room = all.length + tiles.longestForm();
                mask = mask == null ? new boolean[room] : Arrays.copyOf(mask, Math.max(mask.length, room));
                mark(tiles, all, all.length, searched, mask);
            }
            searched = Math.max(searched, all.length - tiles.longestTile() + 1);
            int send = all.length - Math.min(all.length, tiles.longestForm() + tiles.longestTile());
            apply(all, mask, send);
            out.write(all, 0, send);
            pending = Arrays.copyOfRange(all, send, all.length);
            pendingMask = rest(mask, send);
            searched = Math.max(0, searched - send);
        }

        @Override
        public void flush() throws IOException {
            apply(pending, pendingMask, pending.length);
            out.write(pending);
            pendingMask = rest(pendingMask, pending.length);
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
