package io.keyward.secret;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every tile of every secret's spellings, found in one pass over a text: a rolling hash of the
 * {@value #ANCHOR} bytes at each position (one multiply-add per byte) looked up in an
 * open-addressed table of primitive longs. Nothing is allocated per byte or per call, and a byte
 * that starts no tile costs one probe of an array; the bytes of a candidate are then compared, so a
 * hash collision never masks anything. Immutable: adding a secret builds a new index.
 */
final class TileIndex {
    /** Bytes hashed to find where a tile may start; every tile is at least this long. */
    static final int ANCHOR = 12;
    /** The rolling hash's odd multiplier; arithmetic wraps modulo 2<sup>64</sup>. */
    private static final long BASE = 0x100000001B3L;
    /** {@code BASE^(ANCHOR-1)}: the weight of the byte leaving the window. */
    private static final long LEAVING;
    private static final long SPREAD = 0x9E3779B97F4A7C15L;

    static {
        long w = 1;
        for (int i = 1; i < ANCHOR; i++) {
            w *= BASE;
        }
        LEAVING = w;
    }

    static final TileIndex EMPTY = new TileIndex(List.of());

    /** A tile of one spelling of a secret ({@code form}): {@code length} bytes from {@code offset}. */
    record Tile(byte[] form, int offset, int length) {
        boolean matches(byte[] text, int at, int textLength) {
            return at + length <= textLength && Arrays.equals(text, at, at + length, form, offset, offset + length);
        }

        boolean sameAs(Tile other) {
            return offset == other.offset && length == other.length && Arrays.equals(form, other.form);
        }
    }

    /** Told of each tile found, with where its form would start in the text (may be negative). */
    interface Found {
        void at(Tile tile, int formStart);
    }

    private final List<Tile> tiles;
    private final long[] keys;
    private final Tile[][] slots;
    private final int shift;
    private final int longestTile;
    private final int longestForm;

    private TileIndex(List<Tile> tiles) {
        this.tiles = List.copyOf(tiles);
        Map<Long, List<Tile>> byHash = new LinkedHashMap<>();
        for (Tile tile : this.tiles) {
            byHash.computeIfAbsent(hash(tile.form(), tile.offset()), h -> new ArrayList<>()).add(tile);
        }
        int bits = Math.max(4, 64 - Long.numberOfLeadingZeros(Math.max(1, byHash.size() * 2L - 1)));
        this.shift = 64 - bits;
        this.keys = new long[1 << bits];
        this.slots = new Tile[1 << bits][];
        byHash.forEach((h, same) -> {
            int slot = slotOf(h);
            while (slots[slot] != null) {
                slot = (slot + 1) & (slots.length - 1);
            }
            keys[slot] = h;
            slots[slot] = same.toArray(Tile[]::new);
        });
        this.longestTile = this.tiles.stream().mapToInt(Tile::length).max().orElse(ANCHOR);
        this.longestForm = this.tiles.stream().mapToInt(t -> t.form().length).max().orElse(0);
    }

    /** This index and {@code more}, leaving out tiles it has already. */
    TileIndex with(List<Tile> more) {
        List<Tile> all = new ArrayList<>(tiles);
        for (Tile tile : more) {
            if (all.stream().noneMatch(tile::sameAs)) {
                all.add(tile);
            }
        }
        return new TileIndex(all);
    }

    int longestTile() {
        return longestTile;
    }

    int longestForm() {
        return longestForm;
    }

    /**
     * Reports every tile that starts at {@code from} or later and lies wholly in the first
     * {@code length} bytes of {@code text}. @return whether any was found
     */
    boolean scan(byte[] text, int length, int from, Found found) {
        int start = Math.max(0, from);
        if (length - start < ANCHOR || tiles.isEmpty()) {
            return false;
        }
        boolean any = false;
        long h = hash(text, start);
        for (int p = start; ; p++) {
            Tile[] candidates = lookup(h);
            if (candidates != null) {
                for (Tile tile : candidates) {
                    if (tile.matches(text, p, length)) {
                        found.at(tile, p - tile.offset());
                        any = true;
                    }
                }
            }
            if (p + ANCHOR >= length) {
                return any;
            }
            h = (h - (text[p] & 0xff) * LEAVING) * BASE + (text[p + ANCHOR] & 0xff);
        }
    }

    private Tile[] lookup(long h) {
        for (int slot = slotOf(h); ; slot = (slot + 1) & (slots.length - 1)) {
            Tile[] here = slots[slot];
            if (here == null || keys[slot] == h) {
                return here;
            }
        }
    }

    /** The high bits of a multiplied hash: the polynomial's low bits depend only on the bytes' low bits. */
    private int slotOf(long h) {
        return (int) ((h * SPREAD) >>> shift);
    }

    private static long hash(byte[] bytes, int from) {
        long h = 0;
        for (int i = 0; i < ANCHOR; i++) {
            h = h * BASE + (bytes[from + i] & 0xff);
        }
        return h;
    }
}
