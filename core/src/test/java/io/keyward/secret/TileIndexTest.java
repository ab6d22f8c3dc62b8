package io.keyward.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.secret.TileIndex.Tile;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The rolling-hash index reports exactly what comparing every tile at every position would. */
class TileIndexTest {
    private final Random random = new Random(42);

    @Test
    void findsExactlyWhatABruteForceSearchFinds() {
        List<Tile> tiles = new ArrayList<>();
        for (int f = 0; f < 40; f++) {
            byte[] form = bytes(30 + random.nextInt(80), 6); // a small alphabet: many near-misses
            for (int offset = 0; offset + 24 <= form.length; offset += 6) {
                tiles.add(new Tile(form, offset, 12 + random.nextInt(13)));
            }
        }
        TileIndex index = TileIndex.EMPTY.with(tiles);
        for (int round = 0; round < 300; round++) {
            byte[] text = bytes(random.nextInt(400), 6);
            for (int plant = random.nextInt(4); plant > 0 && text.length > 0; plant--) {
                Tile tile = tiles.get(random.nextInt(tiles.size()));
                int at = random.nextInt(text.length);
                System.arraycopy(tile.form(), tile.offset(), text, at, Math.min(tile.length(), text.length - at));
            }
            int from = text.length == 0 ? 0 : random.nextInt(text.length);
            Set<String> found = new TreeSet<>();
            boolean any = index.scan(text, text.length, from, (tile, start) -> found.add(tiles.indexOf(tile) + "@" + start));
            Set<String> expected = bruteForce(tiles, text, from);
            assertEquals(expected, found, "round " + round);
            assertEquals(!expected.isEmpty(), any);
        }
    }

    @Test
    void aTextShorterThanTheAnchorOrAnEmptyIndexFindsNothing() {
        byte[] form = bytes(40, 62);
        TileIndex index = TileIndex.EMPTY.with(List.of(new Tile(form, 0, 24)));
        assertFalse(index.scan(java.util.Arrays.copyOf(form, TileIndex.ANCHOR - 1), TileIndex.ANCHOR - 1, 0, (t, s) -> { }));
        assertFalse(TileIndex.EMPTY.scan(form, form.length, 0, (t, s) -> { }));
        assertTrue(index.scan(form, form.length, 0, (t, s) -> { }));
        assertFalse(index.scan(form, 23, 0, (t, s) -> { }), "a tile reaching past the length is not found");
    }

    @Test
    void addingATileItHasAlreadyKeepsOne() {
        byte[] form = bytes(40, 62);
        TileIndex index = TileIndex.EMPTY.with(List.of(new Tile(form, 0, 24))).with(List.of(new Tile(form.clone(), 0, 24)));
        List<Integer> starts = new ArrayList<>();
        index.scan(form, form.length, 0, (t, s) -> starts.add(s));
        assertEquals(List.of(0), starts);
    }

    private static Set<String> bruteForce(List<Tile> tiles, byte[] text, int from) {
        Set<String> found = new TreeSet<>();
        for (int p = from; p < text.length; p++) {
            for (int i = 0; i < tiles.size(); i++) {
                if (tiles.get(i).matches(text, p, text.length)) {
                    found.add(i + "@" + (p - tiles.get(i).offset()));
                }
            }
        }
        return found;
    }

    private byte[] bytes(int n, int alphabet) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('0' + random.nextInt(alphabet));
        }
        return b;
    }
}
