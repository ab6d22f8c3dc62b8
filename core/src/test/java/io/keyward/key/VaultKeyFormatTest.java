package io.keyward.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyward.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VaultKeyFormatTest {
    private final VaultKeyFormat format = new VaultKeyFormat(new SecureRandom());

    @Test
    void generatedKeysParseBackToTheirParts() {
        PresentedKey key = format.generate();
        assertTrue(key.text().startsWith("kw_" + key.id() + "_" + key.secret()));
        assertEquals(key, VaultKeyFormat.parse(key.text()).orElseThrow());
        assertTrue(VaultKeyFormat.isKeyId(key.id()));
        assertFalse(key.toString().contains(key.secret()), "toString hides the secret");
    }

    @Test
    void secretsCarryAtLeast160BitsAndDoNotRepeat() {
        // 32 base62 characters = 32 * log2(62) = 190.5 bits.
        assertTrue(VaultKeyFormat.SECRET_CHARS * Math.log(62) / Math.log(2) >= 160);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            assertTrue(seen.add(format.generate().secret()));
        }
    }

    @Test
    void everySingleCharacterTypoIsCaughtByTheChecksum() {
        String text = format.generate().text();
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        int caught = 0;
        int tried = 0;
        for (int i = 3; i < text.length(); i++) {
            if (text.charAt(i) == '_') {
                continue;
            }
            for (char c : alphabet.toCharArray()) {
                if (c != text.charAt(i)) {
                    tried++;
                    String typo = text.substring(0, i) + c + text.substring(i + 1);
                    if (VaultKeyFormat.parse(typo).isEmpty()) {
                        caught++;
                    }
                }
            }
        }
        assertEquals(tried, caught, "CRC32 catches every single-character substitution");
    }

    @Test
    void truncatedPaddedAndForeignKeysDoNotParse() {
        String text = format.generate().text();
        assertTrue(VaultKeyFormat.parse(text.substring(0, text.length() - 1)).isEmpty());
        assertTrue(VaultKeyFormat.parse(text + "x").isEmpty());
        assertTrue(VaultKeyFormat.parse(" " + text).isEmpty());
        assertTrue(VaultKeyFormat.parse("sk_test_51CaPtUrEaaaaaaaaaaaaaaaaaaaa").isEmpty());
        assertTrue(VaultKeyFormat.parse(null).isEmpty());
        assertTrue(VaultKeyFormat.parse("").isEmpty());
    }

    @Test
    void hashesDependOnThePepperAndCompareByValue() {
        KeyHasher a = new KeyHasher(Secret.of("pepper-a-0123456789-0123456789-0123"));
        KeyHasher b = new KeyHasher(Secret.of("pepper-b-0123456789-0123456789-0123"));
        PresentedKey key = format.generate();
        assertEquals(32, a.hash(key.secret()).length);
        assertTrue(a.matches(key.secret(), a.hash(key.secret())));
        assertFalse(a.matches(key.secret(), b.hash(key.secret())));
        assertFalse(a.matches(format.generate().secret(), a.hash(key.secret())));
        assertNotEquals(new String(a.hash(key.secret())), new String(b.hash(key.secret())));
    }

    @Test
    void scrubKeepsOnlyTheIdOfAnyVaultKeyInAgentChosenText() {
        PresentedKey key = format.generate();
        String text = key.text();
        String id = text.substring(3, 19);
        assertEquals("/2010-04-01/Accounts/kw_" + id + "_[redacted]/Calls.json",
                VaultKeyFormat.scrub("/2010-04-01/Accounts/" + text + "/Calls.json"));
        assertEquals("/Accounts/kw_" + id + "_[redacted].json", VaultKeyFormat.scrub("/Accounts/" + text.replace("_", "%5F") + ".json"));
        assertEquals("a kw_[redacted] b", VaultKeyFormat.scrub("a kw_NOTANIDbutlongenough_x b"), "a key-shaped run without a valid id");
        assertEquals("kw_short and kw", VaultKeyFormat.scrub("kw_short and kw"), "too short to be a key: kept");
        assertEquals(null, VaultKeyFormat.scrub(null));
        assertFalse(VaultKeyFormat.scrub("x" + text + "y" + text).contains(key.secret()));
    }

    @Test
    void holdsKeyFindsTheStartOfAnyVaultKeyInTextOrBytes() {
        String text = format.generate().text();
        String start = text.substring(0, 20);
        for (String held : List.of(text, "x=" + start, "[" + start + "]", start)) {
            assertTrue(VaultKeyFormat.holdsKey(held), held);
            assertTrue(VaultKeyFormat.holdsKey(held.getBytes(StandardCharsets.US_ASCII)), held);
        }
        for (String clear : List.of(text.substring(0, 19), "kw_0123456789ABCDEF_x", "kw_0123456789abcde_x", "kw-0123456789abcdef_x", "")) {
            assertFalse(VaultKeyFormat.holdsKey(clear), clear);
            assertFalse(VaultKeyFormat.holdsKey(clear.getBytes(StandardCharsets.US_ASCII)), clear);
        }
    }
}
